// wsspec: WebSocket (RFC 6455) conformance suite, fuzzing harness and benchmark kit.
#include <atomic>
#include <csignal>
#include <cstdio>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "codec/mask.hpp"
#include "codec/utf8.hpp"
#include "harness/cli/commands.hpp"

namespace {

std::atomic<bool> interrupted{false};

extern "C" void on_signal(int) {
    // First Ctrl-C: finish the running cases and write the report; second: leave now.
    if (interrupted.exchange(true)) _exit(130);
}

std::string version_text() {
    return fmt::format("wsspec {} (mask: {}, utf8: {})", WSSPEC_VERSION,
                       wsspec::detail::mask_implementation(), wsspec::detail::utf8_implementation());
}

} // namespace

int main(int argc, char** argv) {
    using namespace wsspec::cli;
    CLI::App app{"wsspec: WebSocket RFC 6455 conformance suite, fuzzer and benchmark kit"};
    app.set_version_flag("--version", version_text());
    app.require_subcommand(1);

    run_args ra;
    auto* run = app.add_subcommand("run", "Run the conformance catalog against URLs (none: the built-in server)");
    run->add_option("url", ra.urls, "ws:// or wss:// URLs of the servers under test");
    run->add_option("-c,--cases", ra.cases, "Cases to run, Autobahn globs: \"1.*,2.1,6.4.*\"");
    run->add_option("-x,--exclude", ra.exclude, "Cases to skip, same syntax");
    run->add_option("--case-dir", ra.case_dir, "Load more case files (*.json) from this directory");
    run->add_option("-o,--out", ra.out_dir, "Write report.json into this directory");
    run->add_option("-j,--jobs", ra.jobs, "Cases run at once (default: 4 per core, at least 8)")
        ->check(CLI::Range(1u, 1024u));
    run->add_flag("--strict", ra.strict, "NON-STRICT counts as a failure");
    run->add_flag("--wirelog", ra.wirelog, "Keep the wire log of every case in the report");
    run->add_option("--settle", ra.settle_ms,
                    "Milliseconds to wait where a case checks that nothing more happens "
                    "(default: 20 handshake round trips, 100-1000 ms)")
        ->check(CLI::Range(0.0, 60000.0));
    run->add_option("--seed", ra.seed, "Seed for masking keys and handshake nonces");
    run->add_flag("-k,--insecure", ra.insecure, "Do not verify the server's TLS certificate");
    run->add_option("--cacert", ra.cacert, "Trust this CA (PEM file)");
    run->add_option("--cert", ra.cert, "Client certificate (PEM)");
    run->add_option("--key", ra.key, "Client key (PEM)");
    run->add_option("--sni", ra.sni, "TLS server name to send");
    run->add_option("-H,--header", ra.headers, "Extra handshake header \"Name: value\"");
    run->add_option("--origin", ra.origin, "Origin header");
    run->add_option("--subprotocol", ra.subprotocols, "Offer this subprotocol");
    run->add_option("--quirk", ra.quirks, "Built-in server only: switch on a quirk (see `wsspec list --quirks`)");
    run->add_flag("-q,--quiet", ra.quiet, "Only the lines of cases that did not pass");

    list_args la;
    auto* list = app.add_subcommand("list", "List the catalog, or the reference server's quirks");
    list->add_flag("--json", la.json, "JSON output");
    list->add_flag("--quirks", la.quirks, "List the quirks of the reference server");
    list->add_option("-c,--cases", la.cases, "Only these cases");
    list->add_option("-x,--exclude", la.exclude, "Not these cases");
    list->add_option("--case-dir", la.case_dir, "Also load case files from this directory");

    serve_args sa;
    auto* serve = app.add_subcommand("serve", "Run the reference echo server (an Autobahn testee)");
    serve->add_option("--host", sa.host, "Address to bind (default 127.0.0.1)");
    serve->add_option("-p,--port", sa.port, "Port (default 9001; 0 picks one)");
    serve->add_option("--tls-cert", sa.tls_cert, "Serve wss:// with this certificate (PEM)");
    serve->add_option("--tls-key", sa.tls_key, "... and this key (PEM)");
    serve->add_option("--quirk", sa.quirks, "Break one RFC rule on purpose (see `wsspec list --quirks`)");
    serve->add_flag("-v,--verbose", sa.verbose, "Log connections");

    fuzz_args fa;
    auto* fuzz = app.add_subcommand("fuzz", "Fuzz a live server; save each finding as a replayable case file");
    fuzz->add_option("url", fa.url, "ws:// or wss:// URL (none: the built-in server, in a child process)");
    fuzz->add_option("--seed", fa.seed, "Seed: the same seed sends the same runs");
    fuzz->add_option("--runs", fa.runs, "Stop after this many runs")->check(CLI::Range(1ull, 1ull << 40));
    fuzz->add_option("--duration", fa.duration, "Stop after this many seconds (default 60 without --runs)")
        ->check(CLI::Range(0.0, 7.0 * 24 * 3600));
    fuzz->add_option("-j,--jobs", fa.jobs, "Connections at once (default 4)")->check(CLI::Range(1u, 256u));
    fuzz->add_option("--hang-timeout", fa.hang_timeout,
                     "Seconds a server may take to answer the probe ping or close (default 2)")
        ->check(CLI::Range(0.05, 600.0));
    fuzz->add_option("--exec", fa.exec, "Shell command that starts the server at URL; run again after a crash");
    fuzz->add_option("--quirk", fa.quirks, "Built-in server only: switch on a quirk (see `wsspec list --quirks`)");
    fuzz->add_option("--max-steps", fa.max_steps, "Steps per run before the probe (default 8)")
        ->check(CLI::Range(std::size_t{1}, std::size_t{256}));
    fuzz->add_option("--max-payload", fa.max_payload, "Usual largest payload (default 4096)")
        ->check(CLI::Range(std::size_t{0}, std::size_t{1} << 24));
    fuzz->add_flag("--no-shrink", fa.no_shrink, "Save findings as found, without shrinking");
    fuzz->add_option("-o,--out", fa.out_dir, "Directory for fuzz.json and cases/ (default wsspec-fuzz)");
    fuzz->add_flag("-k,--insecure", fa.insecure, "Do not verify the server's TLS certificate");
    fuzz->add_option("--cacert", fa.cacert, "Trust this CA (PEM file)");
    fuzz->add_option("--sni", fa.sni, "TLS server name to send");
    fuzz->add_flag("-q,--quiet", fa.quiet, "No progress line");

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
    if (*run) return run_command(ra, interrupted);
    if (*list) return list_command(la);
    if (*serve) return serve_command(sa, interrupted);
    if (*fuzz) return fuzz_command(fa, interrupted);
    return exit_usage;
}
