#include "harness/engine/scheduler.hpp"

#include <mutex>
#include <thread>

#include "harness/transport/connect.hpp"

namespace wsspec::engine {

bool target_accepts(const run_options& o, std::chrono::milliseconds within) {
    auto s = transport::connect_tcp(o.target.host, o.target.port,
                                    std::chrono::steady_clock::now() + within);
    if (!s) return false;
    (*s)->close();
    return true;
}

bool target_alive(const run_options& o, std::chrono::milliseconds within) {
    if (!target_accepts(o, within)) return false;
    catalog::case_def probe;
    probe.id = "liveness";
    probe.expect = {{report::verdict::ok, {{}}}};
    catalog::step_def close;
    close.type = catalog::step_def::kind::close;
    close.close_code = 1000;
    probe.steps.push_back(close); // done as soon as the handshake is
    probe.timer = catalog::case_def::timer_kind::kill;
    probe.timer_seconds = 0.5;
    run_options quick = o;
    quick.timeouts.open = within;
    quick.timeouts.close = quick.timeouts.drop = std::chrono::milliseconds(100);
    quick.wirelog = false;
    auto r = run_case(probe, quick);
    if (!r.http_response.empty()) return true;
    // No HTTP answer. Dead if the connection was reset, as the kernel resets what is left in
    // a dead process's accept queue; a refused TLS handshake, a polite close or silence within
    // `within` still come from a running server.
    return !r.peer_reset;
}

namespace {

// A case's connection ended badly: worth asking whether the server is still there.
bool suspicious(const report::case_result& r) {
    return r.behavior == report::verdict::error || (!r.was_clean && !r.closed_by_me) ||
           r.peer_reset;
}

} // namespace

void run_cases(const std::vector<catalog::case_def>& cases, const run_options& o,
               const schedule_options& so, report::run_report& report) {
    std::vector<std::optional<report::case_result>> results(cases.size());
    std::atomic<std::size_t> next{0};
    std::atomic<bool> crashed{false};
    std::mutex m;
    std::size_t done = 0;
    std::string crash_case;

    auto worker = [&] {
        for (;;) {
            if (crashed || (so.interrupted && *so.interrupted)) return;
            std::size_t i = next++;
            if (i >= cases.size()) return;
            auto r = run_case(cases[i], o);
            if (suspicious(r) && !target_alive(o, std::chrono::milliseconds(1000))) {
                std::lock_guard lock(m);
                if (!crashed.exchange(true)) {
                    crash_case = r.id;
                    r.behavior = r.behavior_close = report::verdict::crashed;
                    r.reason = "the target stopped accepting connections after this case" +
                               (r.reason.empty() ? "" : " (" + r.reason + ")");
                }
            }
            std::lock_guard lock(m);
            ++done;
            if (so.on_result) so.on_result(r, done, cases.size());
            results[i] = std::move(r);
        }
    };
    unsigned n = std::max(1u, std::min<unsigned>(so.jobs, static_cast<unsigned>(cases.size())));
    std::vector<std::thread> threads;
    for (unsigned k = 0; k < n; ++k)
        threads.emplace_back(worker);
    for (auto& t : threads)
        t.join();

    if (crashed) report.note = "the target stopped accepting connections after case " + crash_case;
    if (so.interrupted && *so.interrupted) report.interrupted = true;
    for (std::size_t i = 0; i < cases.size(); ++i) {
        if (results[i]) {
            report.cases.push_back(std::move(*results[i]));
            continue;
        }
        if (!crashed) continue; // interrupted: the report holds what ran
        report::case_result r = blank_result(cases[i]);
        r.behavior = r.behavior_close = report::verdict::error;
        r.reason = "not run: the target stopped accepting connections after case " + crash_case;
        report.cases.push_back(std::move(r));
    }
}

} // namespace wsspec::engine
