#pragma once
// Runs one case on its own connection: the opening handshake, the case's steps, then the closing
// handshake under Autobahn's timers; returns the observation and the verdicts. wsspec is the
// client when the peer under test is a server (run_case: it connects), and the server when the
// peer is a client (run_case_accepted: the client connected to it).
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "codec/handshake/client_request.hpp"
#include "harness/catalog/case_model.hpp"
#include "harness/engine/session.hpp"
#include "harness/transport/tls_options.hpp"
#include "harness/transport/url.hpp"
#include "reports/report.hpp"

namespace wsspec::engine {

struct run_options {
    transport::url target;
    transport::tls_client_options tls;
    std::vector<handshake::header_pair> headers; // -H
    std::optional<std::string> origin;
    std::vector<std::string> subprotocols;
    // Waits that only check that nothing more happens ("settle" in case files): fixed, or
    // derived from the handshake round trip when unset.
    std::optional<std::chrono::milliseconds> settle;
    session_timeouts timeouts;
    // Multiplies every case timer and the handshake timeouts (--timer-scale): for a target
    // slowed down on purpose (a sanitizer, valgrind, an emulator) or a loaded CI machine.
    // Autobahn's timers, and so its verdict meaning, hold at 1.
    double timer_scale = 1.0;
    std::uint64_t seed = 1;
    bool wirelog = false;
    // The largest frame or message the peer may send before the case fails (--max-message).
    // Unset: twice the largest message the case can legitimately receive, plus 64 KiB, at
    // least 1 MiB (message_limit()), so a hostile peer cannot make wsspec hold gigabytes.
    std::optional<std::uint64_t> max_message;
    // The peer is a client: has this agent sent this Sec-WebSocket-Key before? (serve-cases
    // knows each agent's earlier handshakes; a case with fresh_handshake_key asks.)
    std::function<bool(std::string_view key)> handshake_key_seen;
};

// The limit a case runs with (run_options::max_message).
std::uint64_t message_limit(const catalog::case_def& c, const run_options& o);

// The handshake timeouts of `o`, stretched by its timer_scale.
session_timeouts scaled_timeouts(const run_options& o);

// The adaptive settle time: 20 round trips, at least 100 ms, at most 1 s (Autobahn's fixed wait).
std::chrono::milliseconds settle_time(const run_options& o, double handshake_rtt_ms);

// A result carrying the case's identity (id, group, title, RFC) and no verdict yet.
report::case_result blank_result(const catalog::case_def& c);

// The peer is a server. Never throws; a harness-side failure (connect, TLS) is behavior ERROR
// with the reason, and so is a case for clients alone.
report::case_result run_case(const catalog::case_def& c, const run_options& o);

// The peer is a client that connected on `s`; o.target is not used.
report::case_result run_case_accepted(const catalog::case_def& c,
                                      std::unique_ptr<transport::stream> s, const run_options& o);

} // namespace wsspec::engine
