#include <fmt/format.h>

#include "harness/cli/commands.hpp"
#include "harness/server/reference_server.hpp"

namespace wsspec::cli {

int serve_command(const serve_args& a, const std::atomic<bool>& stop) {
    server::server_options o;
    o.host = a.host;
    if (a.port > 65535) {
        fmt::print(stderr, "wsspec serve: --port {} is out of range\n", a.port);
        return exit_usage;
    }
    o.port = static_cast<std::uint16_t>(a.port);
    for (const auto& q : a.quirks) {
        auto parsed = server::parse_quirk_list(q);
        if (!parsed) {
            fmt::print(stderr, "wsspec serve: {}\n", parsed.error().message);
            return exit_usage;
        }
        o.quirks.insert(o.quirks.end(), parsed->begin(), parsed->end());
    }
    if (!a.tls_cert.empty() || !a.tls_key.empty()) {
        if (a.tls_cert.empty() || a.tls_key.empty()) {
            fmt::print(stderr, "wsspec serve: --tls-cert and --tls-key go together\n");
            return exit_usage;
        }
        transport::tls_server_options t;
        t.cert_file = a.tls_cert;
        t.key_file = a.tls_key;
        o.tls = t;
    }
    o.ping_interval = std::chrono::milliseconds(a.ping_interval_ms);
    if (a.deflate) o.deflate = server::echo_policy();
    if (a.verbose) o.log = [](const std::string& line) { fmt::print(stderr, "{}\n", line); };
    return server::serve_forever(o, stop);
}

} // namespace wsspec::cli
