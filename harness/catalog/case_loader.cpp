#include "harness/catalog/case_loader.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "harness/catalog/detail/family.hpp"
#include "harness/catalog/detail/parse_case.hpp"

namespace wsspec::catalog {
namespace {

using detail::json;
using detail::where;

void sort_by_id(std::vector<case_def>& cases) {
    std::sort(cases.begin(), cases.end(),
              [](const case_def& a, const case_def& b) { return id_less(a.id, b.id); });
}

// Appends `more`, refusing an id that is already there.
result<void> add_distinct(std::vector<case_def>& all, std::vector<case_def> more,
                          const std::string& file) {
    for (auto& c : more) {
        for (const auto& e : all)
            if (e.id == c.id)
                return make_error(file + ": case " + c.id + " is also defined in " + e.source,
                                  error_kind::bad_input);
        all.push_back(std::move(c));
    }
    return {};
}

} // namespace

result<std::vector<case_def>> load_case_file(std::string_view json_text,
                                             const std::string& file_name) {
    json doc;
    try {
        doc = json::parse(json_text);
    } catch (const json::parse_error& e) {
        return make_error(file_name + ": not valid JSON: " + e.what(), error_kind::bad_input);
    }
    where w{file_name, "", ""};
    if (!doc.is_object()) return w.error("expected an object with \"group\" and \"cases\"");
    if (auto r = detail::check_fields(doc, object_kind::file, w); !r) return r.error();
    detail::group_info group;
    auto id = detail::get_string(doc.value("group", json()), w.at("group"));
    if (!id) return id.error();
    group.id = *id;
    if (doc.contains("title")) {
        auto t = detail::get_string(doc["title"], w.at("title"));
        if (!t) return t.error();
        group.title = *t;
    }
    if (doc.contains("note")) // a comment on the file, for its readers
        if (auto n = detail::get_string(doc["note"], w.at("note")); !n) return n.error();
    for (const char* f : {"defaults", "templates"})
        if (doc.contains(f) && !doc[f].is_object()) return w.at(f).error("expected an object");
    auto entries = detail::expand_cases(doc, w);
    if (!entries) return entries.error();
    std::vector<case_def> out;
    std::set<std::string> seen;
    for (const auto& e : *entries) {
        auto c = detail::parse_case(e.entry, e.origin, group);
        if (!c)
            return e.row.empty()
                       ? c.error()
                       : make_error(c.error().message + " (" + e.row + ")", c.error().kind);
        if (!seen.insert(c->id).second) return e.origin.error("duplicate case id " + c->id);
        out.push_back(std::move(*c));
    }
    return out;
}

result<std::vector<case_def>> load_case_dir(const std::string& dir) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::exists(dir, ec))
        return make_error("case directory '" + dir + "' does not exist", error_kind::bad_input);
    if (!fs::is_directory(dir, ec))
        return make_error("--case-dir '" + dir +
                              "' is a file, not a directory: give the directory that holds it",
                          error_kind::bad_input);
    std::vector<std::string> files;
    for (auto it = fs::recursive_directory_iterator(dir, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
        if (it->is_regular_file() && it->path().extension() == ".json" &&
            !it->path().filename().string().ends_with(".schema.json"))
            files.push_back(it->path().string());
    if (ec)
        return make_error("cannot read case directory '" + dir + "': " + ec.message(),
                          error_kind::bad_input);
    std::sort(files.begin(), files.end());
    std::vector<case_def> all;
    for (const auto& f : files) {
        std::ifstream in(f, std::ios::binary);
        if (!in) return make_error(f + ": cannot open", error_kind::bad_input);
        std::stringstream ss;
        ss << in.rdbuf();
        auto r = load_case_file(ss.str(), f);
        if (!r) return r.error();
        if (auto a = add_distinct(all, std::move(*r), f); !a) return a.error();
    }
    sort_by_id(all);
    return all;
}

void merge_cases(std::vector<case_def>& base, std::vector<case_def> more) {
    for (auto& c : more) {
        auto it =
            std::find_if(base.begin(), base.end(), [&](const case_def& b) { return b.id == c.id; });
        if (it != base.end())
            *it = std::move(c);
        else
            base.push_back(std::move(c));
    }
    sort_by_id(base);
}

} // namespace wsspec::catalog
