#include "harness/transport/connect.hpp"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>

#include <sys/stat.h>

#include <cerrno>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "harness/transport/detail/socket.hpp"
#include "harness/transport/detail/tls_context.hpp"
#include "harness/transport/tcp_stream.hpp"
#include "harness/transport/tls_stream.hpp"

namespace wsspec::transport {
namespace {

struct addrinfo_deleter {
    void operator()(addrinfo* p) const noexcept { ::freeaddrinfo(p); }
};
using addrinfo_ptr = std::unique_ptr<addrinfo, addrinfo_deleter>;

result<addrinfo_ptr> resolve(const std::string& host, std::uint16_t port) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    // No AI_ADDRCONFIG: it hides ::1 on hosts whose only IPv6 address is loopback.
    hints.ai_flags = AI_NUMERICSERV | (is_ip_literal(host) ? AI_NUMERICHOST : 0);
    addrinfo* list = nullptr;
    const std::string service = std::to_string(port);
    const int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &list);
    if (rc != 0) {
        const std::string why = rc == EAI_SYSTEM ? detail::errno_text(errno) : ::gai_strerror(rc);
        return make_error(fmt::format("cannot resolve '{}': {}", host, why));
    }
    return addrinfo_ptr(list);
}

// One non-blocking connect() to one address; the error text starts with the endpoint.
result<detail::unique_fd> try_address(const addrinfo& ai, deadline dl) {
    const std::string where = detail::format_endpoint(ai.ai_addr, ai.ai_addrlen);
    detail::unique_fd fd(
        ::socket(ai.ai_family, ai.ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai.ai_protocol));
    if (!fd.valid())
        return make_error(fmt::format("{}: socket: {}", where, detail::errno_text(errno)));

    if (::connect(fd.get(), ai.ai_addr, ai.ai_addrlen) == 0) return fd;
    if (errno != EINPROGRESS && errno != EINTR)
        return make_error(fmt::format("{}: {}", where, detail::errno_text(errno)));

    switch (detail::wait_fd(fd.get(), POLLOUT, dl)) {
    case detail::wait_status::ready: break;
    case detail::wait_status::timeout: return make_error(fmt::format("{}: timed out", where));
    case detail::wait_status::error:
        return make_error(fmt::format("{}: poll: {}", where, detail::errno_text(errno)));
    }
    int err = 0;
    socklen_t len = sizeof err;
    if (::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
    if (err != 0) return make_error(fmt::format("{}: {}", where, detail::errno_text(err)));
    return fd;
}

result<detail::unique_fd> open_tcp(const std::string& host, std::uint16_t port, deadline dl) {
    auto list = resolve(host, port);
    if (!list) return list.error();

    std::vector<std::string> failures;
    for (const addrinfo* ai = list->get(); ai != nullptr; ai = ai->ai_next) {
        auto fd = try_address(*ai, dl);
        if (fd) return std::move(fd).value();
        failures.push_back(fd.error().message);
        if (clock::now() >= dl) break; // the remaining addresses would time out at once
    }
    if (failures.size() == 1) return make_error("connect to " + failures.front());
    return make_error(
        fmt::format("connect to {}:{} failed: {}", host, port, fmt::join(failures, "; ")));
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
// the catalog five times slower than a ws one. SSL_new takes its own reference to the context.
result<std::shared_ptr<SSL_CTX>> client_context(const tls_client_options& tls) {
    static std::mutex m;
    static std::map<std::string, std::shared_ptr<SSL_CTX>> cache;
    std::string key = fmt::format("{}/{}/{}/{}", tls.insecure, file_identity(tls.cacert),
                                  file_identity(tls.cert), file_identity(tls.key));
    std::lock_guard lock(m);
    if (auto it = cache.find(key); it != cache.end()) return it->second;
    auto ctx = detail::make_client_context(tls);
    if (!ctx) return ctx.error();
    std::shared_ptr<SSL_CTX> shared(ctx->release(), SSL_CTX_free);
    cache.emplace(key, shared);
    return shared;
}

} // namespace

result<std::unique_ptr<stream>> connect_tcp(const std::string& host, std::uint16_t port,
                                            deadline dl) {
    auto fd = open_tcp(host, port, dl);
    if (!fd) return fd.error();
    return std::unique_ptr<stream>(std::make_unique<tcp_stream>(std::move(fd).value()));
}

result<std::unique_ptr<stream>> connect(const url& u, const tls_client_options& tls, deadline dl) {
    if (!u.secure()) return connect_tcp(u.host, u.port, dl);

    // Build the context first: a bad --cacert should not cost a connection attempt.
    auto ctx = client_context(tls);
    if (!ctx) return ctx.error();
    auto fd = open_tcp(u.host, u.port, dl);
    if (!fd) return fd.error();

    auto s = tls_stream::make_client(std::move(fd).value(), ctx->get(), u.host, tls, u.authority());
    if (!s) return s.error();
    if (io_result r = (*s)->handshake(dl); !r.ok()) {
        (*s)->close();
        return make_error(std::move(r.message));
    }
    return std::unique_ptr<stream>(std::move(s).value());
}

} // namespace wsspec::transport
