#pragma once
// An accepted connection for the reference server's event loops: a non-blocking socket, plain
// or TLS, whose calls return at once and say whether they would block. For TLS the handshake
// runs inside the first reads, as the accepting side of OpenSSL allows.
#include <cstddef>
#include <cstdint>
#include <string>

#include "harness/transport/detail/openssl.hpp"
#include "harness/transport/detail/socket.hpp"
#include "harness/transport/stream.hpp"

namespace wsspec::server::detail {

struct io_result {
    // ok; timeout stands for "would block"; closed (FIN, close_notify); reset; error.
    transport::io_status status = transport::io_status::ok;
    std::size_t bytes = 0;
};

class server_socket {
public:
    // `ctx` null: plain TCP. Sets TCP_NODELAY.
    server_socket(transport::detail::unique_fd fd, SSL_CTX* ctx);
    server_socket(server_socket&&) noexcept = default;
    server_socket& operator=(server_socket&&) noexcept = default;
    ~server_socket() { close(); }

    io_result read(std::uint8_t* p, std::size_t n);
    io_result write(const std::uint8_t* p, std::size_t n);
    // TLS: decrypted bytes wait in OpenSSL, which epoll cannot see.
    bool has_pending() const noexcept;
    // The last call that would block was waiting to write (a full send buffer, or TLS).
    bool wants_write() const noexcept { return wants_write_; }

    // FIN (TLS: close_notify first, best effort). Reading stays possible.
    void shutdown_write() noexcept;
    // Orderly close (TLS: close_notify unless the session failed).
    void close() noexcept;
    // SO_LINGER {1, 0}, then close: the peer sees RST.
    void abort() noexcept;

    int fd() const noexcept { return fd_.get(); }
    bool valid() const noexcept { return fd_.valid(); }
    const std::string& peer() const noexcept { return peer_; }
    // What the last `error` was about: "read from 127.0.0.1:5000: ...".
    const std::string& error() const noexcept { return error_; }

private:
    enum class op : std::uint8_t { read, write };
    io_result sys_error(int err, op what);
    io_result tls_error(int rc, op what);
    void send_close_notify() noexcept;

    transport::detail::unique_fd fd_;
    transport::detail::ssl_ptr ssl_;
    std::string peer_;
    std::string error_;
    bool wants_write_ = false;
    bool fatal_ = false; // OpenSSL forbids SSL_shutdown after a fatal error
    bool write_shut_ = false;
};

} // namespace wsspec::server::detail
