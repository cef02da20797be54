#pragma once
// A byte stream to or from the peer under test, plain TCP or TLS. Every call that can wait takes
// a deadline: a conformance harness must never hang on a silent peer, and a peer that goes quiet
// is itself an observation (Autobahn reports it as a timeout, not as a harness failure).
//
// Deadline rule for every call here (deadline.hpp): the deadline bounds *waiting*. Work that can
// complete without waiting (bytes already received, room in the socket send buffer) is done even
// if the deadline has already passed, so a deadline in the past means "poll once". Calls end in
// `timeout` at the deadline, never in `would_block`.
//
// A stream is not thread-safe: one thread at a time (the harness runs each case on its own thread).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "harness/transport/deadline.hpp"
#include "harness/transport/io_result.hpp"

namespace wsspec::transport {

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
