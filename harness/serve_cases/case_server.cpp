#include "harness/serve_cases/case_server.hpp"

#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "codec/handshake/http_fields.hpp"
#include "codec/handshake/http_head.hpp"
#include "harness/engine/selection.hpp"
#include "harness/serve_cases/browser_page.hpp"
#include "harness/serve_cases/fuzzingserver_request.hpp"
#include "harness/transport/listener.hpp"
#include "harness/transport/prefixed_stream.hpp"

namespace wsspec::serve_cases {
namespace {

using namespace std::chrono_literals;
using clock = std::chrono::steady_clock;

// The opening request must arrive whole within this (Autobahn's openHandshakeTimeout).
constexpr auto request_timeout = 5s;
constexpr std::size_t max_request = 64 * 1024;
// /getCaseStatus waits this long for a case that is still running.
constexpr auto status_wait = 10s;

std::string now_iso8601() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

// A connection that only delivers an answer: the text (if any) as one message, then close 1000.
catalog::case_def answer_case(const std::string& text) {
    catalog::case_def c;
    c.id = "control";
    c.roles = {catalog::peer_role::client};
    if (!text.empty()) {
        catalog::step_def send;
        send.type = catalog::step_def::kind::send;
        send.frame.opcode = 0x1;
        send.frame.data = catalog::payload(catalog::bytes(text.begin(), text.end()));
        c.steps.push_back(std::move(send));
    }
    catalog::step_def close;
    close.type = catalog::step_def::kind::close;
    close.close_code = 1000;
    c.steps.push_back(std::move(close));
    c.expect = {{report::verdict::ok, {{}}}};
    c.timer = catalog::case_def::timer_kind::kill;
    c.timer_seconds = 2;
    return c;
}

std::string http_response(int status, const char* reason, const char* type,
                          const std::string& body) {
    return fmt::format("HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n"
                       "Cache-Control: no-store\r\nConnection: close\r\n\r\n{}",
                       status, reason, type, body.size(), body);
}

constexpr std::string_view paths_help =
    "wsspec serve-cases speaks Autobahn's fuzzingserver protocol:\n"
    "  /getCaseCount\n  /runCase?case=N&agent=A  (or casetuple=X.Y.Z)\n"
    "  /getCaseInfo?case=N\n  /getCaseStatus?case=N&agent=A\n"
    "  /updateReports?agent=A[&shutdownOnComplete=true]\n  /stopServer\n"
    "and serves a page that runs the loop in this browser at /\n";

} // namespace

struct case_server::state {
    case_server_options o;
    std::optional<transport::listener> listener;
    std::thread acceptor;
    std::atomic<bool> stop_requested{false};
    std::atomic<bool> stopping{false};

    // Connection threads run detached; stop() waits for the count to reach zero.
    std::mutex threads_mu;
    std::condition_variable threads_cv;
    std::size_t running = 0;

    mutable std::mutex results_mu;
    mutable std::condition_variable results_cv;
    std::vector<std::string> agents; // in order of first appearance
    struct agent_results {
        std::string started;
        std::string peer;
        std::map<std::size_t, report::case_result> cases; // by index into o.cases
        std::vector<std::string> excluded;
    };
    std::map<std::string, agent_results> results;
    // Cases running now: /updateReports waits for them (a client's loop asks for the reports as
    // soon as its last case's connection closes, while that case is still being judged).
    std::size_t in_flight = 0;
    // Every Sec-WebSocket-Key seen in an opening request, whatever the path or agent: a client
    // that sends one again (fresh_handshake_key) reuses its nonce; two random 16-byte nonces are
    // never equal by chance.
    std::set<std::string> handshake_keys;
    bool idle_within(std::chrono::milliseconds limit) const {
        std::unique_lock lock(results_mu);
        return results_cv.wait_for(lock, limit, [&] { return in_flight == 0; });
    }

    void log(const std::string& line) const {
        if (o.log) o.log(line);
    }
    void accept_loop();
    void serve(std::unique_ptr<transport::stream> s);
    void answer(std::unique_ptr<transport::stream> s, const std::string& text);
    std::optional<std::size_t> find_case(const fuzzingserver_request& r, std::string& why) const;
    bool excluded(const std::string& agent, const std::string& id) const;
    void record(const std::string& agent, const std::string& peer, std::size_t index,
                report::case_result r, bool skipped);
    std::vector<report::run_report> reports() const;
};

void case_server::state::accept_loop() {
    while (!stopping) {
        auto s = listener->accept(transport::deadline_after(200ms));
        if (!s) {
            if (stopping) return;
            if (s.error().message.find("interrupted") == std::string::npos)
                log("accept failed: " + s.error().message);
            std::this_thread::sleep_for(20ms);
            continue;
        }
        if (!*s) continue; // no connection within the wait
        {
            std::lock_guard lock(threads_mu);
            ++running;
        }
        std::thread([this, c = std::move(*s)]() mutable {
            try {
                serve(std::move(c));
            } catch (const std::exception& e) {
                log(std::string("connection ended by an error: ") + e.what());
            }
            std::lock_guard lock(threads_mu);
            --running;
            threads_cv.notify_all();
        }).detach();
    }
}

void case_server::state::answer(std::unique_ptr<transport::stream> s, const std::string& text) {
    engine::run_case_accepted(answer_case(text), std::move(s), o.run);
}

std::optional<std::size_t> case_server::state::find_case(const fuzzingserver_request& r,
                                                         std::string& why) const {
    if (r.case_number) {
        if (*r.case_number >= 1 && *r.case_number <= o.cases.size()) return *r.case_number - 1;
        why = fmt::format("there is no case {}: the cases are 1 to {}", *r.case_number,
                          o.cases.size());
        return std::nullopt;
    }
    for (std::size_t i = 0; i < o.cases.size(); ++i)
        if (o.cases[i].id == r.case_id) return i;
    why = "there is no case '" + r.case_id + "' among the cases served";
    return std::nullopt;
}

bool case_server::state::excluded(const std::string& agent, const std::string& id) const {
    for (const auto& [agent_pattern, cases] : o.exclude_agent_cases)
        if (engine::glob_match(agent_pattern, agent))
            for (const auto& p : cases)
                if (engine::glob_match(p, id)) return true;
    return false;
}

void case_server::state::record(const std::string& agent, const std::string& peer,
                                std::size_t index, report::case_result r, bool skipped) {
    r.number = index + 1; // Autobahn's fuzzingserver numbers by the served list: case=N
    {
        std::lock_guard lock(results_mu);
        auto [it, fresh] = results.try_emplace(agent);
        if (fresh) {
            agents.push_back(agent);
            it->second.started = now_iso8601();
        }
        it->second.peer = peer;
        if (!skipped) --in_flight;
        if (skipped)
            it->second.excluded.push_back(o.cases[index].id);
        else
            it->second.cases[index] = r;
    }
    results_cv.notify_all();
    if (!skipped && o.on_result) o.on_result(agent, r);
}

void case_server::state::serve(std::unique_ptr<transport::stream> s) {
    const std::string peer = s->describe_peer();
    std::vector<std::uint8_t> head;
    const auto dl = transport::deadline_after(request_timeout);
    std::array<std::uint8_t, 4096> buf;
    handshake::head_result parsed;
    for (;;) {
        auto r = s->read_some(buf, dl);
        if (!r.ok()) {
            log(fmt::format("{}: no opening request ({}{})", peer, transport::to_string(r.status),
                            head.empty() ? ", nothing sent" : ""));
            return s->close();
        }
        head.insert(head.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(r.bytes));
        parsed = handshake::parse_http_head(
            std::string_view(reinterpret_cast<const char*>(head.data()), head.size()),
            handshake::head_kind::request);
        if (parsed.status != handshake::handshake_status::need_more) break;
        if (head.size() > max_request) {
            log(fmt::format("{}: a request head over {} bytes", peer, max_request));
            return s->close();
        }
    }
    auto reply = [&](int status, const char* reason, const char* type, const std::string& body) {
        auto text = http_response(status, reason, type, body);
        s->write_all(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()),
                     transport::deadline_after(2s));
        s->close();
    };
    if (parsed.status == handshake::handshake_status::error) {
        log(fmt::format("{}: not an HTTP request: {}", peer, parsed.message));
        return reply(400, "Bad Request", "text/plain",
                     "not an HTTP request: " + parsed.message + "\n\n" + std::string(paths_help));
    }
    const auto& h = parsed.head;
    const std::string target(h.target);
    if (!handshake::list_has_token(h, "Upgrade", "websocket")) {
        if (h.method == "GET" &&
            (h.target == "/" || h.target.starts_with("/?") || h.target == "/index.html"))
            return reply(200, "OK", "text/html; charset=utf-8", std::string(browser_page()));
        return reply(404, "Not Found", "text/plain", std::string(paths_help));
    }
    auto req = parse_request_target(target);
    if (req.what == command::unknown) {
        log(fmt::format("{}: {}: not a path of the fuzzingserver protocol", peer, req.path));
        return reply(404, "Not Found", "text/plain",
                     req.path + " is not a path of the protocol\n\n" + std::string(paths_help));
    }
    if (!req.error.empty()) {
        log(fmt::format("{}: {}: {}", peer, target, req.error));
        return reply(400, "Bad Request", "text/plain", target + ": " + req.error + "\n");
    }
    bool key_reused = false;
    if (auto key = handshake::find_field(h, "Sec-WebSocket-Key"); key && !key->empty()) {
        std::lock_guard lock(results_mu);
        key_reused = !handshake_keys.insert(std::string(*key)).second;
    }
    auto rest = std::make_unique<transport::prefixed_stream>(std::move(s), std::move(head));
    switch (req.what) {
    case command::get_case_count: return answer(std::move(rest), std::to_string(o.cases.size()));
    case command::update_reports: {
        if (!idle_within(30s)) log("writing the reports while cases are still running");
        if (!o.out_dir.empty()) {
            auto w = report::write_formats(reports(), o.out_dir, o.formats, {});
            if (!w)
                log("cannot write the reports: " + w.error().message);
            else
                log(fmt::format("reports written for {} agent(s) into {}", reports().size(),
                                o.out_dir));
        }
        // Asked for before the answer, so a client that sees the close sees a stopping server
        // (stop() still lets this connection finish).
        if (req.shutdown) stop_requested = true;
        answer(std::move(rest), "");
        return;
    }
    case command::stop_server:
        stop_requested = true;
        answer(std::move(rest), "");
        return;
    default: break;
    }
    std::string why;
    auto index = find_case(req, why);
    if (!index) {
        log(fmt::format("{}: {}: {}", peer, target, why));
        auto text = http_response(404, "Not Found", "text/plain", target + ": " + why + "\n");
        rest->write_all(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()),
                        transport::deadline_after(2s));
        return rest->close();
    }
    const auto& c = o.cases[*index];
    if (req.what == command::get_case_info)
        return answer(std::move(rest),
                      nlohmann::json{{"id", c.id}, {"description", c.description}}.dump());
    if (req.what == command::get_case_status) {
        std::unique_lock lock(results_mu);
        results_cv.wait_for(lock, status_wait, [&] {
            auto it = results.find(req.agent);
            return it != results.end() && it->second.cases.count(*index);
        });
        std::string behavior = "NOT RUN";
        if (auto it = results.find(req.agent); it != results.end())
            if (auto k = it->second.cases.find(*index); k != it->second.cases.end())
                behavior = std::string(report::to_string(k->second.behavior));
        lock.unlock();
        return answer(std::move(rest), nlohmann::json{{"behavior", behavior}}.dump());
    }
    // /runCase
    if (excluded(req.agent, c.id)) {
        log(fmt::format("{} ({}): case {} excluded for this agent", req.agent, peer, c.id));
        record(req.agent, peer, *index, {}, true);
        return answer(std::move(rest), "");
    }
    {
        std::lock_guard lock(results_mu);
        ++in_flight;
    }
    engine::run_options run = o.run;
    run.handshake_key_seen = [key_reused](std::string_view) { return key_reused; };
    auto r = engine::run_case_accepted(c, std::move(rest), run);
    record(req.agent, peer, *index, std::move(r), false);
}

std::vector<report::run_report> case_server::state::reports() const {
    std::lock_guard lock(results_mu);
    std::vector<report::run_report> out;
    for (const auto& agent : agents) {
        const auto& a = results.at(agent);
        report::run_report r;
        r.version = o.tool_version;
        r.agent = agent;
        r.target = "client " + a.peer;
        r.started = a.started;
        r.seed = o.run.seed;
        r.strict = o.strict;
        r.timer_scale = o.run.timer_scale;
        r.excluded = a.excluded;
        for (const auto& [i, c] : a.cases) {
            r.cases.push_back(c);
            r.duration_ms += c.duration_ms;
        }
        out.push_back(std::move(r));
    }
    return out;
}

case_server::case_server(std::unique_ptr<state> s) : s_(std::move(s)) {}

case_server::~case_server() {
    stop();
}

result<std::unique_ptr<case_server>> case_server::start(case_server_options o) {
    auto st = std::make_unique<state>();
    st->o = std::move(o);
    auto l = transport::listener::bind(st->o.host, st->o.port, st->o.tls);
    if (!l) return l.error();
    st->listener.emplace(std::move(*l));
    state* raw = st.get();
    st->acceptor = std::thread([raw] { raw->accept_loop(); });
    return std::unique_ptr<case_server>(new case_server(std::move(st)));
}

std::uint16_t case_server::port() const noexcept {
    return s_->listener->port();
}

std::string case_server::url() const {
    return fmt::format("{}://{}", s_->o.tls ? "wss" : "ws", s_->listener->local_address());
}

void case_server::wait(const std::atomic<bool>& flag) const {
    while (!s_->stop_requested && !flag)
        std::this_thread::sleep_for(50ms);
}

bool case_server::stop_requested() const noexcept {
    return s_->stop_requested;
}

void case_server::stop() {
    if (!s_ || s_->stopping.exchange(true)) return;
    s_->listener->interrupt();
    if (s_->acceptor.joinable()) s_->acceptor.join();
    std::unique_lock lock(s_->threads_mu);
    s_->threads_cv.wait(lock, [&] { return s_->running == 0; });
    lock.unlock();
    s_->listener->close();
}

std::vector<report::run_report> case_server::reports() const {
    return s_->reports();
}

bool case_server::wait_idle(std::chrono::milliseconds limit) const {
    return s_->idle_within(limit);
}

result<std::vector<std::string>> case_server::write_reports() const {
    if (s_->o.out_dir.empty()) return std::vector<std::string>{};
    return report::write_formats(reports(), s_->o.out_dir, s_->o.formats, {});
}

} // namespace wsspec::serve_cases
