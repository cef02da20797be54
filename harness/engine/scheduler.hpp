#pragma once
// Runs many cases at once (-j), each on its own connection, and notices a target that stops
// accepting connections: the case after which that happened is CRASHED, the rest are not run.
#include <atomic>
#include <functional>
#include <vector>

#include "harness/catalog/case_model.hpp"
#include "harness/engine/case_runner.hpp"
#include "reports/report.hpp"

namespace wsspec::engine {

struct schedule_options {
    unsigned jobs = 8;
    const std::atomic<bool>* interrupted = nullptr; // Ctrl-C: finish running cases, start no more
    // Called (under a lock, in completion order) as each case finishes.
    std::function<void(const report::case_result&, std::size_t done, std::size_t total)> on_result;
};

// Fills report.cases in catalog order; sets report.interrupted / report.note.
void run_cases(const std::vector<catalog::case_def>& cases, const run_options& o,
               const schedule_options& so, report::run_report& report);

// Can a TCP connection be opened to the target right now?
bool target_accepts(const run_options& o, std::chrono::milliseconds within);

// Is the target still running? It is tried with an opening handshake: a TCP connection alone
// proves little, since the listening socket of a process that is dying still completes TCP
// handshakes until the kernel closes it (and then resets what it had queued).
bool target_alive(const run_options& o, std::chrono::milliseconds within);

} // namespace wsspec::engine
