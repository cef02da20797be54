#pragma once
// A non-blocking client socket, plain or TLS, for an event loop: every call returns at once and
// says whether it would block and on what (read or write readiness).
#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "codec/result.hpp"
#include "harness/transport/detail/openssl.hpp"
#include "harness/transport/detail/socket.hpp"
#include "harness/transport/tls_options.hpp"

namespace wsspec::load::detail {

// One address to connect to, chosen once for all connections.
struct endpoint {
    sockaddr_storage addr{};
    socklen_t len = 0;
    std::string text; // "127.0.0.1:9001", "[::1]:9001"
};

// Resolves host:port and returns the first address that accepts a TCP connection within
// `timeout_ms` (the probe connection is closed at once). Errors name host:port and the reason:
// "cannot connect to 127.0.0.1:1: connection refused".
result<endpoint> pick_endpoint(const std::string& host, std::uint16_t port, int timeout_ms);

// eof: FIN (or TLS close_notify); reset: ECONNRESET / EPIPE.
enum class io_status : std::uint8_t { ok, would_block, eof, reset, error };

struct io_result {
    io_status status = io_status::ok;
    std::size_t bytes = 0;
};

class nb_socket {
public:
    nb_socket() = default;

    // Starts connect() on a new non-blocking socket (TCP_NODELAY on). False with error() set
    // when it fails at once.
    bool start_connect(const endpoint& ep);
    // After the socket became writable: true when connected, else false with error() set.
    bool finish_connect();
    // Makes the connection TLS (client side, SNI and verification as the run command does);
    // the handshake then runs through handshake().
    bool attach_tls(SSL_CTX* ctx, const std::string& host, const transport::tls_client_options& o);
    // One step of the TLS handshake: ok when done, would_block (see wants_write()), or error.
    io_result handshake();

    io_result read(std::uint8_t* p, std::size_t n);
    io_result write(const std::uint8_t* p, std::size_t n);

    // The last would_block was waiting for write readiness (connect, TLS, a full send buffer).
    bool wants_write() const noexcept { return wants_write_; }
    const std::string& error() const noexcept { return error_; }
    int fd() const noexcept { return fd_.get(); }
    bool tls() const noexcept { return ssl_ != nullptr; }
    void close() noexcept;

private:
    enum class op : std::uint8_t { handshake, read, write };
    io_result tls_status(int rc, op what);
    io_result sys_error(int err, op what);
    void set_error(op what, const std::string& why);

    transport::detail::unique_fd fd_;
    transport::detail::ssl_ptr ssl_;
    std::string label_;
    std::string error_;
    bool wants_write_ = false;
};

} // namespace wsspec::load::detail
