#pragma once
// The charts of the HTML report, as inline SVG (no script, no library): each returns an <svg>
// element, or "" when it has nothing to draw.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "reports/report.hpp"

namespace wsspec::report::html {

// The CSS class of a verdict: "v-ok", "v-non-strict", "v-wrong-code", …
std::string verdict_class(verdict v);

// One stacked bar per category: how many cases got each headline verdict.
std::string verdicts_per_category(const run_report& t);

// Category 9: each case's duration, one bar per agent; and the round-trip median and p99 of
// the cases that measured round trips (9.7, 9.8).
std::string category9_durations(const std::vector<run_report>& targets);
std::string round_trip_percentiles(const std::vector<run_report>& targets);

// The latency histogram of a load.json (its "latency_histogram_us").
std::string load_histogram(const nlohmann::json& load);

} // namespace wsspec::report::html
