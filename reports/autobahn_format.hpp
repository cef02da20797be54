#pragma once
// Autobahn|Testsuite's report directory (autobahn-catalog.md §3), so that scripts written for
// `wstest -m fuzzingclient` read wsspec's output unchanged: `index.json` keyed agent → case id
// with exactly Autobahn's five keys, and one `<agent>_case_<id>.json` per case with Autobahn's
// keys that have a meaning here, plus a `wsspec` object with what Autobahn has no key for.
//
// Autobahn's verdict strings are kept; ERROR and CRASHED (ours) are written as FAILED in the
// Autobahn keys, so that no script meets a value it does not know; the per-case file keeps the
// real verdict under `wsspec`.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "codec/result.hpp"
#include "reports/report.hpp"

namespace wsspec::report {

// "ws@8.18.3" → "ws_8_18_3"; "6.4.1" → "6_4_1"; the file "ws_8_18_3_case_6_4_1.json".
std::string autobahn_file_name(const std::string& agent, const std::string& case_id);

nlohmann::json autobahn_index(const std::vector<run_report>& targets);
nlohmann::json autobahn_case(const run_report& target, const case_result& c, std::size_t index);

// Writes index.json and the per-case files into `dir`.
result<void> write_autobahn(const std::vector<run_report>& targets, const std::string& dir);

} // namespace wsspec::report
