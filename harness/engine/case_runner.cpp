#include "harness/engine/case_runner.hpp"

#include "codec/handshake/server_request.hpp"

#include <algorithm>

#include "harness/engine/counted_stream.hpp"
#include "harness/engine/opening_handshake.hpp"
#include "harness/engine/other_connections.hpp"
#include "harness/engine/step_runner.hpp"
#include "harness/engine/target_probe.hpp"
#include "harness/engine/verdict.hpp"
#include "harness/transport/connect.hpp"

namespace wsspec::engine {
namespace {

using clock = std::chrono::steady_clock;
using catalog::peer_role;

// A per-case seed: the same run seed gives every case the same keys and masks, in any order
// and at any -j.
std::uint64_t case_seed(std::uint64_t seed, const std::string& id) {
    std::uint64_t h = 1469598103934665603ull ^ seed;
    for (char ch : id)
        h = (h ^ static_cast<unsigned char>(ch)) * 1099511628211ull;
    return h;
}

// The WebSocket phase: steps, then the closing handshake under the case's timer.
void run_session(session& s, const catalog::case_def& c, const run_options& o,
                 const handshake_outcome& hs, std::size_t first_step, observation& obs) {
    s.set_finish_rule(&c);
    s.feed_initial(hs.leftover);
    if (obs.violation) {
        // The 101 accepted an extension wrongly (RFC 7692 §7): _Fail the WebSocket Connection_.
        obs.failed_by_me = true;
        s.send_close(1002, "");
    } else if (obs.unimplemented || c.close.by == catalog::close_expectation::endpoint::none ||
               !obs.harness_error.empty()) {
        // Autobahn closes at once when the extension is declined; a connection that should
        // not have opened, or one wsspec cannot read, has nothing more to show.
        s.send_close(1000, "");
    } else {
        run_steps(s, c, first_step, settle_time(o, obs.metrics.handshake_rtt_ms), obs);
        s.flush();
        s.arm_timer(c.timer, std::chrono::milliseconds(
                                 static_cast<long>(c.timer_seconds * o.timer_scale * 1000)));
    }
    s.run_to_end();
}

void fill(report::case_result& r, const catalog::case_def& c, const observation& obs) {
    if (!obs.harness_error.empty()) {
        r.behavior = r.behavior_close = report::verdict::error;
        r.reason = obs.harness_error;
        r.metrics = obs.metrics;
        return;
    }
    auto j = judge(c, obs);
    r.behavior = j.behavior;
    r.behavior_close = j.behavior_close;
    r.reason = j.reason;
    r.duration_ms = obs.duration_ms;
    r.remote_close_code = obs.remote_close_code;
    r.remote_close_reason = obs.remote_close_reason;
    r.local_close_code = obs.local_close_code;
    r.closed_by_me = obs.closed_by_me;
    r.failed_by_me = obs.failed_by_me;
    r.dropped_by_me = obs.dropped_by_me;
    r.was_clean = obs.was_clean;
    r.was_not_clean_reason = obs.was_clean ? "" : obs.not_clean_reason;
    r.peer_reset = obs.peer_reset;
    r.open_timeout = obs.open_timeout;
    r.close_timeout = obs.close_timeout;
    r.drop_timeout = obs.drop_timeout;
    r.upgraded = obs.upgraded;
    r.received = catalog::to_report_json(obs.received);
    r.server_violation = obs.violation;
    r.metrics = obs.metrics;
    if (r.metrics.traffic) {
        const bool wsspec_is_client = r.role != "client";
        r.metrics.traffic->outgoing.preopen =
            (wsspec_is_client ? r.http_request : r.http_response).size();
        r.metrics.traffic->incoming.preopen =
            (wsspec_is_client ? r.http_response : r.http_request).size();
    }
}

session_options session_for(const catalog::case_def& c, const run_options& o, peer_role peer,
                            const handshake_outcome& hs, report::case_result& r) {
    session_options so;
    so.max_message = message_limit(c, o);
    so.max_message_is_flag = o.max_message.has_value();
    so.peer = peer;
    so.allowed_rsv = hs.allowed_rsv;
    so.deflate = hs.deflate;
    so.seed = case_seed(o.seed, c.id);
    so.timeouts = scaled_timeouts(o);
    so.wirelog = o.wirelog ? &r.wirelog : nullptr;
    return so;
}

} // namespace

session_timeouts scaled_timeouts(const run_options& o) {
    auto scale = [&](std::chrono::milliseconds t) {
        return std::chrono::milliseconds(static_cast<long>(t.count() * o.timer_scale));
    };
    session_timeouts t = o.timeouts;
    t.open = scale(t.open);
    t.close = scale(t.close);
    t.drop = scale(t.drop);
    t.write = scale(t.write);
    return t;
}

std::uint64_t message_limit(const catalog::case_def& c, const run_options& o) {
    if (o.max_message) return *o.max_message;
    // What the peer may legitimately send: what a case expects, or the echo of what it sends.
    std::uint64_t largest = 0;
    for (const auto& e : c.expect)
        for (const auto& outcome : e.outcomes)
            for (const auto& ev : outcome)
                largest = std::max(largest, ev.data.size());
    for (const auto& s : c.steps)
        if (s.type == catalog::step_def::kind::send)
            largest = std::max(largest, s.largest_payload());
    return std::max<std::uint64_t>(std::uint64_t{1} << 20, 2 * largest + (64 << 10));
}

std::chrono::milliseconds settle_time(const run_options& o, double rtt_ms) {
    if (o.settle) return *o.settle;
    auto ms = static_cast<long>(rtt_ms * 20);
    return std::chrono::milliseconds(std::clamp(ms, 100L, 1000L));
}

report::case_result blank_result(const catalog::case_def& c) {
    report::case_result r;
    r.id = c.id;
    r.group = c.group;
    r.group_title = c.group_title;
    r.title = c.title;
    r.description = c.description;
    r.rfc = c.rfc;
    r.quote = c.quote;
    r.requirement = c.requirement;
    r.note = c.note;
    r.number = c.number;
    r.expected_close = {{"closeCode", c.close.codes},
                        {"closedByMe", c.close.by == catalog::close_expectation::endpoint::harness},
                        {"requireClean", c.close.clean}};
    if (c.wrong_endpoint_fatal) r.expected_close["closedByWrongEndpointIsFatal"] = true;
    for (const auto& e : c.expect) {
        auto& lists = r.expected[std::string(report::to_string(e.level))] = nlohmann::json::array();
        for (const auto& outcome : e.outcomes)
            lists.push_back(catalog::to_report_json(outcome));
    }
    return r;
}

report::case_result run_case(const catalog::case_def& c, const run_options& o) {
    report::case_result r = blank_result(c);
    if (!c.applies_to(peer_role::server)) {
        // Its steps are a server's to send: against a server it would test nothing.
        r.behavior = r.behavior_close = report::verdict::error;
        r.reason = "case " + c.id + " tests clients: serve it with `wsspec serve-cases`";
        return r;
    }
    observation obs;
    auto started = clock::now();
    auto s = transport::connect(o.target, o.tls, started + scaled_timeouts(o).open);
    if (!s) {
        r.behavior = r.behavior_close = report::verdict::error;
        r.reason = s.error().message;
        r.peer_reset = s.error().kind == error_kind::reset;
        r.duration_ms = std::chrono::duration<double, std::milli>(clock::now() - started).count();
        return r;
    }
    obs.connected = true;
    auto io = count_octets(std::move(*s), obs.metrics);
    const std::uint64_t seed = case_seed(o.seed, c.id);
    client_hello hello{o.target.resource, o.target.host_header(),  o.headers,    o.origin,
                       o.subprotocols,    scaled_timeouts(o).open, o.timer_scale};
    // with_first_frame: the first step's frames ride in the request's TCP write.
    std::vector<std::uint8_t> first;
    std::size_t first_step = 0;
    auto keys_opts = session_for(c, o, peer_role::server, handshake_outcome{}, r);
    keys_opts.seed ^= 0x5eed; // its own key sequence, apart from the session's
    keys_opts.wirelog = nullptr;
    if (c.handshake.with_first_frame && !c.steps.empty() &&
        c.steps[0].type == catalog::step_def::kind::send) {
        // The masks come from the session's key sequence, so draw them from a session now.
        observation scratch;
        session keys(nullptr, scratch, keys_opts);
        for (auto& f : encode_send(keys, c.steps[0]))
            first.insert(first.end(), f.begin(), f.end());
        obs.metrics.tx_frames = scratch.metrics.tx_frames;
        first_step = 1;
    }
    auto hs = client_handshake(*io, hello, c, seed, first, obs);
    r.http_request = hs.request;
    r.http_response = hs.response;
    if (obs.upgraded) {
        std::optional<other_connections> others; // closed once the case's own connection is
        if (c.connections > 1) others.emplace(c.connections - 1, o, hello, seed, obs);
        session sess(std::move(io), obs, session_for(c, o, peer_role::server, hs, r));
        run_session(sess, c, o, hs, first_step, obs);
    } else {
        io->close();
    }
    fill(r, c, obs);
    // Autobahn's duration starts once the connection is open; a case that never got there
    // still spent this long waiting for the handshake.
    if (!obs.upgraded)
        r.duration_ms = std::chrono::duration<double, std::milli>(clock::now() - started).count();
    if (c.still_serves && r.behavior != report::verdict::error) {
        // What the case sent must not have broken the server for everyone else.
        if (auto next = target_upgrades(o); !next) {
            r.behavior = report::verdict::failed;
            r.reason = "after this case the server did not serve a new connection: " +
                       next.error().message + (r.reason.empty() ? "" : "; " + r.reason);
        }
    }
    return r;
}

report::case_result run_case_accepted(const catalog::case_def& c,
                                      std::unique_ptr<transport::stream> s, const run_options& o) {
    report::case_result r = blank_result(c);
    r.role = "client";
    observation obs;
    obs.peer = peer_role::client;
    obs.connected = true;
    s = count_octets(std::move(s), obs.metrics);
    auto hs = server_handshake(*s, c, scaled_timeouts(o).open, obs);
    r.http_request = hs.request;
    r.http_response = hs.response;
    if (c.client_checks.fresh_handshake_key && o.handshake_key_seen) {
        auto req = handshake::parse_client_request(hs.request);
        if (req.status == handshake::handshake_status::complete)
            obs.handshake_key_reused = o.handshake_key_seen(req.request.key);
    }
    obs.answered_otherwise = hs.answered_otherwise;
    if (obs.upgraded || hs.answered_otherwise) {
        session sess(std::move(s), obs, session_for(c, o, peer_role::client, hs, r));
        run_session(sess, c, o, hs, 0, obs);
    } else {
        s->close();
    }
    fill(r, c, obs);
    return r;
}

} // namespace wsspec::engine
