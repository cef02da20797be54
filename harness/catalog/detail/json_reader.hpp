#pragma once
// Reading case-file JSON with errors that say where: "file: case X: field.path: what".
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "codec/handshake/http_fields.hpp"
#include "codec/result.hpp"
#include "harness/catalog/case_format.hpp"

namespace wsspec::catalog::detail {

using json = nlohmann::json;

struct where {
    const std::string& file;
    std::string case_id;
    std::string path;

    where at(std::string_view field) const;
    where at(std::size_t index) const;
    error_info error(std::string_view what) const;
};

result<std::string> get_string(const json& j, const where& w);
result<double> get_number(const json& j, const where& w, double min, double max);
result<std::uint64_t> get_unsigned(const json& j, const where& w, std::uint64_t max);
result<bool> get_bool(const json& j, const where& w);
// Every key of `obj` must be a field of `kind` (case_format.hpp); a typo is an error.
result<void> check_fields(const json& obj, object_kind kind, const where& w);
// "Name: value" → {name, value}, as -H and "headers" write a header field.
result<handshake::header_pair> get_header(const json& j, const where& w);

} // namespace wsspec::catalog::detail
