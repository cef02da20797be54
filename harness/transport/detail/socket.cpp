#include "harness/transport/detail/socket.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>

#include <fmt/format.h>

namespace wsspec::transport::detail {

unique_fd& unique_fd::operator=(unique_fd&& o) noexcept {
    if (this != &o) reset(o.release());
    return *this;
}

int unique_fd::release() noexcept {
    const int fd = fd_;
    fd_ = -1;
    return fd;
}

void unique_fd::reset(int fd) noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
}

int poll_timeout(deadline dl) noexcept {
    if (dl == no_deadline) return -1;
    const auto left = dl - clock::now();
    if (left <= clock::duration::zero()) return 0;
    const auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
    // Capped so a far deadline cannot overflow int; callers loop until the deadline anyway.
    return static_cast<int>(std::min<long long>(ms, 60'000));
}

wait_status wait_fd(int fd, short events, deadline dl) noexcept {
    for (;;) {
        const int timeout_ms = poll_timeout(dl);
        pollfd p{fd, events, 0};
        const int n = ::poll(&p, 1, timeout_ms);
        if (n > 0) return wait_status::ready; // POLLERR/POLLHUP too: the next call reports it
        if (n < 0 && errno != EINTR) return wait_status::error;
        if (n == 0 && clock::now() >= dl) return wait_status::timeout;
    }
}

std::string errno_text(int err) {
    std::string s = std::strerror(err);
    // "Connection refused" -> "connection refused", but leave "I/O error" alone.
    if (s.size() >= 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'a' && s[1] <= 'z')
        s[0] = static_cast<char>(s[0] - 'A' + 'a');
    return s;
}

io_status classify_errno(int err) noexcept {
    return err == ECONNRESET || err == EPIPE ? io_status::reset : io_status::error;
}

bool set_nonblocking(int fd) noexcept {
    const int flags = ::fcntl(fd, F_GETFL, 0);
    return flags >= 0 && ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0;
}

void set_nodelay(int fd) noexcept {
    // Frames are small and their boundaries matter to some cases; Nagle would merge them.
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

void set_abortive_linger(int fd) noexcept {
    const linger l{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
}

std::string format_endpoint(const sockaddr* sa, socklen_t len) {
    char buf[INET6_ADDRSTRLEN] = {};
    if (sa->sa_family == AF_INET && len >= static_cast<socklen_t>(sizeof(sockaddr_in))) {
        sockaddr_in a{};
        std::memcpy(&a, sa, sizeof a);
        ::inet_ntop(AF_INET, &a.sin_addr, buf, sizeof buf);
        return fmt::format("{}:{}", buf, ntohs(a.sin_port));
    }
    if (sa->sa_family == AF_INET6 && len >= static_cast<socklen_t>(sizeof(sockaddr_in6))) {
        sockaddr_in6 a{};
        std::memcpy(&a, sa, sizeof a);
        ::inet_ntop(AF_INET6, &a.sin6_addr, buf, sizeof buf);
        return fmt::format("[{}]:{}", buf, ntohs(a.sin6_port));
    }
    return "?";
}

std::string peer_endpoint(int fd) {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    if (::getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return "?";
    return format_endpoint(reinterpret_cast<const sockaddr*>(&ss), len);
}

std::string local_endpoint(int fd) {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return "?";
    return format_endpoint(reinterpret_cast<const sockaddr*>(&ss), len);
}

void ignore_sigpipe_once() noexcept {
    // A function-local static is initialised exactly once, even with racing threads.
    static const bool done = [] {
        std::signal(SIGPIPE, SIG_IGN);
        return true;
    }();
    (void)done;
}

} // namespace wsspec::transport::detail
