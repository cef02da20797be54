#include "harness/live_fuzz/fuzzer.hpp"

#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "harness/engine/scheduler.hpp"
#include "harness/engine/verdict.hpp"
#include "harness/live_fuzz/oracle.hpp"
#include "harness/live_fuzz/shrinker.hpp"
#include "harness/transport/url.hpp"
#include "reports/report.hpp"

namespace wsspec::live_fuzz {
namespace {

using clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr const char* quote_ping = "Upon receipt of a Ping frame, an endpoint MUST send a Pong "
                                   "frame in response, unless it already "
                                   "received a Close frame.";
constexpr const char* quote_handshake =
    "If the server chooses to accept the incoming connection, it MUST reply with a valid HTTP "
    "response indicating the following.";
constexpr const char* quote_validate =
    "Incoming data MUST always be validated by both clients and servers.";

struct run_verdict {
    // accepted: the server went on as if a broken rule were fine (answered the probe, echoed the
    // broken message, or failed the connection with the wrong close code); handshake: a server
    // that upgraded before refuses or breaks an opening handshake now.
    enum class kind : std::uint8_t {
        fine,
        maybe_crash,
        hang,
        violation,
        accepted,
        handshake
    } what = kind::fine;
    std::string rule, section, detail;
    std::string signature() const {
        switch (what) {
        case kind::fine: return "";
        case kind::maybe_crash: return "crash";
        case kind::hang: return "hang";
        case kind::violation: return "violation:" + rule;
        case kind::accepted: return "accepted:" + rule;
        case kind::handshake: return "handshake";
        }
        return "";
    }
};

bool got_pong(const report::case_result& r, const catalog::bytes& probe) {
    auto want =
        catalog::to_report_json(catalog::event_list{{catalog::event::kind::pong, probe, {}}});
    for (const auto& e : r.received)
        if (e == want[0]) return true;
    return false;
}

// What one run shows about the server. A dropped connection is only a suspicion: a server may
// drop TCP on bad input (§10.7); whether it still accepts connections decides.
run_verdict judge_run(const report::case_result& r, const model_outcome& m,
                      const catalog::bytes& probe, std::chrono::milliseconds patience) {
    run_verdict v;
    if (r.server_violation) {
        v.what = run_verdict::kind::violation;
        v.rule = r.server_violation->rule;
        v.section = r.server_violation->section;
        v.detail = fmt::format("{} (§{}, byte {} of the server's stream)", r.server_violation->text,
                               r.server_violation->section, r.server_violation->offset);
        return v;
    }
    // The server did what the conformant-server model predicts: nothing to look into.
    if (r.behavior == report::verdict::ok && r.behavior_close == report::verdict::ok) return v;
    if (r.behavior != report::verdict::error && !r.upgraded && !r.http_response.empty()) {
        // It answered, but not with a valid 101: alive, and refusing what it accepted before.
        v.what = run_verdict::kind::handshake;
        v.detail = r.reason;
        return v;
    }
    if (r.behavior == report::verdict::error || !r.upgraded) {
        v.what = run_verdict::kind::maybe_crash;
        v.detail = r.reason;
        return v;
    }
    if (m.how == model_outcome::end::failed && m.error_frame_complete) {
        // A rule was broken and the frame that broke it arrived whole: RFC 6455 §7.1.7 wants the
        // connection failed (close with the code of §7.4.1, or a drop), nothing else.
        v.rule = std::string(name(m.error));
        v.section = std::string(rfc_section(m.error));
        v.what = run_verdict::kind::accepted;
        if (got_pong(r, probe)) {
            v.detail = fmt::format("{} (§{}, byte {} of the client's stream), yet the server "
                                   "answered the ping sent after it",
                                   describe(m.error), v.section, m.error_offset);
            return v;
        }
        if (r.received.size() > m.events.size()) {
            v.detail = fmt::format("{} (§{}, byte {} of the client's stream), yet the server "
                                   "answered it instead of failing the connection",
                                   describe(m.error), v.section, m.error_offset);
            return v;
        }
        // Lenient as Autobahn: an empty close or a drop is fine; a code is compared.
        if (r.remote_close_code && *r.remote_close_code != m.close_code && !r.closed_by_me) {
            v.detail =
                fmt::format("{} (§{}): the server failed the connection with close {}, "
                            "RFC 6455 §7.4.1 gives {} for it",
                            describe(m.error), v.section, *r.remote_close_code, m.close_code);
            return v;
        }
        v = {};
    }
    if (got_pong(r, probe) || r.remote_close_code) return v;
    if (r.failed_by_me) {
        // The kill timer: the connection was open, and neither a pong nor a close came.
        // The server may be waiting for the rest of a frame (§5.2 lengths are the sender's word).
        if (m.how == model_outcome::end::incomplete) return v;
        if (m.how == model_outcome::end::failed && !m.error_frame_complete) return v;
        v.what = run_verdict::kind::hang;
        v.detail = fmt::format("no pong for the probe ping and no close within {} ms ({})",
                               patience.count(), describe(m));
        return v;
    }
    v.what = run_verdict::kind::maybe_crash; // the server closed TCP without a close frame
    v.detail = "the server dropped the connection without a close frame";
    return v;
}

class session {
public:
    session(target& t, const fuzz_options& o, const fuzz_callbacks& cb) : t_(t), o_(o), cb_(cb) {}

    fuzz_summary run() {
        start_ = clock::now();
        std::vector<std::thread> workers;
        unsigned jobs = std::max(1u, o_.jobs);
        active_ = jobs;
        for (unsigned i = 0; i < jobs; ++i)
            workers.emplace_back([this] { work(); });
        while (active_.load() > 0) {
            std::this_thread::sleep_for(50ms);
            report_progress(false);
        }
        for (auto& w : workers)
            w.join();
        if (down_) handle_crash(); // a crash ends the run, as a libFuzzer crash does
        report_progress(true);
        summary_.runs = done_;
        summary_.seconds = elapsed_s();
        summary_.restarts = t_.restarts();
        summary_.interrupted = interrupted();
        summary_.stopped_because = interrupted() ? "interrupted" : stop_reason_.load();
        for (auto& [sig, f] : by_signature_)
            f.duplicates = duplicates_[sig];
        for (auto& [sig, f] : by_signature_)
            summary_.findings.push_back(f);
        std::sort(summary_.findings.begin(), summary_.findings.end(),
                  [](const finding& a, const finding& b) { return a.run < b.run; });
        return summary_;
    }

private:
    bool interrupted() const { return o_.interrupted && o_.interrupted->load(); }
    double elapsed_s() const {
        return std::chrono::duration<double>(clock::now() - start_).count();
    }

    bool time_up() {
        if (o_.duration && clock::now() - start_ >= *o_.duration) {
            stop_reason_ = "duration";
            return true;
        }
        return false;
    }

    engine::run_options options() {
        std::lock_guard lock(mu_);
        engine::run_options r = o_.run;
        if (auto u = transport::parse_url(t_.url())) r.target = *u;
        return r;
    }

    void report_progress(bool final) {
        auto now = clock::now();
        if (!final && now - last_progress_ < 250ms) return;
        last_progress_ = now;
        if (cb_.on_progress) {
            std::lock_guard lock(out_);
            cb_.on_progress(done_, elapsed_s(), found_.load());
        }
    }

    void note(const std::string& s) {
        if (!cb_.on_note) return;
        std::lock_guard lock(out_);
        cb_.on_note(s);
    }

    // One run: generate, predict, send, judge.
    struct one_run {
        catalog::case_def c;
        model_outcome m;
        report::case_result r;
        run_verdict v;
    };

    one_run execute(catalog::case_def c) {
        one_run x;
        x.m = model_server(c);
        set_expectation(c, x.m, std::chrono::duration<double>(o_.hang_timeout).count());
        x.r = engine::run_case(c, options());
        x.v = judge_run(x.r, x.m, c.steps.back().frame.data.materialize(), o_.hang_timeout);
        x.c = std::move(c);
        return x;
    }

    void work() {
        for (;;) {
            if (down_ || interrupted() || time_up()) break;
            std::uint64_t run = next_++;
            if (o_.runs && run >= *o_.runs) {
                stop_reason_ = "runs";
                break;
            }
            auto c = generate(o_.seed, run, o_.generator);
            {
                std::lock_guard lock(mu_);
                in_flight_[run] = c;
            }
            auto x = execute(std::move(c));
            if (x.v.what == run_verdict::kind::maybe_crash && !alive()) {
                std::lock_guard lock(mu_);
                if (!down_) {
                    down_ = true;
                    for (auto& [r, cc] : in_flight_)
                        crash_candidates_.push_back({r, cc});
                }
            }
            {
                std::lock_guard lock(mu_);
                in_flight_.erase(run);
            }
            ++done_;
            if (x.v.what != run_verdict::kind::fine && x.v.what != run_verdict::kind::maybe_crash)
                on_finding(run, std::move(x));
            report_progress(false);
        }
        --active_;
    }

    // A hang or a violation: new signatures are confirmed and shrunk, repeats only counted.
    void on_finding(std::uint64_t run, one_run x) {
        auto sig = x.v.signature();
        {
            std::lock_guard lock(mu_);
            if (!claimed_.insert(sig).second) {
                ++duplicates_[sig];
                return;
            }
        }
        note(fmt::format("run {}: {} — {}; shrinking", run, sig, x.v.detail));
        finding f;
        f.kind = x.v.signature().substr(0, x.v.signature().find(':'));
        f.rule = x.v.rule;
        f.section = x.v.section;
        f.detail = x.v.detail;
        f.run = run;
        f.original = x.c;
        auto reproduces = [&](const catalog::case_def& cand) {
            auto y = execute(cand);
            return y.v.signature() == sig;
        };
        f.reproduced = reproduces(f.original);
        f.reduced = f.original;
        if (f.reproduced && o_.shrink) {
            shrink_stats st;
            f.reduced = shrink(f.original, reproduces, o_.shrink_budget, st,
                               [this] { return interrupted(); });
            f.shrink_attempts = st.attempts;
        }
        publish(std::move(f));
    }

    // The target stopped accepting connections: find which run did it, shrink it (if the target
    // can be restarted), and end the run.
    void handle_crash() {
        stop_reason_ = "crash";
        std::sort(crash_candidates_.begin(), crash_candidates_.end(),
                  [](const auto& a, const auto& b) { return a.first < b.first; });
        note(fmt::format("the target stopped accepting connections ({} runs were in flight)",
                         crash_candidates_.size()));
        finding f;
        f.kind = "crash";
        f.detail = "the server stopped accepting connections";
        if (crash_candidates_.empty()) return;
        f.run = crash_candidates_.front().first;
        f.original = crash_candidates_.front().second;
        if (!t_.restartable()) {
            f.detail += fmt::format(
                " during runs {}; nothing can restart it (--exec), so the reproducer is not "
                "confirmed or shrunk",
                candidate_list());
            stop_reason_ = "unrestartable";
            f.reduced = f.original;
            publish(std::move(f));
            return;
        }
        auto crashes = [&](const catalog::case_def& cand) {
            if (!alive() && !restart()) return false;
            auto y = execute(cand);
            bool crashed = y.v.what == run_verdict::kind::maybe_crash && !alive();
            if (crashed) restart();
            return crashed;
        };
        for (auto& [run, cand] : crash_candidates_) {
            if (interrupted()) break;
            if (!crashes(cand)) continue;
            f.run = run;
            f.original = cand;
            f.reproduced = true;
            break;
        }
        f.reduced = f.original;
        if (!f.reproduced) {
            f.detail += fmt::format(" during runs {}, but none of them crashes it when run alone",
                                    candidate_list());
        } else {
            note(fmt::format("run {} crashes the target on its own; shrinking", f.run));
            if (o_.shrink) {
                shrink_stats st;
                f.reduced = shrink(f.original, crashes, o_.shrink_budget, st,
                                   [this] { return interrupted(); });
                f.shrink_attempts = st.attempts;
            }
        }
        publish(std::move(f));
    }

    bool alive() { return engine::target_alive(options(), 1000ms); }

    bool restart() {
        std::lock_guard lock(mu_);
        auto r = t_.restart(10s);
        if (!r) {
            restart_error_ = r.error().message;
            return false;
        }
        return true;
    }

    std::string candidate_list() const {
        std::string s;
        for (auto& [run, c] : crash_candidates_)
            s += (s.empty() ? "" : ", ") + std::to_string(run);
        return s;
    }

    void publish(finding f) {
        auto& c = f.reduced;
        if (f.kind == "hang") {
            c.rfc = "5.5.2";
            c.quote = quote_ping;
            c.title = "The server answers neither the ping nor with a close after these frames";
        } else if (f.kind == "accepted") {
            c.rfc = f.section;
            c.quote = quote_validate;
            c.title = "The server does not fail the connection after a frame that breaks " + f.rule;
        } else if (f.kind == "handshake") {
            c.rfc = "4.2.2";
            c.quote = quote_handshake;
            c.title = "The server stops completing opening handshakes after these frames";
        } else if (f.kind == "crash") {
            c.rfc = "10.7";
            c.quote = quote_validate;
            c.title = "The server stops accepting connections after these frames";
        } else {
            c.rfc = f.section;
            c.quote = quote_validate;
            c.title =
                "The server answers these frames with a frame RFC 6455 forbids (" + f.rule + ")";
        }
        c.description = fmt::format(
            "Found by `wsspec fuzz --seed {}` in run {} ({} steps, {} after shrinking): {}",
            o_.seed, f.run, f.original.steps.size(), c.steps.size(), f.detail);
        auto m = model_server(c);
        set_expectation(c, m, std::chrono::duration<double>(o_.hang_timeout).count());
        std::lock_guard lock(mu_);
        by_signature_[f.signature()] = f;
        ++found_;
        std::lock_guard out(out_);
        if (cb_.on_finding) cb_.on_finding(f);
    }

    target& t_;
    const fuzz_options& o_;
    const fuzz_callbacks& cb_;
    clock::time_point start_, last_progress_{};
    std::atomic<std::uint64_t> next_{0}, done_{0};
    std::atomic<unsigned> active_{0};
    std::atomic<std::size_t> found_{0};
    std::atomic<bool> down_{false};
    std::mutex mu_, out_;
    std::map<std::uint64_t, catalog::case_def> in_flight_;
    std::vector<std::pair<std::uint64_t, catalog::case_def>> crash_candidates_;
    std::set<std::string> claimed_;
    std::map<std::string, std::size_t> duplicates_;
    std::map<std::string, finding> by_signature_;
    std::atomic<const char*> stop_reason_{"runs"};
    std::string restart_error_;
    fuzz_summary summary_;
};

} // namespace

fuzz_summary fuzz(target& t, const fuzz_options& o, const fuzz_callbacks& cb) {
    session s(t, o, cb);
    return s.run();
}

} // namespace wsspec::live_fuzz
