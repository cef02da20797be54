// `wsspec serve-cases` (the catalog for clients over Autobahn's fuzzingserver protocol) and
// `wsspec browser` (the same, with headless Chromium as the client).
#include <filesystem>
#include <thread>

#include <fmt/format.h>
#include <unistd.h>

#include "harness/cli/autobahn_spec.hpp"
#include "harness/cli/build_info.hpp"
#include "harness/cli/case_selection.hpp"
#include "harness/cli/commands.hpp"
#include "harness/cli/console.hpp"
#include "harness/cli/input_checks.hpp"
#include "harness/process/child_process.hpp"
#include "harness/serve_cases/case_server.hpp"
#include "harness/transport/url.hpp"

namespace wsspec::cli {
namespace {

using namespace std::chrono_literals;

// The flags the environment notes ask for: no first-run work, no background connections
// (refused on a closed network), a profile of its own.
std::vector<std::string> chromium_argv(const std::string& exe, const std::string& profile,
                                       const std::string& page) {
    return {exe,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--user-data-dir=" + profile,
            "--remote-debugging-port=0", // keeps headless Chromium running with the page open
            page};
}

} // namespace

int serve_cases_command(const serve_cases_args& a, const std::atomic<bool>& stop) {
    const char* me = a.browser ? "wsspec browser" : "wsspec serve-cases";
    std::optional<fuzzingserver_spec> spec;
    if (!a.spec.empty()) {
        auto s = read_fuzzingserver_spec(a.spec);
        if (!s) {
            fmt::print(stderr, "{}: {}\n", me, s.error().message);
            return exit_usage;
        }
        for (const auto& w : s->warnings)
            fmt::print(stderr, "{}: warning: {}\n", me, w);
        spec = std::move(*s);
    }
    serve_cases::case_server_options o;
    o.host = "127.0.0.1";
    o.port = 9001;
    if (spec) {
        auto u = transport::parse_url(spec->url);
        o.host = u->host; // checked by the spec reader
        o.port = u->port;
        if (u->secure()) o.tls = transport::tls_server_options{spec->cert, spec->key, {}, {}};
    }
    // The command line wins over the spec, as -o does over its outdir.
    if (a.host) o.host = *a.host;
    if (a.port) {
        if (*a.port > 65535) {
            fmt::print(stderr, "{}: --port {} is out of range\n", me, *a.port);
            return exit_usage;
        }
        o.port = static_cast<std::uint16_t>(*a.port);
    }
    if (!a.tls_cert.empty() || !a.tls_key.empty()) {
        if (a.tls_cert.empty() || a.tls_key.empty()) {
            fmt::print(stderr, "{}: --tls-cert and --tls-key go together\n", me);
            return exit_usage;
        }
        o.tls = transport::tls_server_options{a.tls_cert, a.tls_key, {}, {}};
    }
    selection_request sel;
    sel.role = catalog::peer_role::client;
    sel.case_dir = a.case_dir;
    sel.cases = a.cases;
    sel.exclude = a.exclude;
    if (spec) {
        sel.spec_cases = &spec->cases;
        sel.spec_exclude = &spec->exclude_cases;
        sel.spec_file = a.spec;
        o.exclude_agent_cases = spec->exclude_agent_cases;
    }
    auto cases = select_cases(sel);
    if (!cases) {
        fmt::print(stderr, "{}: {}\n", me, cases.error().message);
        return exit_usage;
    }
    o.cases = std::move(*cases);
    auto formats = report::parse_formats(
        a.formats.empty() ? std::vector<std::string>{"json,autobahn,html"} : a.formats);
    if (!formats) {
        fmt::print(stderr, "{}: {}\n", me, formats.error().message);
        return exit_usage;
    }
    o.formats = *formats;
    o.out_dir = !a.out_dir.empty() ? a.out_dir : spec ? spec->outdir : "./reports/clients";
    if (auto d = check_out_dir(o.out_dir); !d) {
        fmt::print(stderr, "{}: {}\n", me, d.error().message);
        return exit_usage;
    }
    o.run.timer_scale = a.timer_scale;
    o.run.seed = a.seed;
    o.run.wirelog = a.wirelog || report::needs_wirelog(o.formats);
    o.strict = a.strict;
    o.tool_version = std::string(version());
    std::mutex out_mu;
    o.log = [&](const std::string& line) {
        std::lock_guard lock(out_mu);
        fmt::print(stderr, "{}\n", line);
    };
    o.on_result = [&](const std::string& agent, const report::case_result& r) {
        if (a.quiet && report::passed(r, a.strict)) return;
        std::lock_guard lock(out_mu);
        fmt::print(stderr, "[{}] {:<8} {:<13} {:<16} {:>7.0f} ms{}{}\n", agent, r.id,
                   report::to_string(r.behavior), report::to_string(r.behavior_close),
                   r.duration_ms, r.reason.empty() ? "" : "  ", r.reason);
    };
    const std::size_t count = o.cases.size();
    auto srv = serve_cases::case_server::start(std::move(o));
    if (!srv) {
        fmt::print(stderr, "{}: cannot listen: {}\n", me, srv.error().message);
        return exit_usage;
    }
    const std::string url = (*srv)->url();
    fmt::print(stdout,
               "serving {} cases for clients on {} (fuzzingserver protocol; the browser "
               "page: http{}://{}/)\n",
               count, url, url.starts_with("wss") ? "s" : "", url.substr(url.find("://") + 3));
    std::fflush(stdout);

    std::optional<process::child_process> browser;
    std::atomic<bool> give_up{false};
    std::thread browser_timer;
    if (a.browser) {
        auto exe = process::find_in_path("chromium");
        if (exe.empty()) exe = process::find_in_path("chromium-browser");
        if (exe.empty()) {
            fmt::print(stderr, "{}: chromium is not installed (apt-get install chromium)\n", me);
            return exit_unreachable;
        }
        const auto profile =
            std::filesystem::temp_directory_path() / fmt::format("wsspec-browser-{}", ::getpid());
        std::filesystem::create_directories(profile);
        std::string page =
            fmt::format("http://{}/?shutdown=1&agent={}", url.substr(url.find("://") + 3),
                        a.agent.empty() ? "chromium" : a.agent);
        auto child = process::child_process::spawn(chromium_argv(exe, profile.string(), page),
                                                   {.discard_stderr = true});
        if (!child) {
            fmt::print(stderr, "{}: cannot start {}: {}\n", me, exe, child.error().message);
            return exit_unreachable;
        }
        browser.emplace(std::move(*child));
        fmt::print(stderr, "started {} on {}\n", exe, page);
        browser_timer = std::thread([&] {
            const auto until =
                std::chrono::steady_clock::now() + std::chrono::duration<double>(a.browser_timeout);
            while (!(*srv)->stop_requested() && !stop && std::chrono::steady_clock::now() < until)
                std::this_thread::sleep_for(50ms);
            give_up = true;
        });
    }
    (*srv)->wait(a.browser ? give_up : stop);
    if (browser_timer.joinable()) {
        give_up = true;
        browser_timer.join();
    }
    if (browser) browser->stop();
    (*srv)->stop();
    auto reports = (*srv)->reports();
    auto written = (*srv)->write_reports();
    if (!written)
        fmt::print(stderr, "{}: {}\n", me, written.error().message);
    else if (!reports.empty())
        for (const auto& w : *written)
            fmt::print(stderr, "report: {}\n", w);
    if (a.browser) {
        if (reports.empty()) {
            fmt::print(stderr, "{}: the browser ran no case within {} s\n", me, a.browser_timeout);
            return exit_unreachable;
        }
        for (const auto& r : reports)
            print_summary(stdout, r);
        auto s = report::summarize(reports);
        return s.failed || s.errors || s.crashed ? exit_failures : exit_ok;
    }
    return exit_ok;
}

} // namespace wsspec::cli
