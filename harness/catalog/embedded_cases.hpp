#pragma once
#include <cstddef>
#include <string_view>

namespace wsspec::catalog::detail {
struct embedded_file {
    const char* name;
    std::string_view text;
};
// Defined in the source generated from cases/*.json.
extern const embedded_file embedded_cases[];
extern const std::size_t embedded_case_count;
} // namespace wsspec::catalog::detail
