#include "harness/transport/listener.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "harness/transport/endpoint.hpp"
#include "harness/transport/socket_stream.hpp"

namespace wsspec::transport {
namespace {

// socket + bind + listen on one address; the error text starts with the endpoint.
result<unique_fd> listen_on(const sockaddr* sa, socklen_t len, bool dual_stack) {
    const std::string where = format_endpoint(sa, len);
    unique_fd fd(::socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd.valid()) return make_error(fmt::format("{}: socket: {}", where, errno_text(errno)));
    const int one = 1;
    ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (sa->sa_family == AF_INET6) {
        const int v6only = dual_stack ? 0 : 1;
        ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only);
    }
    if (::bind(fd.get(), sa, len) != 0)
        return make_error(fmt::format("{}: {}", where, errno_text(errno)));
    if (::listen(fd.get(), SOMAXCONN) != 0)
        return make_error(fmt::format("{}: listen: {}", where, errno_text(errno)));
    return fd;
}

// Every address: "::" with IPV6_V6ONLY off, or 0.0.0.0 where IPv6 is unavailable.
result<unique_fd> listen_any(std::uint16_t port) {
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

// The first address of `host` that accepts the bind.
result<unique_fd> listen_host(const std::string& host, std::uint16_t port) {
    if (host.empty() || host == "::") return listen_any(port);
    auto endpoints = resolve(host, port, resolve_for::listen);
    if (!endpoints) return endpoints.error();
    std::vector<std::string> failures;
    for (const endpoint& ep : *endpoints) {
        auto fd = listen_on(ep.sa(), ep.len, false);
        if (fd) return fd;
        failures.push_back(fd.error().message);
    }
    if (failures.empty()) return make_error("no address");
    return make_error(fmt::format("{}", fmt::join(failures, "; ")));
}

} // namespace

result<listener> listener::bind(const std::string& host, std::uint16_t port,
                                const std::optional<tls_server_options>& tls) {
    listener l;
    if (tls) {
        auto ctx = tls_context::server(*tls);
        if (!ctx) return ctx.error();
        l.tls_ = std::move(ctx).value();
    }
    auto fd = listen_host(host, port);
    if (!fd)
        return make_error(
            fmt::format("cannot listen on {}: {}", host.empty() ? "*" : host, fd.error().message));
    l.fd_ = std::move(fd).value();

    int pipe_fds[2] = {-1, -1};
    if (::pipe2(pipe_fds, O_NONBLOCK | O_CLOEXEC) != 0)
        return make_error(fmt::format("pipe: {}", errno_text(errno)));
    l.wake_read_.reset(pipe_fds[0]);
    l.wake_write_.reset(pipe_fds[1]);
    l.port_ = local_port(l.fd_.get());
    return l;
}

listener::listener(listener&&) noexcept = default;
listener& listener::operator=(listener&&) noexcept = default;
listener::~listener() = default;

std::string listener::local_address() const {
    return transport::local_address(fd_.get());
}

wait_status listener::wait(deadline dl) noexcept {
    pollfd p[2] = {{fd_.get(), POLLIN, 0}, {wake_read_.get(), POLLIN, 0}};
    const wait_status s = wait_fds(p, dl);
    if (p[1].revents != 0) return wait_status::interrupted;
    return s;
}

result<socket> listener::try_accept() {
    for (;;) {
        unique_fd conn(::accept4(fd_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
        if (conn.valid()) return socket(std::move(conn));
        if (errno == EINTR) continue;
        // None pending, or the client gave up between poll() and accept().
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ECONNABORTED) return socket();
        return make_error(fmt::format("accept: {}", errno_text(errno)));
    }
}

result<std::unique_ptr<stream>> listener::accept(deadline dl) {
    for (;;) {
        if (!fd_.valid()) return make_error("accept on a closed listener");
        switch (wait(dl)) {
        case wait_status::ready: break;
        case wait_status::timeout: return std::unique_ptr<stream>();
        case wait_status::interrupted: return make_error("listener interrupted");
        case wait_status::error: return make_error(fmt::format("poll: {}", errno_text(errno)));
        }
        auto s = try_accept();
        if (!s) return s.error();
        if (!s->valid()) continue; // the client gave up: wait again
        if (tls_) {
            if (auto r = s->start_tls_server(*tls_); !r) return r.error();
        }
        return std::unique_ptr<stream>(std::make_unique<socket_stream>(std::move(s).value()));
    }
}

void listener::interrupt() noexcept {
    const char byte = 1;
    // A full pipe already holds a wake-up, so a failed write loses nothing.
    [[maybe_unused]] const auto n = ::write(wake_write_.get(), &byte, 1);
}

void listener::close() noexcept {
    fd_.reset();
    wake_read_.reset();
    wake_write_.reset();
}

} // namespace wsspec::transport
