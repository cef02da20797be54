#pragma once
// A byte stream to or from the peer under test, plain TCP or TLS. Every call that can wait takes
// a deadline: a conformance harness must never hang on a silent peer, and a peer that goes quiet
// is itself an observation (Autobahn reports it as a timeout, not as a harness failure).
//
// Deadline rule for every call here: the deadline bounds *waiting*. Work that can complete without
// waiting (bytes already received, room in the socket send buffer) is done even if the deadline
// has already passed, so a deadline in the past means "poll once".
//
// A stream is not thread-safe: one thread at a time (the harness runs each case on its own thread).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace wsspec::transport {

using clock = std::chrono::steady_clock;
using deadline = clock::time_point;

// No deadline at all; poll() then waits without a timeout.
inline constexpr deadline no_deadline = deadline::max();

inline deadline deadline_after(clock::duration d) {
    return clock::now() + d;
}

// How an I/O call ended. `closed` and `reset` are data for a verdict (RFC 6455 §7.1.1 wants the
// server to close TCP first and cleanly), so they are kept apart from harness-side `error`s.
enum class io_status : std::uint8_t {
    ok,
    timeout, // the deadline passed first; `bytes` says how much was done before it
    closed, // the peer sent FIN (clean EOF); for TLS: close_notify, or EOF without it (see message)
    reset,  // ECONNRESET / EPIPE: the peer aborted with RST, or the connection is gone
    error,  // anything else, including use after close(); `message` says what
};

std::string_view to_string(io_status s) noexcept;

struct io_result {
    io_status status = io_status::ok;
    std::size_t bytes = 0; // bytes read, or bytes written before the call ended
    std::string message;   // empty when status == ok

    bool ok() const noexcept { return status == io_status::ok; }
};

class stream {
public:
    stream() = default;
    stream(const stream&) = delete;
    stream& operator=(const stream&) = delete;
    virtual ~stream();

    // Completes any transport handshake (TLS); a no-op for TCP. Streams returned by
    // listener::accept() run the TLS handshake lazily: on the first call of handshake(),
    // read_some() or write_all(), whichever comes first, under that call's deadline.
    virtual io_result handshake(deadline dl) = 0;

    // Waits up to `dl` for at least one byte and returns what is available (at most buf.size()).
    virtual io_result read_some(std::span<std::uint8_t> buf, deadline dl) = 0;

    // Writes everything, or stops at the deadline / first error with `bytes` written so far.
    virtual io_result write_all(std::span<const std::uint8_t> data, deadline dl) = 0;

    // Half-close: FIN (TLS: close_notify, then FIN). Reading stays possible.
    virtual void shutdown_write() = 0;

    // Orderly close (TLS: close_notify first, unless the session already failed). Note that the
    // kernel answers with RST instead of FIN if received data is still unread (RFC 2525 §2.17);
    // drain first when a clean close matters.
    virtual void close() = 0;

    // Abortive close: SO_LINGER {1, 0} then close, so the peer sees RST.
    virtual void abort() = 0;

    // "127.0.0.1:9001" or "[::1]:9001".
    virtual std::string describe_peer() const = 0;
    virtual bool is_tls() const = 0;
};

// Writes `data` in pieces of `chop` bytes and sleeps `pause` after each piece except the last
// (Autobahn "chopsize"), so the peer's parser sees frames split at arbitrary points. chop == 0
// writes everything at once. The pauses count against the deadline: a pause that would end past
// it ends at the deadline and the call returns `timeout`.
io_result write_chopped(stream& s, std::span<const std::uint8_t> data, std::size_t chop,
                        std::chrono::microseconds pause, deadline dl);

} // namespace wsspec::transport
