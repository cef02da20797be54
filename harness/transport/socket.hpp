#pragma once
// The harness's one socket: a connected TCP socket, plain or TLS (OpenSSL), non-blocking, whose
// calls never wait. Every part of the harness sits on it: the case engine's blocking streams
// (socket_stream waits with wait() between calls) and the event loops of the reference server
// and the load tool (which register fd() with epoll).
//
// A call that cannot go on now returns io_status::would_block, and wants_write() says which
// readiness to wait for: a full send buffer wants POLLOUT, and TLS may have to write in order to
// read (a handshake message) or read in order to write.
//
// Messages name the peer: "read from 127.0.0.1:9001: connection reset by peer".
#include <openssl/types.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "codec/result.hpp"
#include "harness/transport/deadline.hpp"
#include "harness/transport/endpoint.hpp"
#include "harness/transport/io_result.hpp"
#include "harness/transport/tls_context.hpp"
#include "harness/transport/tls_options.hpp"
#include "harness/transport/unique_fd.hpp"
#include "harness/transport/wait.hpp"

namespace wsspec::transport {

class socket {
public:
    socket() = default; // no connection: valid() is false
    // Adopts a connected descriptor (from accept(), or a connect() that is done or under way):
    // makes it non-blocking and sets TCP_NODELAY.
    explicit socket(unique_fd fd);
    socket(socket&&) noexcept;
    socket& operator=(socket&&) noexcept;
    ~socket(); // close()

    // Starts connect() to `ep` without waiting. Once fd() is writable, finish_connect() says how
    // it went. Errors start with the endpoint: "127.0.0.1:9: connection refused".
    static result<socket> start_connect(const endpoint& ep);
    result<void> finish_connect();
    // start_connect(), then waits up to `dl`: "127.0.0.1:9: timed out".
    static result<socket> connect(const endpoint& ep, deadline dl);

    // Makes the connection TLS, client side: SNI and, unless opts.insecure, the name or IP the
    // certificate must match. `label` names the server in handshake errors ("host:port"; empty:
    // the peer address). The handshake runs in handshake() or, implicitly, in read()/write().
    result<void> start_tls_client(const tls_context& ctx, const std::string& host,
                                  const tls_client_options& opts, std::string label);
    // Server side; the handshake runs in handshake() or, implicitly, in read()/write().
    result<void> start_tls_server(const tls_context& ctx);

    // One step of the TLS handshake: ok once it is complete (at once for plain TCP), else
    // would_block or how it failed: "TLS handshake with localhost:9443 failed: ...".
    io_result handshake();
    io_result read(std::span<std::uint8_t> buf);
    io_result write(std::span<const std::uint8_t> data);

    // The last would_block waits for write readiness (connect, a full send buffer, or TLS).
    bool wants_write() const noexcept { return wants_write_; }
    // TLS: decrypted bytes wait inside OpenSSL, where poll() and epoll cannot see them.
    bool has_pending() const noexcept;
    // Waits for what the last would_block wanted, an error or a hang-up, or the deadline.
    wait_status wait(deadline dl) const noexcept;

    // TLS close_notify, at most once and only after a handshake that did not fail (OpenSSL forbids
    // it after a fatal error); waits up to `dl` for room to send it. A no-op for plain TCP.
    void send_close_notify(deadline dl) noexcept;
    // close_notify (without waiting), then FIN. Reading stays possible.
    void shutdown_write() noexcept;
    // close_notify (without waiting), then close. The kernel answers with RST instead of FIN if
    // received data is still unread (RFC 2525 §2.17): drain first when a clean close matters.
    void close() noexcept;
    // Abortive close: SO_LINGER {1, 0}, then close, so the peer sees RST.
    void abort() noexcept;

    int fd() const noexcept { return fd_.get(); }
    bool valid() const noexcept { return fd_.valid(); }
    bool is_tls() const noexcept { return ssl_ != nullptr; }
    // "127.0.0.1:9001" or "[::1]:9001".
    const std::string& peer() const noexcept { return peer_; }
    // What TLS handshake errors call the peer: the client's label, else peer().
    const std::string& tls_label() const noexcept { return label_; }
    // The negotiated protocol, e.g. "TLSv1.3"; empty before the handshake and for plain TCP.
    std::string protocol_version() const;

private:
    struct ssl_free {
        void operator()(SSL* ssl) const noexcept;
    };
    enum class op : std::uint8_t { handshake, read, write };

    result<void> attach_tls(const tls_context& ctx);
    template <class Call>
    io_result tls_call(op what, Call call);
    io_result tls_failure(int rc, op what);
    io_result sys_failure(int err, op what);
    io_result failure(op what, io_status status, const std::string& why) const;

    unique_fd fd_;
    std::unique_ptr<SSL, ssl_free> ssl_;
    std::string peer_;
    std::string label_;
    bool wants_write_ = false;
    bool fatal_ = false; // OpenSSL forbids SSL_shutdown after a fatal error
    bool write_shut_ = false;
};

} // namespace wsspec::transport
