#include "harness/catalog/detail/family.hpp"

namespace wsspec::catalog::detail {
namespace {

// "{name}" alone → the value itself (keeping its type, and with the row's other placeholders
// filled inside it: a cross value can be a whole step); inside a longer string → its text.
json substitute(const json& j, const json& row) {
    if (j.is_string()) {
        const auto& text_in = j.get_ref<const std::string&>();
        if (text_in.find('{') == std::string::npos) return j; // most strings name nothing
        std::string s = text_in;
        for (const auto& [k, v] : row.items()) {
            std::string key = "{" + k + "}";
            if (s == key) {
                json rest = row;
                rest.erase(k); // a value that names itself cannot recurse forever
                return substitute(v, rest);
            }
            std::string text = v.is_string() ? v.get<std::string>() : v.dump();
            for (std::size_t pos = 0; (pos = s.find(key, pos)) != std::string::npos;
                 pos += text.size())
                s.replace(pos, key.size(), text);
        }
        return s;
    }
    if (j.is_array()) {
        json out = json::array();
        for (const auto& e : j)
            out.push_back(substitute(e, row));
        return out;
    }
    if (j.is_object()) {
        json out = json::object();
        for (const auto& [k, v] : j.items())
            out[k] = substitute(v, row);
        return out;
    }
    return j;
}

result<std::vector<json>> params_rows(const json& p, const where& w) {
    std::vector<json> rows;
    if (p.is_array()) {
        for (std::size_t i = 0; i < p.size(); ++i) {
            if (!p[i].is_object()) return w.at(i).error("expected an object of placeholder values");
            rows.push_back(p[i]);
        }
        return rows;
    }
    if (!p.is_object())
        return w.error("expected a list of objects or {\"columns\": [...], \"rows\": [[...]]}");
    if (auto r = check_fields(p, object_kind::params_table, w); !r) return r.error();
    const json& cols = p.value("columns", json());
    if (!cols.is_array() || cols.empty())
        return w.at("columns").error("expected a list of placeholder names");
    for (std::size_t i = 0; i < cols.size(); ++i)
        if (!cols[i].is_string()) return w.at("columns").at(i).error("expected a name");
    const json& data = p.value("rows", json());
    if (!data.is_array()) return w.at("rows").error("expected a list of rows");
    for (std::size_t i = 0; i < data.size(); ++i) {
        if (!data[i].is_array() || data[i].size() != cols.size())
            return w.at("rows").at(i).error("expected a list of " + std::to_string(cols.size()) +
                                            " values, one per column");
        json row = json::object();
        for (std::size_t k = 0; k < cols.size(); ++k)
            row[cols[k].get<std::string>()] = data[i][k];
        rows.push_back(std::move(row));
    }
    return rows;
}

// params × cross: every combination, the dimensions' keys merged into one row.
result<std::vector<json>> family_rows(const json& entry, const where& w) {
    std::vector<json> rows{json::object()};
    if (entry.contains("params")) {
        auto p = params_rows(entry["params"], w.at("params"));
        if (!p) return p.error();
        rows = std::move(*p);
    }
    if (!entry.contains("cross")) return rows;
    const json& cross = entry["cross"];
    if (!cross.is_object()) return w.at("cross").error("expected {\"name\": [objects], …}");
    for (const auto& [dim, values] : cross.items()) {
        auto dw = w.at("cross").at(dim);
        if (!values.is_array() || values.empty())
            return dw.error("expected a non-empty list of objects");
        std::vector<json> product;
        for (const auto& row : rows)
            for (std::size_t i = 0; i < values.size(); ++i) {
                if (!values[i].is_object()) return dw.at(i).error("expected an object");
                json merged = row;
                merged.update(values[i]);
                product.push_back(std::move(merged));
            }
        rows = std::move(product);
    }
    return rows;
}

result<json> resolve(const json& entry, const json& row, const json& file, const where& w) {
    json out = file.contains("defaults") ? substitute(file["defaults"], row) : json::object();
    // The family's own fields are not substituted: a table of 132 rows, once per row, was most
    // of the time wsspec took to start.
    json c = json::object();
    for (const auto& [k, v] : entry.items())
        if (k != "params" && k != "cross") c[k] = substitute(v, row);
    if (c.contains("use")) {
        json names = c["use"].is_array() ? c["use"] : json::array({c["use"]});
        const json& templates = file.value("templates", json::object());
        for (std::size_t i = 0; i < names.size(); ++i) {
            auto uw = w.at("use").at(i);
            if (!names[i].is_string()) return uw.error("expected a template name");
            auto name = names[i].get<std::string>();
            if (!templates.contains(name))
                return uw.error("no template '" + name + "' in the file's \"templates\"");
            out.update(substitute(templates[name], row));
        }
        c.erase("use");
    }
    out.update(c);
    return out;
}

// "defaults" and each template hold case fields, but not the family ones: those are read from
// the entry in "cases" before anything is merged, so there they would be dropped unread.
result<void> check_case_part(const json& part, const where& w) {
    if (!part.is_object()) return w.error("expected an object of case fields");
    if (auto r = check_fields(part, object_kind::case_entry, w); !r) return r.error();
    for (const char* f : {"params", "cross", "use"})
        if (part.contains(f))
            return w.at(f).error("only an entry in \"cases\" can have it, not defaults or a "
                                 "template");
    return {};
}

} // namespace

result<std::vector<expanded_case>> expand_cases(const json& file, const where& w) {
    if (file.contains("defaults"))
        if (auto r = check_case_part(file["defaults"], w.at("defaults")); !r) return r.error();
    const json templates = file.value("templates", json::object());
    for (const auto& [name, t] : templates.items())
        if (auto r = check_case_part(t, w.at("templates").at(name)); !r) return r.error();
    const json& cases = file.value("cases", json());
    if (!cases.is_array()) return w.at("cases").error("expected a list of cases");
    std::vector<expanded_case> out;
    for (std::size_t i = 0; i < cases.size(); ++i) {
        where cw = w.at("cases").at(i);
        const json& entry = cases[i];
        if (!entry.is_object()) return cw.error("expected a case object");
        auto rows = family_rows(entry, cw);
        if (!rows) return rows.error();
        const bool family = entry.contains("params") || entry.contains("cross");
        for (std::size_t k = 0; k < rows->size(); ++k) {
            const auto& row = (*rows)[k];
            std::string where_row;
            if (family) {
                std::string values = row.dump();
                if (values.size() > 100) values = values.substr(0, 100) + " …";
                where_row = "family cases[" + std::to_string(i) + "], row " +
                            std::to_string(k + 1) + " " + values;
            }
            auto c = resolve(entry, row, file, cw);
            if (!c)
                return make_error(c.error().message + (family ? " (" + where_row + ")" : ""),
                                  c.error().kind);
            out.push_back({std::move(*c), cw, std::move(where_row)});
        }
    }
    return out;
}

} // namespace wsspec::catalog::detail
