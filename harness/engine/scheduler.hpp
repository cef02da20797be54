#pragma once
// Runs many cases at once (-j), each on its own connection, and notices a target that stops
// accepting connections: the case after which that happened is CRASHED, the rest are not run.
#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

#include "harness/catalog/case_model.hpp"
#include "harness/engine/case_runner.hpp"
#include "harness/engine/target_probe.hpp"
#include "reports/report.hpp"

namespace wsspec::engine {

struct schedule_options {
    unsigned jobs = 8;
    const std::atomic<bool>* interrupted = nullptr; // Ctrl-C: finish running cases, start no more
    // Stop after this many opening handshakes in a row got no answer at all: the rest are
    // ERROR ("not run") instead of each waiting for its own handshake timeout.
    std::size_t give_up_after = 3;
    // Cases that send messages of a MiB or more start first (they take longest) but together
    // carry at most this many payload bytes at a time, so that -j does not multiply 16 MiB
    // buffers; one larger than the budget runs with no other large case.
    std::uint64_t memory_budget = std::uint64_t{16} << 20;
    // Called (under a lock, in completion order) as each case finishes.
    std::function<void(const report::case_result&, std::size_t done, std::size_t total)> on_result;
};

// The payload bytes a case holds in flight (its largest message), or 0 below 1 MiB.
std::uint64_t memory_weight(const catalog::case_def& c);

// Fills report.cases in catalog order; sets report.interrupted / report.note.
void run_cases(const std::vector<catalog::case_def>& cases, const run_options& o,
               const schedule_options& so, report::run_report& report);

} // namespace wsspec::engine
