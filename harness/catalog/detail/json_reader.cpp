#include "harness/catalog/detail/json_reader.hpp"

#include <fmt/format.h>

namespace wsspec::catalog::detail {

where where::at(std::string_view field) const {
    return {file, case_id, path.empty() ? std::string(field) : path + "." + std::string(field)};
}

where where::at(std::size_t index) const {
    return {file, case_id, path + "[" + std::to_string(index) + "]"};
}

error_info where::error(std::string_view what) const {
    std::string s = file + ": ";
    if (!case_id.empty()) s += "case " + case_id + ": ";
    if (!path.empty()) s += path + ": ";
    return make_error(s + std::string(what), error_kind::bad_input);
}

result<std::string> get_string(const json& j, const where& w) {
    if (!j.is_string()) return w.error("expected a string, got " + j.dump());
    return j.get<std::string>();
}

result<double> get_number(const json& j, const where& w, double min, double max) {
    if (!j.is_number() || j.get<double>() < min || j.get<double>() > max)
        return w.error(fmt::format("expected a number from {} to {}, got {}", min, max, j.dump()));
    return j.get<double>();
}

result<std::uint64_t> get_unsigned(const json& j, const where& w, std::uint64_t max) {
    if (!j.is_number_unsigned() || j.get<std::uint64_t>() > max)
        return w.error(fmt::format("expected an integer from 0 to {}, got {}", max, j.dump()));
    return j.get<std::uint64_t>();
}

result<bool> get_bool(const json& j, const where& w) {
    if (!j.is_boolean()) return w.error("expected true or false, got " + j.dump());
    return j.get<bool>();
}

result<void> check_fields(const json& obj, object_kind kind, const where& w) {
    for (const auto& [k, v] : obj.items())
        if (!is_field(kind, k))
            return w.error(fmt::format("unknown field '{}' ({} fields: {})", k, to_string(kind),
                                       field_list(kind)));
    return {};
}

result<handshake::header_pair> get_header(const json& j, const where& w) {
    auto h = get_string(j, w);
    if (!h) return h.error();
    auto field = handshake::parse_header_line(*h);
    if (!field) return w.error("expected \"Name: value\", got '" + *h + "'");
    return *field;
}

} // namespace wsspec::catalog::detail
