#pragma once
// The report formats a run (or `wsspec report`) writes into its output directory, each under
// the name its users look for:
//   json      report.json                the native report (report.schema.json)
//   autobahn  index.json + <agent>_case_<id>.json   Autobahn|Testsuite's layout
//   html      index.html                 where Autobahn's users link its HTML report
//   junit     junit.xml
//   md        summary.md
#include <string>
#include <vector>

#include "codec/result.hpp"
#include "reports/html_format.hpp"

namespace wsspec::report {

enum class format { json, autobahn, html, junit, md };

// "json,html" (several flags add up). Unknown names are an error that lists the known ones.
result<std::vector<format>> parse_formats(const std::vector<std::string>& lists);

// Does any of these formats show wire logs (the run must then record them)?
bool needs_wirelog(const std::vector<format>& formats);

struct write_options {
    bool wirelog_in_json = false; // --wirelog: report.json carries each case's wire log
    html_extras extras;           // the baseline comparison, a load report
};

// Writes every format; the error names the file that could not be written. Returns the
// paths written, for the console.
result<std::vector<std::string>> write_formats(const std::vector<run_report>& targets,
                                               const std::string& dir,
                                               const std::vector<format>& formats,
                                               const write_options& o);

} // namespace wsspec::report
