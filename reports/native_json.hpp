#pragma once
// report.json, the native report (reports/report.schema.json): the run, a summary over every
// target, then one entry per target (an agent, in Autobahn's words) in the order given. It is
// the source every other format can be rendered from again (`wsspec report`, `wsspec diff`).
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "codec/result.hpp"
#include "reports/report.hpp"

namespace wsspec::report {

nlohmann::json to_json(const std::vector<run_report>& targets, bool with_wirelog);
result<void> write_json(const std::vector<run_report>& targets, const std::string& path,
                        bool with_wirelog);

// Reads a report.json back. The error names the file and the field ("report.json:
// targets[0].cases[3].behavior: 'PASS' is not a verdict").
result<std::vector<run_report>> from_json(const nlohmann::json& j, const std::string& where);
result<std::vector<run_report>> read_json(const std::string& path);

} // namespace wsspec::report
