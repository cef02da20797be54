#pragma once
// Verdicts as values. Autobahn|Testsuite's strings ("WRONG CODE", …) appear only where a report
// is written or read.
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string_view>

namespace wsspec::report {

enum class verdict : std::uint8_t {
    ok,
    non_strict,
    failed,
    informational,
    unimplemented,
    wrong_code,       // behaviorClose only
    unclean,          // behaviorClose only
    failed_by_client, // behaviorClose only
    error,            // ours: the harness could not run the case
    crashed,          // ours: the target stopped accepting connections after this case
};

// Autobahn's spelling: "OK", "NON-STRICT", "WRONG CODE", …, plus "ERROR" and "CRASHED".
std::string_view to_string(verdict v) noexcept;
std::optional<verdict> parse_verdict(std::string_view s) noexcept;
std::ostream& operator<<(std::ostream& os, verdict v); // for test failure messages

} // namespace wsspec::report
