#pragma once
// `wsspec fuzz`: generated frame sequences against a live server, several connections at once.
// Each run ends with a probe ping; a finding is
//   crash     — the server stops accepting connections,
//   hang      — a connection gets neither the probe's pong nor a close within --hang-timeout,
//   violation — the server sends something RFC 6455 forbids (the strict codec names the rule),
// and is shrunk to a small case that `wsspec run --case-dir` replays. Findings with the same
// signature (kind and rule) are counted, not shrunk again; a crash ends the run.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "harness/catalog/case_model.hpp"
#include "harness/engine/case_runner.hpp"
#include "harness/live_fuzz/generator.hpp"
#include "harness/live_fuzz/target.hpp"

namespace wsspec::live_fuzz {

struct fuzz_options {
    std::uint64_t seed = 1;
    std::optional<std::uint64_t> runs;                 // stop after this many runs ...
    std::optional<std::chrono::milliseconds> duration; // ... or this long (neither: until Ctrl-C)
    unsigned jobs = 4;
    std::chrono::milliseconds hang_timeout{2000};
    generator_options generator;
    bool shrink = true;
    std::size_t shrink_budget = 150; // candidate runs per finding
    engine::run_options run;         // TLS, headers; the target URL comes from the target
    const std::atomic<bool>* interrupted = nullptr;
};

struct finding {
    std::string kind;          // "crash", "hang", "violation", "accepted", "handshake"
    std::string rule, section; // violation: the codec's rule and RFC section
    std::string detail;        // one line
    std::uint64_t run = 0;
    catalog::case_def original, reduced;
    bool reproduced = false; // the reduced case showed the finding again when run alone
    std::size_t shrink_attempts = 0;
    std::size_t duplicates = 0; // later runs with the same signature
    std::string signature() const { return kind + (rule.empty() ? "" : ":" + rule); }
};

struct fuzz_summary {
    std::uint64_t runs = 0;
    double seconds = 0;
    std::vector<finding> findings;
    std::size_t restarts = 0;
    bool interrupted = false;
    std::string stopped_because; // "runs", "duration", "interrupted", "crash", "unrestartable"
};

struct fuzz_callbacks {
    std::function<void(const finding&)> on_finding;  // a new signature, after shrinking
    std::function<void(const std::string&)> on_note; // "shrinking hang from run 12 ..."
    std::function<void(std::uint64_t runs, double seconds, std::size_t findings)>
        on_progress; // ~4 per s
};

fuzz_summary fuzz(target& t, const fuzz_options& o, const fuzz_callbacks& cb);

} // namespace wsspec::live_fuzz
