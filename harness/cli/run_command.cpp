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
#include "harness/engine/scheduler.hpp"
#include "harness/engine/selection.hpp"
#include "harness/server/reference_server.hpp"
#include "harness/transport/url.hpp"

namespace wsspec::cli {
namespace {

result<std::vector<catalog::case_def>> load_selection(const run_args& a) {
    auto all = catalog::load_catalog(a.case_dir);
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
    if (!u) return u.error();
    engine::run_options o;
    o.target = *u;
    o.tls = a.tls;
    for (const auto& h : a.headers) {
        auto field = handshake::parse_header_line(h);
        if (!field)
            return make_error("bad -H '" + h + "': expected 'Name: value'", error_kind::bad_input);
        o.headers.push_back(std::move(*field));
    }
    if (!a.origin.empty()) o.origin = a.origin;
    o.subprotocols = a.subprotocols;
    if (a.settle_ms) o.settle = std::chrono::milliseconds(static_cast<long>(*a.settle_ms));
    o.seed = a.seed;
    o.wirelog = a.wirelog;
    return o;
}

// Runs the selection against one target; returns the exit code for it.
int run_target(const run_args& a, const std::vector<catalog::case_def>& cases,
               const std::string& url, const std::string& agent,
               const std::atomic<bool>& interrupted) {
    auto o = make_options(a, url);
    if (!o) {
        fmt::print(stderr, "wsspec: {}\n", o.error().message);
        return exit_usage;
    }
    if (!engine::target_accepts(*o, std::chrono::milliseconds(3000))) {
        fmt::print(stderr, "wsspec: cannot connect to {} ({}:{}): target unreachable\n", url,
                   o->target.host, o->target.port);
        return exit_unreachable;
    }
    report::run_report rep;
    rep.version = std::string(version());
    rep.target = url;
    rep.agent = agent.empty() ? url : agent;
    rep.started = now_iso8601();
    rep.seed = a.seed;
    rep.strict = a.strict;
    rep.jobs = a.jobs ? a.jobs : std::max(8u, 4 * std::thread::hardware_concurrency());
    rep.settle_ms = a.settle_ms.value_or(-1);
    progress prog(stderr, a.quiet);
    engine::schedule_options so;
    so.jobs = rep.jobs;
    so.interrupted = &interrupted;
    so.on_result = [&](const report::case_result& r, std::size_t done, std::size_t total) {
        prog.on_result(r, done, total, a.strict);
    };
    auto t0 = std::chrono::steady_clock::now();
    engine::run_cases(cases, *o, so, rep);
    rep.duration_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    prog.finish();

    if (!a.out_dir.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(a.out_dir, ec);
        std::string path = (std::filesystem::path(a.out_dir) / "report.json").string();
        if (auto w = report::write_json(rep, path, a.wirelog); !w) {
            fmt::print(stderr, "wsspec: {}\n", w.error().message);
            return exit_usage;
        }
        fmt::print(stderr, "report: {}\n", path);
    }
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
    if (s.errors == s.total && s.total > 0) return exit_unreachable;
    return s.failed || s.errors || s.crashed || rep.interrupted ? exit_failures : exit_ok;
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
        int worst = exit_ok;
        for (const auto& url : a.urls) {
            int rc = run_target(a, *cases, url, "", interrupted);
            worst = std::max(worst, rc);
            if (interrupted) break;
        }
        return worst;
    }
    // No URL: the built-in reference server, in this process, on a loopback port.
    server::server_options so;
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
    fmt::print(stderr, "built-in reference server on {}{}\n", url,
               a.quirks.empty() ? "" : " with quirks");
    return run_target(a, *cases, url, "wsspec-reference", interrupted);
}

} // namespace wsspec::cli
