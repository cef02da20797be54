#pragma once
// POSIX socket plumbing shared by the TCP and TLS streams, connect() and the listener. All
// sockets here are non-blocking; waiting is done with poll() against a deadline.
#include <sys/socket.h>

#include <string>

#include "harness/transport/stream.hpp"

namespace wsspec::transport::detail {

// Owns one file descriptor.
class unique_fd {
public:
    unique_fd() = default;
    explicit unique_fd(int fd) noexcept : fd_(fd) {}
    unique_fd(unique_fd&& o) noexcept : fd_(o.release()) {}
    unique_fd& operator=(unique_fd&& o) noexcept;
    unique_fd(const unique_fd&) = delete;
    unique_fd& operator=(const unique_fd&) = delete;
    ~unique_fd() { reset(); }

    int get() const noexcept { return fd_; }
    bool valid() const noexcept { return fd_ >= 0; }
    int release() noexcept;
    void reset(int fd = -1) noexcept;

private:
    int fd_ = -1;
};

// Milliseconds for poll() to wait until `dl`: -1 for no deadline, 0 once it has passed, rounded up
// so poll() never wakes just before the deadline.
int poll_timeout(deadline dl) noexcept;

enum class wait_status { ready, timeout, error };

// Waits until `fd` reports one of `events` (POLLIN / POLLOUT), an error or a hang-up, or the
// deadline passes. Retries on EINTR. `error` leaves errno set.
wait_status wait_fd(int fd, short events, deadline dl) noexcept;

// strerror() text, starting lower case so it reads well after a colon.
std::string errno_text(int err);

// Maps an errno from send()/recv() to a status: ECONNRESET and EPIPE are `reset`.
io_status classify_errno(int err) noexcept;

bool set_nonblocking(int fd) noexcept;
void set_nodelay(int fd) noexcept;

// SO_LINGER {1, 0}: the next close() sends RST instead of FIN.
void set_abortive_linger(int fd) noexcept;

// "1.2.3.4:80" or "[::1]:80"; "?" for an unknown family.
std::string format_endpoint(const sockaddr* sa, socklen_t len);
std::string peer_endpoint(int fd);
std::string local_endpoint(int fd);

// OpenSSL writes with plain send()/write(), so a peer that went away would raise SIGPIPE and kill
// the process. The library therefore sets SIGPIPE to SIG_IGN, once, process-wide, the first time a
// TLS stream is made. Plain TCP uses MSG_NOSIGNAL and needs nothing.
void ignore_sigpipe_once() noexcept;

} // namespace wsspec::transport::detail
