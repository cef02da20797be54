#pragma once
// A listening TCP socket, optionally serving TLS: the harness's one listener. The tests and
// `wsspec fuzz` take blocking streams from accept(); the reference server's acceptor takes
// non-blocking sockets from try_accept() for its event loops.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "codec/result.hpp"
#include "harness/transport/socket.hpp"
#include "harness/transport/stream.hpp"
#include "harness/transport/tls_context.hpp"
#include "harness/transport/tls_options.hpp"
#include "harness/transport/unique_fd.hpp"
#include "harness/transport/wait.hpp"

namespace wsspec::transport {

class listener {
public:
    // Binds and listens. `host` is an address or a name ("127.0.0.1", "::1", "localhost"); empty
    // or "::" means every address, IPv4 and IPv6 (dual stack), and "0.0.0.0" every IPv4 address.
    // port 0 picks an ephemeral port; see port(). With `tls`, every accepted stream speaks TLS.
    // Errors: "cannot listen on 127.0.0.1: 127.0.0.1:9001: address already in use".
    static result<listener> bind(const std::string& host, std::uint16_t port,
                                 const std::optional<tls_server_options>& tls = std::nullopt);

    listener(listener&&) noexcept;
    listener& operator=(listener&&) noexcept;
    ~listener();

    std::uint16_t port() const noexcept { return port_; }
    // "127.0.0.1:40123", "[::1]:40123".
    std::string local_address() const;
    bool is_tls() const noexcept { return tls_.has_value(); }

    // Waits up to `dl` for a connection to accept: ready, timeout, or interrupted (see
    // interrupt()); error when poll() fails, with errno set.
    wait_status wait(deadline dl) noexcept;

    // One pending connection, without waiting, as a plain socket (TLS is not started, whatever
    // bind() was given): an invalid socket when none is pending, or the client gave up in
    // between; an error for a real failure ("accept: too many open files").
    result<socket> try_accept();

    // Waits up to `dl` for a connection. Returns an empty pointer when the deadline passes with
    // none, so a server loop can poll a stop flag; an error for a failed accept() or after
    // interrupt(). A TLS stream is returned before its handshake, which runs on the first
    // handshake()/read_some()/write_all() call, on the caller's connection thread, so a slow TLS
    // client never holds up the accept loop.
    result<std::unique_ptr<stream>> accept(deadline dl);

    // Wakes a blocked wait() or accept() from another thread; they and every later one return
    // `interrupted` / "listener interrupted". Thread-safe; the only call that is.
    void interrupt() noexcept;

    // Stops listening. Not thread-safe with accept(): interrupt() first, join, then close().
    void close() noexcept;

private:
    listener() = default;

    unique_fd fd_;
    unique_fd wake_read_; // self-pipe for interrupt()
    unique_fd wake_write_;
    std::optional<tls_context> tls_;
    std::uint16_t port_ = 0;
};

} // namespace wsspec::transport
