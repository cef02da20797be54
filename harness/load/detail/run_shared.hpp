#pragma once
// What every load worker shares: the settings, the one address all connections use, the
// payload, the message budget, and the start of the load (set once all connections are open).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <limits>
#include <vector>

#include "codec/opcode.hpp"
#include "harness/load/histogram.hpp"
#include "harness/load/load_client.hpp"
#include "harness/transport/endpoint.hpp"
#include "harness/transport/tls_context.hpp"

namespace wsspec::load::detail {

// Nanoseconds on the steady clock: the one time base of a run.
inline std::int64_t now_ns() noexcept {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

inline constexpr std::int64_t never = std::numeric_limits<std::int64_t>::max();

struct run_shared {
    run_shared(const load_options& o, const std::atomic<bool>& stop) : opt(o), interrupted(stop) {}

    const load_options& opt;
    const std::atomic<bool>& interrupted;
    transport::endpoint ep;
    const transport::tls_context* tls = nullptr; // wss:// only
    std::vector<std::uint8_t> base; // every message's payload before its sequence number
    opcode op = opcode::binary;
    // --messages: messages no connection has claimed yet (may go negative once used up).
    std::atomic<std::int64_t> budget{0};
    std::atomic<unsigned> opened{0};

    // Written once by the start barrier's completion, before any worker reads them.
    std::int64_t start_ns = 0;
    std::int64_t end_ns = never; // --duration: no message is sent after this
    double ns_per_message = 0;   // --rate: the interval between messages of one connection
    std::atomic<bool> loading{false};
};

// One worker thread's tallies; merged into the result when the workers are done.
struct worker_stats {
    log_linear_histogram latency_ns;
    error_tally errors;
    std::uint64_t sent = 0;
    std::uint64_t echoed = 0;
    std::uint64_t wire_sent = 0;
    std::uint64_t wire_received = 0;
    std::int64_t last_echo_ns = 0;
};

} // namespace wsspec::load::detail
