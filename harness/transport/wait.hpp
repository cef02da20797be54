#pragma once
// Waiting for descriptors to become ready, with ppoll(), bounded by a deadline to the
// nanosecond: a case that waits 20 µs must not sleep a whole millisecond, as poll()'s timeout
// rounded up would.
#include <poll.h>
#include <time.h>

#include <cstdint>
#include <span>

#include "harness/transport/deadline.hpp"

namespace wsspec::transport {

// How long ppoll() waits until `dl`: no timespec (null) for no deadline, zero once it has
// passed; at most 60 s (callers loop until the deadline).
const timespec* poll_timeout(deadline dl, timespec& storage) noexcept;

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
