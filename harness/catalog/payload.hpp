#pragma once
// PAYLOAD values of case files: "text", {"hex": ...}, {"pattern": ..., "size": N},
// {"pattern_hex": ..., "size": N}.
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "codec/result.hpp"
#include "harness/catalog/case_model.hpp"

namespace wsspec::catalog {

result<bytes> parse_payload(const nlohmann::json& j);
result<bytes> parse_hex(std::string_view hex);

} // namespace wsspec::catalog
