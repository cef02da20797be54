#pragma once
// A Markdown summary (`summary.md`) sized for a CI job summary or a pull-request comment: the
// totals per agent, the verdicts per category, then every case that did not pass with its
// reason and rule; with a baseline, what regressed and what got fixed first.
#include <string>
#include <vector>

#include "codec/result.hpp"
#include "reports/baseline.hpp"
#include "reports/report.hpp"

namespace wsspec::report {

std::string markdown_summary(const std::vector<run_report>& targets,
                             const comparison* against_baseline = nullptr);
result<void> write_markdown(const std::vector<run_report>& targets, const std::string& path,
                            const comparison* against_baseline = nullptr);

} // namespace wsspec::report
