#pragma once
// Server side: a listening TCP socket, optionally serving TLS (reference server, tests).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "codec/result.hpp"
#include "harness/transport/detail/openssl.hpp"
#include "harness/transport/detail/socket.hpp"
#include "harness/transport/stream.hpp"
#include "harness/transport/tls_options.hpp"

namespace wsspec::transport {

class listener {
public:
    // Binds and listens. `host` is an address or a name ("127.0.0.1", "::1", "localhost"); empty
    // or "::" means every address, IPv4 and IPv6 (dual stack), and "0.0.0.0" every IPv4 address.
    // port 0 picks an ephemeral port; see port(). With `tls`, every accepted stream speaks TLS.
    static result<listener> bind(const std::string& host, std::uint16_t port,
                                 const std::optional<tls_server_options>& tls = std::nullopt);

    listener(listener&&) noexcept;
    listener& operator=(listener&&) noexcept;
    ~listener();

    std::uint16_t port() const noexcept { return port_; }
    // "127.0.0.1:40123", "[::1]:40123".
    std::string local_address() const;
    bool is_tls() const noexcept { return ctx_ != nullptr; }

    // Waits up to `dl` for a connection. Returns an empty pointer when the deadline passes with
    // none, so a server loop can poll a stop flag; an error for a failed accept() or after
    // interrupt(). A TLS stream is returned before its handshake, which runs on the first
    // handshake()/read_some()/write_all() call, on the caller's connection thread, so a slow TLS
    // client never holds up the accept loop.
    result<std::unique_ptr<stream>> accept(deadline dl);

    // Wakes a blocked accept() from another thread; it and every later accept() return
    // "listener interrupted". Thread-safe; the only call that is.
    void interrupt() noexcept;

    // Stops listening. Not thread-safe with accept(): interrupt() first, join, then close().
    void close() noexcept;

private:
    listener() = default;

    detail::unique_fd fd_;
    detail::unique_fd wake_read_; // self-pipe for interrupt()
    detail::unique_fd wake_write_;
    detail::ssl_ctx_ptr ctx_;
    std::uint16_t port_ = 0;
};

} // namespace wsspec::transport
