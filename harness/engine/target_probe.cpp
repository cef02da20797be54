#include "harness/engine/target_probe.hpp"

#include <thread>

#include "codec/handshake/http_fields.hpp"
#include "harness/transport/connect.hpp"

namespace wsspec::engine {

bool target_accepts(const run_options& o, std::chrono::milliseconds within) {
    return transport::accepts_tcp(o.target.host, o.target.port,
                                  std::chrono::steady_clock::now() + within);
}

bool target_listens_within(const run_options& o, std::chrono::milliseconds within) {
    using clock = std::chrono::steady_clock;
    const auto deadline = clock::now() + within;
    for (;;) {
        if (transport::accepts_tcp(o.target.host, o.target.port, deadline)) return true;
        if (clock::now() + std::chrono::milliseconds(50) >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

namespace {

// A case that only opens and closes: done as soon as the handshake is.
catalog::case_def handshake_probe() {
    catalog::case_def probe;
    probe.id = "liveness";
    probe.expect = {{report::verdict::ok, {{}}}};
    catalog::step_def close;
    close.type = catalog::step_def::kind::close;
    close.close_code = 1000;
    probe.steps.push_back(close);
    probe.timer = catalog::case_def::timer_kind::kill;
    probe.timer_seconds = 0.5;
    return probe;
}

bool looks_like_tls(const std::string& answer) {
    // A TLS record: handshake (22) or alert (21), version 3.x.
    return answer.size() >= 2 && (answer[0] == '\x16' || answer[0] == '\x15') &&
           answer[1] == '\x03';
}

} // namespace

result<std::string> target_upgrades(const run_options& o) {
    auto r = run_case(handshake_probe(), o);
    if (r.upgraded) {
        auto head = handshake::parse_http_head(r.http_response, handshake::head_kind::response);
        if (head.status != handshake::handshake_status::complete) return std::string();
        return std::string(handshake::find_field(head.head, "Server").value_or(""));
    }
    std::string why = r.reason;
    if (!o.target.secure() && looks_like_tls(r.http_response))
        why = "it answered with TLS, not HTTP: use wss://";
    else if (why.empty())
        why = "the opening handshake did not complete";
    else if (!o.target.secure() && !r.http_request.empty() && r.http_response.empty() &&
             !r.open_timeout)
        // Many TLS servers drop a plain request without a word (no alert record to go by).
        why += " without answering (a server that speaks only TLS does that: is it wss://?)";
    auto kind = r.behavior == report::verdict::error ? error_kind::refused : error_kind::handshake;
    return make_error(why, kind);
}

bool target_alive(const run_options& o, std::chrono::milliseconds within) {
    if (!target_accepts(o, within)) return false;
    auto probe = handshake_probe();
    run_options quick = o;
    quick.timeouts.open = within;
    quick.timeouts.close = quick.timeouts.drop = std::chrono::milliseconds(100);
    quick.wirelog = false;
    auto r = run_case(probe, quick);
    if (!r.http_response.empty()) return true;
    // No HTTP answer. Dead if the connection was reset, as the kernel resets what is left in
    // a dead process's accept queue; a refused TLS handshake or a polite close still come from
    // a running server.
    if (r.peer_reset) return false;
    // Silence is ambiguous: a process that is dying (an ASan report, a core dump being written)
    // keeps its listening socket until it is gone. Asked again once that much later, a dead one
    // refuses the connection; a slow live one still takes it.
    std::this_thread::sleep_for(within);
    return target_accepts(o, within);
}

} // namespace wsspec::engine
