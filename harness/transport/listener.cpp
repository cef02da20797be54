#include "harness/transport/listener.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "harness/transport/detail/tls_context.hpp"
#include "harness/transport/tcp_stream.hpp"
#include "harness/transport/tls_stream.hpp"

namespace wsspec::transport {
namespace {

// socket + bind + listen on one address; the error text starts with the endpoint.
result<detail::unique_fd> listen_on(const sockaddr* sa, socklen_t len, bool dual_stack) {
    const std::string where = detail::format_endpoint(sa, len);
    detail::unique_fd fd(::socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd.valid())
        return make_error(fmt::format("{}: socket: {}", where, detail::errno_text(errno)));
    const int one = 1;
    ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (sa->sa_family == AF_INET6) {
        const int v6only = dual_stack ? 0 : 1;
        ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only);
    }
    if (::bind(fd.get(), sa, len) != 0)
        return make_error(fmt::format("{}: {}", where, detail::errno_text(errno)));
    if (::listen(fd.get(), SOMAXCONN) != 0)
        return make_error(fmt::format("{}: listen: {}", where, detail::errno_text(errno)));
    return fd;
}

// Every address: "::" with IPV6_V6ONLY off, or 0.0.0.0 where IPv6 is unavailable.
result<detail::unique_fd> listen_any(std::uint16_t port) {
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

result<detail::unique_fd> listen_host(const std::string& host, std::uint16_t port) {
    if (host.empty() || host == "::") return listen_any(port);
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    addrinfo* list = nullptr;
    const std::string service = std::to_string(port);
    if (const int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &list); rc != 0)
        return make_error(fmt::format("cannot resolve '{}': {}", host, ::gai_strerror(rc)));

    std::vector<std::string> failures;
    result<detail::unique_fd> out = make_error("no address");
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

result<listener> listener::bind(const std::string& host, std::uint16_t port,
                                const std::optional<tls_server_options>& tls) {
    listener l;
    if (tls) {
        auto ctx = detail::make_server_context(*tls);
        if (!ctx) return ctx.error();
        l.ctx_ = std::move(ctx).value();
    }
    auto fd = listen_host(host, port);
    if (!fd)
        return make_error(
            fmt::format("cannot listen on {}: {}", host.empty() ? "*" : host, fd.error().message));
    l.fd_ = std::move(fd).value();

    int pipe_fds[2] = {-1, -1};
    if (::pipe2(pipe_fds, O_NONBLOCK | O_CLOEXEC) != 0)
        return make_error(fmt::format("pipe: {}", detail::errno_text(errno)));
    l.wake_read_.reset(pipe_fds[0]);
    l.wake_write_.reset(pipe_fds[1]);

    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    ::getsockname(l.fd_.get(), reinterpret_cast<sockaddr*>(&ss), &len);
    l.port_ = ss.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port)
                                       : ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
    return l;
}

listener::listener(listener&&) noexcept = default;
listener& listener::operator=(listener&&) noexcept = default;
listener::~listener() = default;

std::string listener::local_address() const {
    return detail::local_endpoint(fd_.get());
}

result<std::unique_ptr<stream>> listener::accept(deadline dl) {
    for (;;) {
        if (!fd_.valid()) return make_error("accept on a closed listener");
        pollfd p[2] = {{fd_.get(), POLLIN, 0}, {wake_read_.get(), POLLIN, 0}};
        const int n = ::poll(p, 2, detail::poll_timeout(dl));
        if (n < 0 && errno != EINTR)
            return make_error(fmt::format("poll: {}", detail::errno_text(errno)));
        if (p[1].revents != 0) return make_error("listener interrupted");
        if (n <= 0) {
            if (clock::now() >= dl) return std::unique_ptr<stream>();
            continue;
        }
        detail::unique_fd conn(
            ::accept4(fd_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
        if (!conn.valid()) {
            // The client may have given up between poll() and accept(): just wait again.
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ECONNABORTED || errno == EINTR)
                continue;
            return make_error(fmt::format("accept: {}", detail::errno_text(errno)));
        }
        if (!ctx_) return std::unique_ptr<stream>(std::make_unique<tcp_stream>(std::move(conn)));
        auto s = tls_stream::make_server(std::move(conn), ctx_.get());
        if (!s) return s.error();
        return std::unique_ptr<stream>(std::move(s).value());
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
