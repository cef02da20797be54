#include "harness/server/detail/listen_socket.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace wsspec::server::detail {
namespace {

namespace td = transport::detail;

// socket + bind + listen on one address; the error text starts with the endpoint.
result<td::unique_fd> listen_on(const sockaddr* sa, socklen_t len, bool dual_stack) {
    const std::string where = td::format_endpoint(sa, len);
    td::unique_fd fd(::socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd.valid()) return make_error(fmt::format("{}: socket: {}", where, td::errno_text(errno)));
    const int one = 1;
    ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (sa->sa_family == AF_INET6) {
        const int v6only = dual_stack ? 0 : 1;
        ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only);
    }
    if (::bind(fd.get(), sa, len) != 0)
        return make_error(fmt::format("{}: {}", where, td::errno_text(errno)));
    if (::listen(fd.get(), SOMAXCONN) != 0)
        return make_error(fmt::format("{}: listen: {}", where, td::errno_text(errno)));
    return fd;
}

// Every address: "::" with IPV6_V6ONLY off, or 0.0.0.0 where IPv6 is unavailable.
result<td::unique_fd> listen_any(std::uint16_t port) {
    sockaddr_in6 v6{};
    v6.sin6_family = AF_INET6;
    v6.sin6_addr = in6addr_any;
    v6.sin6_port = htons(port);
    auto fd = listen_on(reinterpret_cast<const sockaddr*>(&v6), sizeof v6, true);
    if (fd) return fd;
    sockaddr_in v4{};
    v4.sin_family = AF_INET;
    v4.sin_addr.s_addr = htonl(INADDR_ANY);
    v4.sin_port = htons(port);
    auto fd4 = listen_on(reinterpret_cast<const sockaddr*>(&v4), sizeof v4, false);
    if (fd4) return fd4;
    return make_error(fmt::format("{}; {}", fd.error().message, fd4.error().message));
}

result<td::unique_fd> listen_host(const std::string& host, std::uint16_t port) {
    if (host.empty() || host == "::") return listen_any(port);
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    addrinfo* list = nullptr;
    if (const int rc = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &list);
        rc != 0)
        return make_error(fmt::format("cannot resolve '{}': {}", host, ::gai_strerror(rc)));
    std::vector<std::string> failures;
    result<td::unique_fd> out = make_error("no address");
    for (const addrinfo* ai = list; ai != nullptr; ai = ai->ai_next) {
        out = listen_on(ai->ai_addr, ai->ai_addrlen, false);
        if (out) break;
        failures.push_back(out.error().message);
    }
    ::freeaddrinfo(list);
    if (out) return out;
    return make_error(fmt::format("{}", fmt::join(failures, "; ")));
}

} // namespace

result<listen_socket> listen_socket::bind(const std::string& host, std::uint16_t port) {
    auto fd = listen_host(host, port);
    if (!fd)
        return make_error(
            fmt::format("cannot listen on {}: {}", host.empty() ? "*" : host, fd.error().message));
    listen_socket l;
    l.fd_ = std::move(fd).value();
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    ::getsockname(l.fd_.get(), reinterpret_cast<sockaddr*>(&ss), &len);
    l.port_ = ss.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port)
                                       : ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
    return l;
}

std::string listen_socket::local_address() const {
    return td::local_endpoint(fd_.get());
}

td::unique_fd listen_socket::accept(std::string& error) {
    for (;;) {
        td::unique_fd conn(::accept4(fd_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
        if (conn.valid()) return conn;
        if (errno == EINTR) continue;
        // None pending, or the client gave up between poll() and accept().
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != ECONNABORTED)
            error = fmt::format("accept: {}", td::errno_text(errno));
        return {};
    }
}

} // namespace wsspec::server::detail
