#include "harness/transport/connect.hpp"

#include <sys/stat.h>

#include <map>
#include <mutex>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "harness/transport/endpoint.hpp"
#include "harness/transport/socket.hpp"
#include "harness/transport/socket_stream.hpp"
#include "harness/transport/tls_context.hpp"

namespace wsspec::transport {
namespace {

// Tries each address in turn until one connects; the whole attempt shares `dl`.
result<socket> open_tcp(const std::string& host, std::uint16_t port, deadline dl) {
    auto endpoints = resolve(host, port);
    if (!endpoints) return endpoints.error();

    std::vector<std::string> failures;
    error_kind last = error_kind::other;
    for (const endpoint& ep : *endpoints) {
        auto s = socket::connect(ep, dl);
        if (s) return s;
        failures.push_back(s.error().message);
        last = s.error().kind;
        if (clock::now() >= dl) break; // the remaining addresses would time out at once
    }
    if (failures.size() == 1) return make_error("connect to " + failures.front(), last);
    return make_error(
        fmt::format("connect to {}:{} failed: {}", host, port, fmt::join(failures, "; ")), last);
}

// What a file is now, so that a context built from it is not reused once it changes.
std::string file_identity(const std::string& path) {
    if (path.empty()) return "-";
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return path + "|?";
    return fmt::format("{}|{}|{}.{}", path, st.st_size, st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
}

// One client context per distinct set of options, kept for the life of the process: building
// one loads the system CA store (tens of milliseconds), which per connection made a wss run of
// the catalog five times slower than a ws one.
result<tls_context> client_context(const tls_client_options& tls) {
    static std::mutex m;
    static std::map<std::string, tls_context> cache;
    std::string key = fmt::format("{}/{}/{}/{}", tls.insecure, file_identity(tls.cacert),
                                  file_identity(tls.cert), file_identity(tls.key));
    std::lock_guard lock(m);
    if (auto it = cache.find(key); it != cache.end()) return it->second;
    auto ctx = tls_context::client(tls);
    if (!ctx) return ctx.error();
    cache.emplace(key, *ctx);
    return ctx;
}

} // namespace

result<std::unique_ptr<stream>> connect_tcp(const std::string& host, std::uint16_t port,
                                            deadline dl) {
    auto s = open_tcp(host, port, dl);
    if (!s) return s.error();
    return std::unique_ptr<stream>(std::make_unique<socket_stream>(std::move(s).value()));
}

bool accepts_tcp(const std::string& host, std::uint16_t port, deadline dl) {
    auto s = connect_tcp(host, port, dl);
    if (!s) return s.error().kind == error_kind::reset;
    (*s)->close();
    return true;
}

result<std::unique_ptr<stream>> connect(const url& u, const tls_client_options& tls, deadline dl) {
    if (!u.secure()) return connect_tcp(u.host, u.port, dl);

    // Build the context first: a bad --cacert should not cost a connection attempt.
    auto ctx = client_context(tls);
    if (!ctx) return ctx.error();
    auto s = open_tcp(u.host, u.port, dl);
    if (!s) return s.error();
    if (auto r = s->start_tls_client(*ctx, u.host, tls, u.authority()); !r) return r.error();

    auto out = std::make_unique<socket_stream>(std::move(s).value());
    if (io_result r = out->handshake(dl); !r.ok()) {
        out->close();
        return make_error(std::move(r.message),
                          r.status == io_status::reset ? error_kind::reset : error_kind::tls);
    }
    return std::unique_ptr<stream>(std::move(out));
}

} // namespace wsspec::transport
