// wsspec: WebSocket (RFC 6455) conformance suite, fuzzing harness and benchmark kit.
#include <atomic>
#include <csignal>
#include <cstdio>
#include <sys/resource.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "codec/mask.hpp"
#include "codec/utf8.hpp"
#include "harness/cli/build_info.hpp"
#include "harness/cli/commands.hpp"

namespace {

std::atomic<bool> interrupted{false};

extern "C" void on_signal(int) {
    // First Ctrl-C: finish the running cases and write the report; second: leave now.
    if (interrupted.exchange(true)) _exit(130);
}

// Every connection is a descriptor, twice over when the built-in server runs in this process:
// limits.connections.1 holds 256 at once, `load` and --side-by-side more. The soft limit is
// often 1024 while the hard one is far higher; a run that hit the soft limit would blame the
// server for wsspec's own refusals. (Go's runtime raises it the same way at start.)
void raise_descriptor_limit() {
    rlimit r{};
    if (::getrlimit(RLIMIT_NOFILE, &r) != 0 || r.rlim_cur >= r.rlim_max) return;
    r.rlim_cur = r.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &r);
}

std::string version_text() {
    return fmt::format("wsspec {} (mask: {}, utf8: {})", wsspec::cli::version(),
                       wsspec::detail::mask_implementation(),
                       wsspec::detail::utf8_implementation());
}

// The client TLS options of every command that connects to a target.
void add_tls_options(CLI::App* cmd, wsspec::transport::tls_client_options& tls) {
    cmd->add_flag("-k,--insecure", tls.insecure, "Do not verify the server's TLS certificate");
    cmd->add_option("--cacert", tls.cacert, "Trust this CA (PEM file)");
    cmd->add_option("--cert", tls.cert, "Client certificate (PEM)");
    cmd->add_option("--key", tls.key, "Client key (PEM)");
    cmd->add_option("--sni", tls.sni, "TLS server name to send");
}

// A flag that may be repeated, one value each time ("-H a -H b"). CLI11 lets a vector option
// take every argument after it, which would swallow the URLs that follow ("-H 'X: y' ws://…").
CLI::Option* one_each(CLI::Option* o) {
    return o->allow_extra_args(false);
}

} // namespace

int main(int argc, char** argv) {
    using namespace wsspec::cli;
    CLI::App app{"wsspec: WebSocket RFC 6455 conformance suite, fuzzer and benchmark kit"};
    app.set_version_flag("--version", version_text());
    app.require_subcommand(1);

    run_args ra;
    auto* run = app.add_subcommand(
        "run", "Run the conformance catalog against URLs (none: the built-in server)");
    run->add_option("url", ra.urls, "ws:// or wss:// URLs of the servers under test");
    one_each(run->add_option("--agent", ra.agents,
                             "Name of the agent at each URL, in order (default: its Server "
                             "header, else the URL)"));
    run->add_option("--spec", ra.spec,
                    "Read an Autobahn fuzzingclient.json: servers, cases, exclude-cases, "
                    "exclude-agent-cases, outdir");
    one_each(run->add_option("--format", ra.formats,
                             "Report formats, comma-separated: json (report.json, the default), "
                             "autobahn (index.json + one file per case), html (index.html), junit "
                             "(junit.xml), md (summary.md)"));
    run->add_flag("--side-by-side", ra.side_by_side,
                  "Run every target at once (each with its own -j) instead of one after another");
    run->add_option("--baseline", ra.baseline,
                    "Known results (a `wsspec baseline` file, a report.json or an Autobahn "
                    "index.json): exit 1 only when a case got worse");
    run->add_option("-c,--cases", ra.cases, "Cases to run, Autobahn globs: \"1.*,2.1,6.4.*\"");
    run->add_option("-x,--exclude", ra.exclude, "Cases to skip, same syntax");
    run->add_option("--case-dir", ra.case_dir, "Load more case files (*.json) from this directory");
    run->add_option("--max-message", ra.max_message,
                    "Largest frame or message a server may send, e.g. 64M (default: per case, "
                    "twice the largest it expects)");
    run->add_flag("--replace-builtin", ra.replace_builtin,
                  "Let --case-dir cases replace built-in cases of the same id");
    run->add_option("-o,--out", ra.out_dir,
                    "Write the reports into this directory (default with --spec: its outdir)");
    run->add_option("-j,--jobs", ra.jobs, "Cases run at once (default: 4 per core, at least 8)")
        ->check(CLI::Range(1u, 1024u));
    run->add_flag("--strict", ra.strict, "NON-STRICT counts as a failure");
    run->add_flag("--wirelog", ra.wirelog, "Keep the wire log of every case in the report");
    run->add_option("--settle", ra.settle_ms,
                    "Milliseconds to wait where a case checks that nothing more happens "
                    "(default: 20 handshake round trips, 100-1000 ms)")
        ->check(CLI::Range(0.0, 60000.0));
    run->add_option("--timer-scale", ra.timer_scale,
                    "Multiply every case timer and handshake timeout by this, for a server "
                    "slowed down by a sanitizer or valgrind (default 1: Autobahn's timers)")
        ->check(CLI::Range(1.0, 100.0));
    run->add_option("--seed", ra.seed, "Seed for masking keys and handshake nonces");
    add_tls_options(run, ra.tls);
    one_each(run->add_option("-H,--header", ra.headers, "Extra handshake header \"Name: value\""));
    run->add_option("--origin", ra.origin, "Origin header");
    one_each(run->add_option("--subprotocol", ra.subprotocols, "Offer this subprotocol"));
    one_each(
        run->add_option("--quirk", ra.quirks,
                        "Built-in server only: switch on a quirk (see `wsspec list --quirks`)"));
    run->add_flag("-q,--quiet", ra.quiet, "Only the lines of cases that did not pass");
    run->add_flag("-v,--verbose", ra.verbose,
                  "After each target: a histogram of case durations and the slowest cases");

    report_args rpa;
    auto* rep = app.add_subcommand(
        "report", "Render saved report.json files again (several: their agents side by side)");
    rep->add_option("file", rpa.files, "report.json files (and a load.json for its histogram)")
        ->required();
    one_each(rep->add_option("--format", rpa.formats,
                             "json, autobahn, html, junit, md (comma-separated)"))
        ->required();
    rep->add_option("-o,--out", rpa.out_dir, "Directory to write into (default: .)");
    rep->add_option("--baseline", rpa.baseline, "Show what changed against this baseline");

    diff_args da;
    auto* diff =
        app.add_subcommand("diff", "What changed between two runs; exit 1 when a case got worse");
    diff->add_option("old", da.before,
                     "The earlier report.json (or a baseline file, or an Autobahn index.json)")
        ->required();
    diff->add_option("new", da.after, "The later report.json")->required();
    diff->add_flag("--strict", da.strict, "NON-STRICT counts as a failure");
    diff->add_flag("--all", da.all,
                   "Also list verdicts that changed at the same severity, and cases not run");

    baseline_args ba;
    auto* base = app.add_subcommand(
        "baseline", "Write a baseline from a report: the cases that did not pass, with reasons");
    base->add_option("report", ba.report, "A report.json")->required();
    base->add_option("-o,--out", ba.out, "File to write (default: standard output)");

    list_args la;
    auto* list = app.add_subcommand("list", "List the catalog, or the reference server's quirks");
    list->add_flag("--json", la.json, "JSON output");
    list->add_flag("--quirks", la.quirks, "List the quirks of the reference server");
    list->add_option("-c,--cases", la.cases, "Only these cases");
    list->add_option("-x,--exclude", la.exclude, "Not these cases");
    list->add_option("--case-dir", la.case_dir, "Also load case files from this directory");
    list->add_flag("--replace-builtin", la.replace_builtin,
                   "Let --case-dir cases replace built-in cases of the same id");

    serve_args sa;
    auto* serve = app.add_subcommand("serve", "Run the reference echo server (an Autobahn testee)");
    serve->add_option("--host", sa.host, "Address to bind (default 127.0.0.1)");
    serve->add_option("-p,--port", sa.port, "Port (default 9001; 0 picks one)");
    serve->add_option("--tls-cert", sa.tls_cert, "Serve wss:// with this certificate (PEM)");
    serve->add_option("--tls-key", sa.tls_key, "... and this key (PEM)");
    one_each(serve->add_option("--quirk", sa.quirks,
                               "Break one RFC rule on purpose (see `wsspec list --quirks`)"));
    serve->add_option("--ping-interval", sa.ping_interval_ms,
                      "Send every connection a ping this often (milliseconds; default 0: never)");
    serve->add_flag("--deflate", sa.deflate,
                    "Accept permessage-deflate (RFC 7692): inflate what arrives, compress echoes");
    serve->add_flag("-v,--verbose", sa.verbose, "Log connections");

    serve_cases_args sca;
    auto add_serve_cases_options = [](CLI::App* cmd, serve_cases_args& x) {
        cmd->add_option("--spec", x.spec,
                        "Read an Autobahn fuzzingserver.json: url, outdir, cases, exclude-cases, "
                        "exclude-agent-cases, key/cert");
        cmd->add_option("--host", x.host, "Address to bind (default 127.0.0.1, or the spec's url)");
        cmd->add_option("-p,--port", x.port, "Port (default 9001, or the spec's url; 0 picks one)");
        cmd->add_option("-c,--cases", x.cases, "Cases to serve, Autobahn globs");
        cmd->add_option("-x,--exclude", x.exclude, "Cases not to serve");
        cmd->add_option("--case-dir", x.case_dir, "Load more case files from this directory");
        cmd->add_option("-o,--out", x.out_dir,
                        "Report directory (default: the spec's outdir, else ./reports/clients)");
        one_each(cmd->add_option("--format", x.formats,
                                 "Report formats (default json,autobahn,html): json, autobahn, "
                                 "html, junit, md"));
        cmd->add_option("--tls-cert", x.tls_cert, "Serve wss:// with this certificate (PEM)");
        cmd->add_option("--tls-key", x.tls_key, "... and this key (PEM)");
        cmd->add_option("--timer-scale", x.timer_scale, "Multiply every case timer by this")
            ->check(CLI::Range(1.0, 100.0));
        cmd->add_flag("--strict", x.strict, "NON-STRICT counts as a failure");
        cmd->add_flag("--wirelog", x.wirelog, "Keep wire logs in report.json");
        cmd->add_option("--seed", x.seed, "Seed for masking keys");
        cmd->add_flag("-q,--quiet", x.quiet, "Only the cases that did not pass");
    };
    auto* serve_cases = app.add_subcommand(
        "serve-cases",
        "Test WebSocket clients: the catalog over Autobahn's fuzzingserver protocol");
    add_serve_cases_options(serve_cases, sca);
    serve_cases_args bra;
    bra.browser = true;
    bra.port = 0;
    auto* browser = app.add_subcommand(
        "browser", "Test headless Chromium's WebSocket client: serve-cases plus the browser");
    add_serve_cases_options(browser, bra);
    browser->get_option("--port")->description("Port (default: a free one)");
    browser->add_option("--agent", bra.agent, "Agent name in the reports (default chromium)");
    browser
        ->add_option("--timeout", bra.browser_timeout,
                     "Seconds to wait for the browser to finish (default 600)")
        ->check(CLI::Range(1.0, 86400.0));

    client_args ca;
    auto* client = app.add_subcommand(
        "client", "The reference client: run the fuzzingserver loop against URL (serve-cases)");
    client->add_option("url", ca.url, "ws://host:port of the fuzzingserver")->required();
    client->add_option("--agent", ca.agent, "Agent name (default wsspec-reference-client)");
    one_each(client->add_option("--quirk", ca.quirks,
                                "Break one rule on purpose (see `wsspec list --quirks`)"));
    client->add_option("--seed", ca.seed, "Seed for handshake keys and masking keys");
    client->add_flag("--deflate", ca.deflate,
                     "Offer permessage-deflate (RFC 7692): compress echoes, inflate what arrives");
    client->add_flag("--no-update", ca.no_update, "Do not ask for /updateReports at the end");
    client->add_flag("-q,--quiet", ca.quiet, "No progress lines");

    fuzz_args fa;
    auto* fuzz = app.add_subcommand(
        "fuzz", "Fuzz a live server; save each finding as a replayable case file");
    fuzz->add_option("url", fa.url,
                     "ws:// or wss:// URL (none: the built-in server, in a child process)");
    fuzz->add_option("--seed", fa.seed, "Seed: the same seed sends the same runs");
    fuzz->add_option("--runs", fa.runs, "Stop after this many runs")
        ->check(CLI::Range(1ull, 1ull << 40));
    fuzz->add_option("--duration", fa.duration,
                     "Stop after this many seconds (default 60 without --runs)")
        ->check(CLI::Range(0.0, 7.0 * 24 * 3600));
    fuzz->add_option("-j,--jobs", fa.jobs, "Connections at once (default 4)")
        ->check(CLI::Range(1u, 256u));
    fuzz->add_option("--hang-timeout", fa.hang_timeout,
                     "Seconds a server may take to answer the probe ping or close (default 2)")
        ->check(CLI::Range(0.05, 600.0));
    fuzz->add_option("--exec", fa.exec,
                     "Shell command that starts the server at URL; run again after a crash");
    one_each(
        fuzz->add_option("--quirk", fa.quirks,
                         "Built-in server only: switch on a quirk (see `wsspec list --quirks`)"));
    fuzz->add_option("--max-steps", fa.max_steps, "Steps per run before the probe (default 8)")
        ->check(CLI::Range(std::size_t{1}, std::size_t{256}));
    fuzz->add_option("--max-payload", fa.max_payload, "Usual largest payload (default 4096)")
        ->check(CLI::Range(std::size_t{0}, std::size_t{1} << 24));
    fuzz->add_flag("--no-shrink", fa.no_shrink, "Save findings as found, without shrinking");
    fuzz->add_option("-o,--out", fa.out_dir,
                     "Directory for fuzz.json and cases/ (default wsspec-fuzz)");
    add_tls_options(fuzz, fa.tls);
    fuzz->add_flag("-q,--quiet", fa.quiet, "No progress line");

    load_args lo;
    auto* load = app.add_subcommand(
        "load", "Echo throughput and latency of a server (none: the built-in one)");
    load->add_option("url", lo.url,
                     "ws:// or wss:// URL (none: the built-in server, in this process)");
    load->add_option("-c,--connections", lo.connections, "Connections (default 4)")
        ->check(CLI::Range(1u, 100000u));
    load->add_option("-t,--threads", lo.threads, "Threads (default: one per core)")
        ->check(CLI::Range(1u, 1024u));
    load->add_option("--size", lo.size, "Payload bytes per message (default 16)")
        ->check(CLI::Range(std::size_t{0}, std::size_t{64} << 20));
    load->add_option("--type", lo.type, "text or binary (default binary)")
        ->check(CLI::IsMember({"text", "binary"}));
    auto* load_duration =
        load->add_option("--duration", lo.duration, "Seconds to send for (default 10)")
            ->check(CLI::Range(0.001, 1e6));
    load->add_option("--messages", lo.messages, "Echoes in all, then stop")
        ->check(CLI::Range(1ull, 1ull << 50))
        ->excludes(load_duration);
    load->add_option("--rate", lo.rate,
                     "Target messages/s over all connections (default: no limit)")
        ->check(CLI::Range(0.001, 1e9));
    load->add_option("--pipeline", lo.pipeline, "Messages in flight per connection (default 1)")
        ->check(CLI::Range(1u, 65536u));
    load->add_flag("--deflate", lo.deflate,
                   "Offer permessage-deflate (RFC 7692): compress every message, inflate the "
                   "echoes (a server that declines fails the handshake)");
    load->add_option("--timeout", lo.timeout,
                     "Seconds for the opening handshake, each echo, the close (default 10)")
        ->check(CLI::Range(0.01, 3600.0));
    load->add_option("--seed", lo.seed, "Seed for masking keys and handshake nonces");
    add_tls_options(load, lo.tls);
    load->add_option("-o,--out", lo.out_dir, "Write load.json into this directory");
    load->add_flag("--json", lo.json,
                   "Print the JSON report on stdout instead of the text summary");
    load->add_flag("-q,--quiet", lo.quiet, "No progress lines");

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        // CLI11 exits with its own codes (100+); the contract says 2 for bad usage.
        app.exit(e);
        return exit_usage;
    }

    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    std::signal(SIGPIPE, SIG_IGN);
    raise_descriptor_limit();
    if (*run) return run_command(ra, interrupted);
    if (*list) return list_command(la);
    if (*rep) return report_command(rpa);
    if (*diff) return diff_command(da);
    if (*base) return baseline_command(ba);
    if (*serve) return serve_command(sa, interrupted);
    if (*serve_cases) return serve_cases_command(sca, interrupted);
    if (*browser) return serve_cases_command(bra, interrupted);
    if (*client) return client_command(ca);
    if (*fuzz) return fuzz_command(fa, interrupted);
    if (*load) return load_command(lo, interrupted);
    return exit_usage;
}
