#include "reports/verdict.hpp"

#include <array>
#include <ostream>
#include <utility>

namespace wsspec::report {
namespace {

constexpr std::array<std::pair<verdict, std::string_view>, 10> names{{
    {verdict::ok, "OK"},
    {verdict::non_strict, "NON-STRICT"},
    {verdict::failed, "FAILED"},
    {verdict::informational, "INFORMATIONAL"},
    {verdict::unimplemented, "UNIMPLEMENTED"},
    {verdict::wrong_code, "WRONG CODE"},
    {verdict::unclean, "UNCLEAN"},
    {verdict::failed_by_client, "FAILED BY CLIENT"},
    {verdict::error, "ERROR"},
    {verdict::crashed, "CRASHED"},
}};

} // namespace

std::string_view to_string(verdict v) noexcept {
    for (const auto& [value, name] : names)
        if (value == v) return name;
    return "?";
}

std::optional<verdict> parse_verdict(std::string_view s) noexcept {
    for (const auto& [value, name] : names)
        if (name == s) return value;
    return std::nullopt;
}

std::ostream& operator<<(std::ostream& os, verdict v) {
    return os << to_string(v);
}

} // namespace wsspec::report
