#pragma once
// The HTML report (`index.html`): one self-contained page — no network, no external file — that
// a person opens from a CI artifact or a release page. A summary per agent, charts of the
// verdicts per category and of category 9's durations and round trips (and of the latency
// histogram of a `wsspec load` report given with it), the matrix of cases × agents coloured as
// Autobahn colours it, and every case expandable to its reason, the rule it quotes, its events
// and its wire log. Works without JavaScript; the script only adds the filters.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "codec/result.hpp"
#include "reports/baseline.hpp"
#include "reports/report.hpp"

namespace wsspec::report {

struct html_extras {
    const comparison* against_baseline = nullptr;
    std::optional<nlohmann::json> load; // a load.json (`wsspec load -o`), for its histogram
};

std::string html_page(const std::vector<run_report>& targets, const html_extras& extras = {});
result<void> write_html(const std::vector<run_report>& targets, const std::string& path,
                        const html_extras& extras = {});

} // namespace wsspec::report
