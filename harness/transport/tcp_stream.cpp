#include "harness/transport/tcp_stream.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>

#include <fmt/format.h>

namespace wsspec::transport {

tcp_stream::tcp_stream(detail::unique_fd fd)
    : fd_(std::move(fd)), peer_(detail::peer_endpoint(fd_.get())) {
    detail::set_nonblocking(fd_.get());
    detail::set_nodelay(fd_.get());
}

io_result tcp_stream::handshake(deadline) {
    return {};
}

io_result tcp_stream::read_some(std::span<std::uint8_t> buf, deadline dl) {
    if (!fd_.valid()) return {io_status::error, 0, "read on a closed stream"};
    if (buf.empty()) return {};
    for (;;) {
        const ssize_t n = ::recv(fd_.get(), buf.data(), buf.size(), 0);
        if (n > 0) return {io_status::ok, static_cast<std::size_t>(n), {}};
        if (n == 0) return {io_status::closed, 0, fmt::format("{} closed the connection", peer_)};
        const int err = errno;
        if (err == EINTR) continue;
        if (err != EAGAIN && err != EWOULDBLOCK)
            return {detail::classify_errno(err), 0,
                    fmt::format("read from {}: {}", peer_, detail::errno_text(err))};
        switch (detail::wait_fd(fd_.get(), POLLIN, dl)) {
        case detail::wait_status::ready: break;
        case detail::wait_status::timeout: return {io_status::timeout, 0, "read timed out"};
        case detail::wait_status::error:
            return {io_status::error, 0, fmt::format("poll: {}", detail::errno_text(errno))};
        }
    }
}

io_result tcp_stream::write_all(std::span<const std::uint8_t> data, deadline dl) {
    if (!fd_.valid()) return {io_status::error, 0, "write on a closed stream"};
    if (write_shut_) return {io_status::error, 0, "write after shutdown_write()"};
    std::size_t done = 0;
    while (done < data.size()) {
        // MSG_NOSIGNAL: a vanished peer is an EPIPE to report, not a SIGPIPE to die of.
        const ssize_t n = ::send(fd_.get(), data.data() + done, data.size() - done, MSG_NOSIGNAL);
        if (n >= 0) {
            done += static_cast<std::size_t>(n);
            continue;
        }
        const int err = errno;
        if (err == EINTR) continue;
        if (err != EAGAIN && err != EWOULDBLOCK)
            return {detail::classify_errno(err), done,
                    fmt::format("write to {}: {}", peer_, detail::errno_text(err))};
        switch (detail::wait_fd(fd_.get(), POLLOUT, dl)) {
        case detail::wait_status::ready: break;
        case detail::wait_status::timeout:
            return {io_status::timeout, done,
                    fmt::format("write timed out after {} of {} bytes", done, data.size())};
        case detail::wait_status::error:
            return {io_status::error, done, fmt::format("poll: {}", detail::errno_text(errno))};
        }
    }
    return {io_status::ok, done, {}};
}

void tcp_stream::shutdown_write() {
    if (!fd_.valid()) return;
    write_shut_ = true;
    ::shutdown(fd_.get(), SHUT_WR);
}

void tcp_stream::close() {
    fd_.reset();
}

void tcp_stream::abort() {
    if (!fd_.valid()) return;
    detail::set_abortive_linger(fd_.get());
    fd_.reset();
}

} // namespace wsspec::transport
