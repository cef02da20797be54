#pragma once
// What `wsspec load` prints and writes: a short text summary, a progress line, and load.json.
#include <cstdint>
#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "harness/load/load_client.hpp"

namespace wsspec::load {

// "812 ns", "31.2 µs", "1.25 ms", "2.50 s": three significant digits.
std::string format_latency(std::uint64_t ns);

// Summary: target, settings, echoes and rates, latency percentiles, errors by kind with the
// first message of each.
void print_summary(std::FILE* out, const load_result& r);

// The figures a progress line shows between two snapshots.
std::string progress_line(const load_progress& now, const load_progress& before,
                          const load_options& o);

// load.json: settings, counts, rates, latency (µs), errors by kind. `started` is ISO 8601.
nlohmann::ordered_json to_json(const load_result& r, const std::string& version,
                               const std::string& started);

} // namespace wsspec::load
