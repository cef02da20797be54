#include <fmt/format.h>

#include "harness/cli/commands.hpp"
#include "harness/server/reference_client.hpp"

namespace wsspec::cli {

int client_command(const client_args& a) {
    server::client_options o;
    auto u = transport::parse_url(a.url);
    if (!u) {
        fmt::print(stderr, "wsspec client: URL '{}': {}\n", a.url, u.error().message);
        return exit_usage;
    }
    if (u->secure()) {
        fmt::print(stderr, "wsspec client: the reference client speaks ws:// only\n");
        return exit_usage;
    }
    o.server = *u;
    o.agent = a.agent;
    o.seed = a.seed;
    o.deflate = a.deflate;
    o.update_reports = !a.no_update;
    for (const auto& q : a.quirks) {
        auto parsed = server::parse_quirk_list(q, server::quirk_role::client);
        if (!parsed) {
            fmt::print(stderr, "wsspec client: {}\n", parsed.error().message);
            return exit_usage;
        }
        o.quirks.insert(o.quirks.end(), parsed->begin(), parsed->end());
    }
    if (!a.quiet) {
        o.log = [](const std::string& line) { fmt::print(stderr, "{}\n", line); };
        o.on_case = [](unsigned n, unsigned count) {
            if (n == count || n % 50 == 0) fmt::print(stderr, "case {} of {}\n", n, count);
        };
    }
    auto r = server::run_client_loop(o);
    if (!r) {
        fmt::print(stderr, "wsspec client: {}\n", r.error().message);
        return exit_unreachable;
    }
    fmt::print(stdout, "{} case(s) run as agent {}\n", r->cases_run, a.agent);
    return exit_ok;
}

} // namespace wsspec::cli
