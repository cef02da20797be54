#pragma once
// `wsspec load`: echo throughput and latency of a live WebSocket server. Every connection sends
// messages of one size and type, keeps up to `pipeline` of them in flight, and checks each echo
// (opcode, length, every payload byte, order) with the strict codec in the client role.
//
// Cheap enough that the server is the bottleneck: one epoll loop per thread, each owning a share
// of the connections; frames are built and masked once per connection and sent from that
// buffer (only the 8 bytes carrying the sequence number change); echoes are checked in the read
// buffer without copies; latencies go into a fixed-size histogram. Nothing is allocated per
// message. The masking key is chosen once per connection and reused for all its frames: RFC 6455
// §5.3 wants a fresh unpredictable key per frame to protect intermediaries from cache poisoning,
// which does not apply to a load test, and the server cannot tell the difference.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "codec/result.hpp"
#include "harness/load/histogram.hpp"
#include "harness/transport/tls_options.hpp"
#include "harness/transport/url.hpp"

namespace wsspec::load {

enum class payload_type : std::uint8_t { text, binary };

struct load_options {
    transport::url target;
    transport::tls_client_options tls;
    unsigned connections = 1;
    unsigned threads = 0;  // 0: one per core, never more than connections
    std::size_t size = 16; // payload bytes per message
    payload_type type = payload_type::binary;
    // Stop after this many echoes in all (0: run for `duration` instead).
    std::uint64_t messages = 0;
    std::chrono::duration<double> duration{10.0};
    // Target messages per second over all connections, each pacing its share (0: as fast as
    // echoes come back). Latency is then measured from when a message was due, not from when it
    // left, so a server that falls behind is not flattered (coordinated omission).
    double rate = 0;
    unsigned pipeline = 1; // messages in flight per connection
    // Offer permessage-deflate (RFC 7692) and compress every message (each on its own: the offer
    // promises client_no_context_takeover); echoes are inflated before they are checked. A
    // server that declines fails the connection's handshake.
    bool deflate = false;
    std::chrono::milliseconds connect_timeout{5000};
    // A connection waiting this long for an echo (or the end of the closing handshake) fails.
    std::chrono::milliseconds echo_timeout{10000};
    std::uint64_t seed = 1; // masking keys and handshake nonces
};

enum class error_kind : std::uint8_t {
    connect,          // TCP connect failed
    handshake,        // TLS or WebSocket opening handshake failed
    protocol,         // the server broke an RFC 6455 rule the strict codec checks
    unexpected_close, // the server closed (close frame, FIN or reset) before we did
    mismatch,         // an echo differs from what was sent (opcode, length, bytes, order)
    timeout,          // no echo, or no end of the closing handshake, within echo_timeout
};
inline constexpr std::size_t error_kind_count = 6;
const char* to_string(error_kind k) noexcept;

struct error_tally {
    std::array<std::uint64_t, error_kind_count> counts{};
    std::array<std::string, error_kind_count> first{}; // the first message of each kind

    void add(error_kind k, std::string message);
    void merge(const error_tally& other);
    std::uint64_t total() const noexcept;
    std::uint64_t operator[](error_kind k) const noexcept {
        return counts[static_cast<std::size_t>(k)];
    }
};

// A live view for progress lines, updated by the workers a few times per second or faster.
struct load_progress {
    double elapsed_s = 0; // since the load started (after every connection opened)
    unsigned connections_open = 0;
    std::uint64_t echoed = 0;
    std::uint64_t errors = 0;
    bool loading = false; // false while connections are still being opened
};

struct load_result {
    std::string target; // URL
    load_options options;
    unsigned threads = 0;
    unsigned connections_opened = 0; // opening handshakes that completed (open or not now)
    std::uint64_t sent = 0;
    std::uint64_t echoed = 0;
    std::uint64_t wire_bytes_sent = 0;
    std::uint64_t wire_bytes_received = 0;
    double elapsed_s = 0; // from the start of the load to the last echo
    log_linear_histogram latency_ns;
    error_tally errors;
    bool interrupted = false;

    double messages_per_s() const noexcept { return elapsed_s > 0 ? echoed / elapsed_s : 0; }
    // Payload bytes echoed per second, each echo counted once, in 10^6 bytes.
    double megabytes_per_s() const noexcept {
        return elapsed_s > 0 ? static_cast<double>(echoed) * options.size / elapsed_s / 1e6 : 0;
    }
};

// Bytes the load will hold in memory: every connection's ready frames and send times, and
// every thread's read buffer and histogram. The CLI refuses settings that would not fit.
std::uint64_t memory_estimate(const load_options& o) noexcept;

// Why a load could not even start.
struct load_error {
    enum kind_t : std::uint8_t {
        bad_input,   // e.g. an unreadable --cacert
        unreachable, // the name does not resolve, or no address accepts TCP
    } kind;
    std::string message; // names the target: "cannot connect to 127.0.0.1:1: connection refused"
};

// Runs the load and returns what happened; connection-level failures (refused handshakes,
// protocol violations, ...) are counted in the result, not returned as an error. `on_progress`
// is called from the calling thread every `progress_every`. Stops early, cleanly, when
// `interrupted` becomes true: no new messages, echoes in flight are awaited, connections closed.
result<load_result, load_error>
run_load(const load_options& o, const std::atomic<bool>& interrupted,
         const std::function<void(const load_progress&)>& on_progress = {},
         std::chrono::milliseconds progress_every = std::chrono::milliseconds(250));

} // namespace wsspec::load
