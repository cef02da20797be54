#pragma once
// The subcommands of `wsspec`, each taking parsed options and returning the process exit code
// (design.md, CLI contract): 0 all as expected, 1 conformance failures, 2 bad usage or input,
// 3 target unreachable.
#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "harness/transport/tls_options.hpp"

namespace wsspec::cli {

enum exit_code : int { exit_ok = 0, exit_failures = 1, exit_usage = 2, exit_unreachable = 3 };

struct run_args {
    std::vector<std::string> urls;
    std::vector<std::string> agents;  // --agent, one per URL in order
    std::string spec;                 // --spec fuzzingclient.json
    std::vector<std::string> formats; // --format json,autobahn,html,junit,md
    std::string baseline;             // --baseline FILE
    bool side_by_side = false;        // --side-by-side: every target at once
    std::string cases, exclude, case_dir, out_dir;
    bool replace_builtin = false; // --case-dir cases may take built-in ids
    std::string max_message;      // --max-message: "16M", "1048576"; empty: per case
    unsigned jobs = 0;            // 0: default
    bool strict = false;
    bool wirelog = false;
    transport::tls_client_options tls;
    std::vector<std::string> headers;
    std::string origin;
    std::vector<std::string> subprotocols;
    std::optional<double> settle_ms;
    double timer_scale = 1.0; // --timer-scale
    unsigned long long seed = 1;
    std::vector<std::string> quirks; // for the built-in server
    bool quiet = false;
    bool verbose = false; // -v: case durations
};
int run_command(const run_args& a, const std::atomic<bool>& interrupted);

// `wsspec report FILE… --format …`: saved report.json files rendered again (several files:
// their agents side by side); a load.json among them adds its histogram to the HTML page.
struct report_args {
    std::vector<std::string> files;
    std::vector<std::string> formats;
    std::string out_dir = ".";
    std::string baseline;
};
int report_command(const report_args& a);

// `wsspec diff OLD NEW`: what changed between two runs; exit 1 when something regressed.
struct diff_args {
    std::string before, after;
    bool strict = false;
    bool all = false; // also "changed" and "not run", not only regressions and fixes
};
int diff_command(const diff_args& a);

// `wsspec baseline REPORT [-o FILE]`: the cases that did not pass, as a baseline file.
struct baseline_args {
    std::string report;
    std::string out; // empty: stdout
};
int baseline_command(const baseline_args& a);

struct list_args {
    bool json = false;
    bool quirks = false;
    std::string cases, exclude, case_dir;
    bool replace_builtin = false;
};
int list_command(const list_args& a);

struct serve_args {
    std::string host = "127.0.0.1";
    unsigned port = 9001;
    std::string tls_cert, tls_key;
    bool tls_self_signed = false;
    std::vector<std::string> quirks;
    unsigned ping_interval_ms = 0;
    bool deflate = false;
    bool verbose = false;
};
int serve_command(const serve_args& a, const std::atomic<bool>& stop);

// `wsspec serve-cases`: the catalog in the client's role over Autobahn's fuzzingserver
// protocol (harness/serve_cases/).
struct serve_cases_args {
    std::string spec;                // --spec fuzzingserver.json
    std::optional<std::string> host; // default: the spec's url, else 127.0.0.1
    std::optional<unsigned> port;    // default: the spec's url, else 9001
    std::string cases, exclude, case_dir;
    std::string out_dir;              // default: the spec's outdir, else ./reports/clients
    std::vector<std::string> formats; // default json,autobahn,html
    std::string tls_cert, tls_key;
    double timer_scale = 1.0;
    bool strict = false;
    bool wirelog = false;
    unsigned long long seed = 1;
    bool quiet = false;
    // `wsspec browser`: start headless Chromium on the page, wait for its reports, stop.
    bool browser = false;
    std::string agent;            // browser: the agent name the page uses
    double browser_timeout = 600; // seconds
};
int serve_cases_command(const serve_cases_args& a, const std::atomic<bool>& stop);

// `wsspec client URL`: the reference client running the fuzzingserver loop.
struct client_args {
    std::string url;
    std::string agent = "wsspec-reference-client";
    std::vector<std::string> quirks;
    unsigned long long seed = 1;
    bool deflate = false;
    bool no_update = false;
    bool quiet = false;
};
int client_command(const client_args& a);

struct fuzz_args {
    std::string url;  // empty: the built-in reference server, as a child process
    std::string exec; // with url: a shell command that (re)starts the server there
    std::vector<std::string> quirks;
    unsigned long long seed = 1;
    std::optional<unsigned long long> runs;
    std::optional<double> duration; // seconds; neither this nor runs: 60 s
    unsigned jobs = 4;
    double hang_timeout = 2.0;
    std::size_t max_steps = 8, max_payload = 4096;
    bool no_shrink = false;
    std::string out_dir = "wsspec-fuzz";
    transport::tls_client_options tls;
    bool quiet = false;
};
int fuzz_command(const fuzz_args& a, const std::atomic<bool>& interrupted);

// `wsspec load`: echo throughput and latency (harness/load/load_client.hpp).
struct load_args {
    std::string url; // empty: the built-in reference server, in this process
    unsigned connections = 4;
    unsigned threads = 0; // 0: one per core
    std::size_t size = 16;
    std::string type = "binary";
    std::optional<double> duration;             // seconds; neither this nor messages: 10 s
    std::optional<unsigned long long> messages; // total echoes
    double rate = 0;                            // messages/s over all connections; 0: no limit
    unsigned pipeline = 1;
    bool deflate = false; // --deflate
    double timeout = 10;  // seconds: opening handshake, each echo, closing handshake
    unsigned long long seed = 1;
    transport::tls_client_options tls;
    std::string out_dir; // writes load.json there
    bool json = false;   // JSON on stdout instead of the text summary
    bool quiet = false;
};
int load_command(const load_args& a, const std::atomic<bool>& interrupted);

} // namespace wsspec::cli
