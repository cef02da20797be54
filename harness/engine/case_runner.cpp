#include "harness/engine/case_runner.hpp"

#include <fmt/format.h>

#include "codec/handshake/accept_key.hpp"
#include "harness/catalog/frame_spec.hpp"
#include "harness/engine/verdict.hpp"
#include "harness/transport/connect.hpp"

namespace wsspec::engine {
namespace {

using clock = std::chrono::steady_clock;
using catalog::step_def;

// A per-case seed: the same run seed gives every case the same keys and masks, in any order
// and at any -j.
std::uint64_t case_seed(std::uint64_t seed, const std::string& id) {
    std::uint64_t h = 1469598103934665603ull ^ seed;
    for (char ch : id)
        h = (h ^ static_cast<unsigned char>(ch)) * 1099511628211ull;
    return h;
}

std::vector<std::uint8_t> encode(connection& conn, const catalog::frame_def& f, std::uint8_t opcode,
                                 bool fin, std::span<const std::uint8_t> payload) {
    // next_mask() only when the frame takes the automatic key: the run's key sequence stays
    // what it was for cases with fixed or no masks.
    auto key = f.mask == catalog::frame_def::mask_mode::automatic ? conn.next_mask() : mask_key{};
    auto spec = catalog::to_frame_spec(f, opcode, fin, key);
    std::vector<std::uint8_t> out;
    write_frame(out, spec, payload);
    return out;
}

void run_wait(connection& conn, const catalog::wait_def& w, std::chrono::milliseconds settle,
              observation& obs) {
    conn.flush();
    auto d = w.settle ? settle
                      : std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::duration<double>(w.seconds));
    conn.pump_until(clock::now() + d);
    if (!w.record.empty() && conn.open())
        obs.received.push_back({catalog::event::kind::timeout, {}, w.record});
}

void run_send(connection& conn, const step_def& s, std::chrono::milliseconds settle,
              observation& obs) {
    const auto& f = s.frame;
    if (!s.pieces.empty()) {
        conn.flush();
        auto wire = encode(conn, f, f.opcode, f.fin, f.payload);
        std::size_t header = wire.size() - f.payload.size();
        std::size_t pos = 0;
        for (std::size_t i = 0; i < s.pieces.size() && conn.open(); ++i) {
            std::size_t n = s.pieces[i] + (i == 0 ? header : 0);
            conn.queue(std::span(wire).subspan(pos, n));
            conn.flush();
            pos += n;
            if (i < s.between.size()) run_wait(conn, s.between[i], settle, obs);
        }
        return;
    }
    std::vector<std::vector<std::uint8_t>> frames;
    if (s.fragment) {
        std::span<const std::uint8_t> p(f.payload);
        std::size_t pos = 0;
        do {
            std::size_t n = std::min(s.fragment, p.size() - pos);
            bool last = pos + n >= p.size();
            frames.push_back(encode(conn, f, pos == 0 ? f.opcode : 0x0, last, p.subspan(pos, n)));
            pos += n;
        } while (pos < p.size());
    } else {
        frames.push_back(encode(conn, f, f.opcode, f.fin, f.payload));
    }
    for (auto& w : frames) {
        if (s.chop) {
            conn.write_chopped(w, s.chop);
        } else if (s.sync) {
            conn.flush();
            conn.queue(w);
            conn.flush();
        } else {
            conn.queue(w);
        }
    }
}

void run_steps(connection& conn, const catalog::case_def& c, std::chrono::milliseconds settle,
               observation& obs) {
    for (const auto& s : c.steps) {
        if (conn.tcp_closed()) break;
        switch (s.type) {
        case step_def::kind::send:
            // A close frame sent with `send` is only bytes (Autobahn's sendFrame); the `close`
            // step is the closing handshake (its sendCloseFrame).
            run_send(conn, s, settle, obs);
            break;
        case step_def::kind::raw: conn.queue(s.raw); break;
        case step_def::kind::close:
            conn.flush();
            if (s.close_payload)
                conn.send_close(std::nullopt, "", &*s.close_payload);
            else
                conn.send_close(s.close_code, s.close_reason);
            break;
        case step_def::kind::wait:
            run_wait(conn, s.wait, settle, obs);
            if (!conn.open()) return; // Autobahn's continueLater runs only while open
            break;
        }
    }
}

struct handshake_outcome {
    bool ok = false;
    std::string error;
    std::vector<std::uint8_t> leftover;
    std::string request, response;
};

handshake_outcome opening_handshake(transport::stream& s, const run_options& o,
                                    const catalog::case_def& c, std::uint64_t seed,
                                    observation& obs) {
    handshake_outcome h;
    std::mt19937_64 rng(seed ^ 0x9e3779b97f4a7c15ull);
    std::array<std::uint8_t, 16> nonce;
    for (auto& b : nonce)
        b = static_cast<std::uint8_t>(rng());
    handshake::client_request_options req;
    req.target = o.target.resource;
    req.host = o.target.host_header();
    req.key = handshake::make_key(nonce);
    req.origin = o.origin;
    req.subprotocols = o.subprotocols;
    req.extra_headers = o.headers;
    req.extra_headers.insert(req.extra_headers.end(), c.headers.begin(), c.headers.end());
    h.request = handshake::build_client_request(req);
    auto start = clock::now();
    auto dl = start + o.timeouts.open;
    auto w = s.write_all(
        std::span(reinterpret_cast<const std::uint8_t*>(h.request.data()), h.request.size()), dl);
    if (!w.ok()) {
        h.error = "sending the upgrade request failed: " + w.message;
        return h;
    }
    std::string buf;
    std::vector<std::uint8_t> chunk(16 * 1024);
    for (;;) {
        auto r = s.read_some(chunk, dl);
        if (r.status == transport::io_status::timeout) {
            h.error = fmt::format("no complete response to the upgrade request within {} ms",
                                  o.timeouts.open.count());
            return h;
        }
        if (!r.ok()) {
            h.error = "the server " +
                      std::string(r.status == transport::io_status::reset ? "reset" : "closed") +
                      " the connection during the opening handshake" +
                      (buf.empty() ? "" : " (after " + std::to_string(buf.size()) + " bytes)");
            return h;
        }
        buf.append(reinterpret_cast<const char*>(chunk.data()), r.bytes);
        auto v = handshake::validate_server_response(buf, req);
        if (v.status == handshake::handshake_status::need_more) continue;
        obs.handshake_rtt_ms =
            std::chrono::duration<double, std::milli>(clock::now() - start).count();
        h.response = buf.substr(0, v.status == handshake::handshake_status::complete ? v.head_size
                                                                                     : buf.size());
        if (v.status == handshake::handshake_status::error) {
            h.error = fmt::format("{} (RFC 6455 §{}): {}", handshake::name(v.error),
                                  handshake::rfc_section(v.error), v.detail);
            return h;
        }
        h.ok = true;
        h.leftover.assign(buf.begin() + static_cast<std::ptrdiff_t>(v.head_size), buf.end());
        return h;
    }
}

} // namespace

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
    return r;
}

report::case_result run_case(const catalog::case_def& c, const run_options& o) {
    report::case_result r = blank_result(c);
    for (const auto& e : c.expect) {
        auto& lists = r.expected[e.level] = nlohmann::json::array();
        for (const auto& outcome : e.outcomes)
            lists.push_back(to_json(outcome));
    }

    observation obs;
    std::uint64_t seed = case_seed(o.seed, c.id);
    auto started = clock::now();
    auto s = transport::connect(o.target, o.tls, started + o.timeouts.open);
    if (!s) {
        r.behavior = r.behavior_close = report::verdict::error;
        r.reason = s.error().message;
        r.duration_ms = std::chrono::duration<double, std::milli>(clock::now() - started).count();
        return r;
    }
    obs.connected = true;
    auto hs = opening_handshake(**s, o, c, seed, obs);
    r.http_request = hs.request;
    r.http_response = hs.response;
    if (hs.ok) {
        obs.handshake_ok = true;
        connection conn(std::move(*s), obs, seed, o.timeouts, o.wirelog ? &r.wirelog : nullptr);
        conn.set_finish_rule(&c);
        conn.feed_initial(hs.leftover);
        auto settle = settle_time(o, obs.handshake_rtt_ms);
        run_steps(conn, c, settle, obs);
        conn.flush();
        conn.arm_timer(c.timer,
                       std::chrono::milliseconds(static_cast<long>(c.timer_seconds * 1000)));
        conn.run_to_end();
    } else {
        obs.handshake_error = hs.error;
        (*s)->close();
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
    r.received = to_json(obs.received);
    r.server_violation = obs.violation;
    return r;
}

} // namespace wsspec::engine
