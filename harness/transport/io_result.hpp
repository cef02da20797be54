#pragma once
// How one I/O call ended, for every layer of the harness: the blocking streams of the case
// engine, and the non-blocking sockets under them and under the reference server's and the load
// tool's event loops.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace wsspec::transport {

// `closed` and `reset` are data for a verdict (RFC 6455 §7.1.1 wants the server to close TCP
// first and cleanly), so they are kept apart from harness-side `error`s. `would_block` (the
// socket has nothing to give or no room, now) and `timeout` (a deadline passed while waiting)
// are different answers: only the blocking streams wait, so only they time out.
enum class io_status : std::uint8_t {
    ok,
    would_block, // non-blocking socket: try again once poll/epoll reports it ready
    timeout,     // the deadline passed first; `bytes` says how much was done before it
    closed, // the peer sent FIN (clean EOF); for TLS: close_notify, or EOF without it (see message)
    reset,  // ECONNRESET / EPIPE: the peer aborted with RST, or the connection is gone
    error,  // anything else, including use after close(); `message` says what
};

std::string_view to_string(io_status s) noexcept;

// The status for an errno from send()/recv(): ECONNRESET and EPIPE are `reset`, the rest `error`.
io_status status_of_errno(int err) noexcept;

// strerror() text, starting lower case so it reads well after a colon.
std::string errno_text(int err);

struct io_result {
    io_status status = io_status::ok;
    std::size_t bytes = 0; // bytes read, or bytes written before the call ended
    std::string message;   // empty when status is ok or would_block

    bool ok() const noexcept { return status == io_status::ok; }
};

} // namespace wsspec::transport
