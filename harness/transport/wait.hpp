#pragma once
// Waiting for descriptors to become ready, with poll(), bounded by a deadline.
#include <poll.h>

#include <cstdint>
#include <span>

#include "harness/transport/deadline.hpp"

namespace wsspec::transport {

// Milliseconds for poll() to wait until `dl`: -1 for no deadline, 0 once it has passed, rounded up
// so poll() never wakes just before the deadline.
int poll_timeout(deadline dl) noexcept;

enum class wait_status : std::uint8_t {
    ready,       // an awaited event, an error or a hang-up: the next call reports which
    timeout,     // the deadline passed first
    interrupted, // listener::interrupt() was called
    error,       // poll() failed; errno says why
};

// Waits until one of `fds` reports one of its events (POLLIN / POLLOUT), an error or a hang-up,
// or the deadline passes; their revents say which. Retries on EINTR. Never `interrupted`.
wait_status wait_fds(std::span<pollfd> fds, deadline dl) noexcept;

// The same for one descriptor.
wait_status wait_fd(int fd, short events, deadline dl) noexcept;

} // namespace wsspec::transport
