#include <chrono>
#include <ctime>
#include <filesystem>
#include <thread>

#include <fmt/format.h>

#include "codec/handshake/http_fields.hpp"
#include "harness/catalog/case_loader.hpp"
#include "harness/cli/build_info.hpp"
#include "harness/cli/commands.hpp"
#include "harness/cli/console.hpp"
#include "harness/cli/input_checks.hpp"
#include "harness/engine/scheduler.hpp"
#include "harness/engine/selection.hpp"
#include "harness/server/reference_server.hpp"
#include "harness/transport/url.hpp"

namespace wsspec::cli {
namespace {

result<std::vector<catalog::case_def>> load_selection(const run_args& a) {
    auto all = catalog::load_catalog(a.case_dir, a.replace_builtin);
    if (!all) return all.error();
    auto cases =
        engine::select(*all, engine::split_patterns(a.cases), engine::split_patterns(a.exclude));
    // `run` tests servers: cases written only for clients wait for a client to connect.
    auto for_clients = std::erase_if(cases, [](const catalog::case_def& c) {
        return !c.applies_to(catalog::peer_role::server);
    });
    if (for_clients)
        fmt::print(stderr, "wsspec: left out {} case(s) that test clients only\n", for_clients);
    if (cases.empty())
        return make_error("no case matches -c '" + a.cases + "' -x '" + a.exclude + "'");
    return cases;
}

result<engine::run_options> make_options(const run_args& a, const std::string& url) {
    auto u = transport::parse_url(url);
    if (!u) return make_error("URL '" + url + "': " + u.error().message, error_kind::bad_input);
    engine::run_options o;
    o.target = *u;
    o.tls = a.tls;
    for (const auto& h : a.headers) {
        auto field = handshake::parse_header_line(h);
        if (!field)
            return make_error("bad -H '" + h +
                                  "': expected 'Name: value', a token for the name and no CR, "
                                  "LF or NUL anywhere",
                              error_kind::bad_input);
        o.headers.push_back(std::move(*field));
    }
    if (!a.origin.empty()) o.origin = a.origin;
    o.subprotocols = a.subprotocols;
    if (a.settle_ms) o.settle = std::chrono::milliseconds(static_cast<long>(*a.settle_ms));
    if (!a.max_message.empty()) {
        auto n = parse_byte_size("--max-message", a.max_message);
        if (!n) return n.error();
        o.max_message = *n;
    }
    o.timer_scale = a.timer_scale;
    o.seed = a.seed;
    o.wirelog = a.wirelog;
    return o;
}

// Everything a run needs from the command line, checked before the first case: a bad URL
// next to a good one, a missing --cacert or an unwritable -o are usage errors (exit 2), not
// findings reported after the whole run.
result<std::vector<engine::run_options>> check_inputs(const run_args& a,
                                                      const std::vector<std::string>& urls) {
    std::vector<engine::run_options> targets;
    for (const auto& url : urls) {
        auto o = make_options(a, url);
        if (!o) return o.error();
        targets.push_back(std::move(*o));
    }
    if (auto t = check_tls_files(a.tls); !t) return t.error();
    if (!a.out_dir.empty())
        if (auto d = check_out_dir(a.out_dir); !d) return d.error();
    return targets;
}

report::run_report blank_report(const run_args& a, const std::string& url,
                                const std::string& agent) {
    report::run_report rep;
    rep.version = std::string(version());
    rep.target = url;
    rep.agent = agent.empty() ? url : agent;
    rep.started = now_iso8601();
    rep.seed = a.seed;
    rep.strict = a.strict;
    rep.jobs = a.jobs ? a.jobs : std::max(8u, 4 * std::thread::hardware_concurrency());
    rep.settle_ms = a.settle_ms.value_or(-1);
    rep.timer_scale = a.timer_scale;
    return rep;
}

// Runs the selection against one target into `rep`; returns the exit code for it.
int run_target(const run_args& a, const std::vector<catalog::case_def>& cases,
               const engine::run_options& o, report::run_report& rep,
               const std::atomic<bool>& interrupted) {
    const auto& url = rep.target;
    auto t0 = std::chrono::steady_clock::now();
    auto elapsed = [&] {
        return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
            .count();
    };
    if (!engine::target_accepts(o, std::chrono::milliseconds(3000))) {
        rep.error = fmt::format("cannot connect to {}:{}: target unreachable", o.target.host,
                                o.target.port);
        rep.duration_ms = elapsed();
        fmt::print(stderr, "wsspec: {}: {}\n", url, rep.error);
        return exit_unreachable;
    }
    // A target that never completes an opening handshake is not a server with 300 failures.
    if (auto up = engine::target_upgrades(o); !up) {
        rep.error = "no WebSocket connection: " + up.error().message;
        rep.duration_ms = elapsed();
        fmt::print(stderr, "wsspec: {}: {}\n", url, rep.error);
        return exit_unreachable;
    }
    progress prog(stderr, a.quiet);
    engine::schedule_options so;
    so.jobs = rep.jobs;
    so.interrupted = &interrupted;
    so.on_result = [&](const report::case_result& r, std::size_t done, std::size_t total) {
        prog.on_result(r, done, total, a.strict);
    };
    engine::run_cases(cases, o, so, rep);
    rep.duration_ms = elapsed();
    prog.finish();

    print_summary(stdout, rep);
    auto s = report::summarize(rep);
    bool every_handshake_refused = s.total > 0;
    for (const auto& c : rep.cases)
        if (c.behavior == report::verdict::error || c.upgraded || report::passed(c, rep.strict))
            every_handshake_refused = false;
    if (every_handshake_refused) {
        fmt::print(stderr, "wsspec: every opening handshake with {} failed\n", url);
        return exit_unreachable;
    }
    bool any_upgraded = std::any_of(rep.cases.begin(), rep.cases.end(),
                                    [](const report::case_result& c) { return c.upgraded; });
    if (s.errors == s.total && s.total > 0 && !any_upgraded) return exit_unreachable;
    return s.failed || s.errors || s.crashed || rep.interrupted ? exit_failures : exit_ok;
}

// Every target in turn, one report holding them all; the exit code is the worst of them.
int run_targets(const run_args& a, const std::vector<catalog::case_def>& cases,
                const std::vector<engine::run_options>& targets,
                const std::vector<std::string>& urls, const std::string& agent,
                const std::atomic<bool>& interrupted) {
    std::vector<report::run_report> reports;
    int worst = exit_ok;
    if (a.timer_scale != 1.0)
        fmt::print(stderr,
                   "case timers and timeouts are {}x Autobahn's (--timer-scale): a server that "
                   "answers late may pass here and fail under Autobahn\n",
                   a.timer_scale);
    for (std::size_t i = 0; i < targets.size(); ++i) {
        reports.push_back(blank_report(a, urls[i], agent));
        worst = std::max(worst, run_target(a, cases, targets[i], reports.back(), interrupted));
        if (interrupted) break;
    }
    if (!a.out_dir.empty()) {
        std::string path = (std::filesystem::path(a.out_dir) / "report.json").string();
        if (auto w = report::write_json(reports, path, a.wirelog); !w) {
            fmt::print(stderr, "wsspec: {}\n", w.error().message);
            return std::max(worst, static_cast<int>(exit_failures));
        }
        fmt::print(stderr, "report: {}\n", path);
    }
    if (reports.size() > 1) {
        auto s = report::summarize(reports);
        fmt::print(stdout, "\n{} targets: {} cases, {} passed, {} failed, {} errors, {} crashed\n",
                   reports.size(), s.total, s.passed, s.failed, s.errors, s.crashed);
    }
    return worst;
}

} // namespace

int run_command(const run_args& a, const std::atomic<bool>& interrupted) {
    auto cases = load_selection(a);
    if (!cases) {
        fmt::print(stderr, "wsspec: {}\n", cases.error().message);
        return exit_usage;
    }
    if (!a.urls.empty()) {
        if (!a.quirks.empty()) {
            fmt::print(stderr,
                       "wsspec: --quirk applies to the built-in server only (run without a URL)\n");
            return exit_usage;
        }
        auto targets = check_inputs(a, a.urls);
        if (!targets) {
            fmt::print(stderr, "wsspec: {}\n", targets.error().message);
            return exit_usage;
        }
        return run_targets(a, *cases, *targets, a.urls, "", interrupted);
    }
    // No URL: the built-in reference server, in this process, on a loopback port, with
    // permessage-deflate (the cases of categories 12 and 13 offer it; the others offer nothing).
    server::server_options so;
    so.deflate = server::echo_policy();
    for (const auto& q : a.quirks) {
        auto parsed = server::parse_quirk_list(q);
        if (!parsed) {
            fmt::print(stderr, "wsspec: {}\n", parsed.error().message);
            return exit_usage;
        }
        for (auto x : *parsed) {
            if (server::info(x).needs_own_process) {
                fmt::print(stderr,
                           "wsspec: quirk '{}' would abort this process: start it with "
                           "`wsspec serve --quirk {}` and run against its URL\n",
                           server::info(x).name, server::info(x).name);
                return exit_usage;
            }
            so.quirks.push_back(x);
        }
    }
    auto srv = server::reference_server::start(so);
    if (!srv) {
        fmt::print(stderr, "wsspec: cannot start the reference server: {}\n", srv.error().message);
        return exit_unreachable;
    }
    std::string url = fmt::format("ws://127.0.0.1:{}/", (*srv)->port());
    auto targets = check_inputs(a, {url});
    if (!targets) {
        fmt::print(stderr, "wsspec: {}\n", targets.error().message);
        return exit_usage;
    }
    fmt::print(stderr, "built-in reference server on {}{}\n", url,
               a.quirks.empty() ? "" : " with quirks");
    return run_targets(a, *cases, *targets, {url}, "wsspec-reference", interrupted);
}

} // namespace wsspec::cli
