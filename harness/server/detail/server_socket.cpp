#include "harness/server/detail/server_socket.hpp"

#include <sys/socket.h>

#include <cerrno>

#include <openssl/err.h>

#include <fmt/format.h>

namespace wsspec::server::detail {

namespace td = transport::detail;
using transport::io_status;

server_socket::server_socket(td::unique_fd fd, SSL_CTX* ctx)
    : fd_(std::move(fd)), peer_(td::peer_endpoint(fd_.get())) {
    td::set_nonblocking(fd_.get());
    td::set_nodelay(fd_.get());
    if (!ctx) return;
    td::ignore_sigpipe_once();
    ssl_.reset(SSL_new(ctx));
    if (!ssl_ || SSL_set_fd(ssl_.get(), fd_.get()) != 1) {
        // Every read then fails, and the connection ends as if the handshake had.
        error_ = "cannot create a TLS session: " + td::openssl_errors();
        ssl_.reset();
        fatal_ = true;
        return;
    }
    SSL_set_accept_state(ssl_.get());
}

io_result server_socket::sys_error(int err, op what) {
    error_ = fmt::format("{} {}: {}", what == op::read ? "read from" : "write to", peer_,
                         td::errno_text(err));
    return {td::classify_errno(err), 0};
}

io_result server_socket::tls_error(int rc, op what) {
    const int saved_errno = errno;
    switch (SSL_get_error(ssl_.get(), rc)) {
    case SSL_ERROR_WANT_READ: wants_write_ = false; return {io_status::timeout, 0};
    case SSL_ERROR_WANT_WRITE: wants_write_ = true; return {io_status::timeout, 0};
    case SSL_ERROR_ZERO_RETURN: return {io_status::closed, 0};
    case SSL_ERROR_SYSCALL:
        fatal_ = true;
        if (saved_errno == 0) return {io_status::closed, 0};
        return sys_error(saved_errno, what);
    default:
        fatal_ = true;
        // OpenSSL 3 reports a FIN without close_notify this way.
        if (ERR_GET_REASON(ERR_peek_last_error()) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
            ERR_clear_error();
            return {io_status::closed, 0};
        }
        error_ = fmt::format("{} {}: {}", what == op::read ? "read from" : "write to", peer_,
                             td::openssl_errors());
        return {io_status::error, 0};
    }
}

io_result server_socket::read(std::uint8_t* p, std::size_t n) {
    if (!fd_.valid() || (fatal_ && !ssl_)) return {io_status::error, 0};
    if (ssl_) {
        if (fatal_) return {io_status::error, 0};
        ERR_clear_error();
        errno = 0;
        std::size_t got = 0;
        if (SSL_read_ex(ssl_.get(), p, n, &got) == 1) return {io_status::ok, got};
        return tls_error(0, op::read);
    }
    for (;;) {
        const ssize_t got = ::recv(fd_.get(), p, n, 0);
        if (got > 0) return {io_status::ok, static_cast<std::size_t>(got)};
        if (got == 0) return {io_status::closed, 0};
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            wants_write_ = false;
            return {io_status::timeout, 0};
        }
        return sys_error(errno, op::read);
    }
}

io_result server_socket::write(const std::uint8_t* p, std::size_t n) {
    if (!fd_.valid() || write_shut_ || fatal_) return {io_status::error, 0};
    if (ssl_) {
        ERR_clear_error();
        errno = 0;
        std::size_t done = 0;
        if (SSL_write_ex(ssl_.get(), p, n, &done) == 1) return {io_status::ok, done};
        return tls_error(0, op::write);
    }
    for (;;) {
        // MSG_NOSIGNAL: a vanished client is an EPIPE to report, not a SIGPIPE to die of.
        const ssize_t done = ::send(fd_.get(), p, n, MSG_NOSIGNAL);
        if (done >= 0) return {io_status::ok, static_cast<std::size_t>(done)};
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            wants_write_ = true;
            return {io_status::timeout, 0};
        }
        return sys_error(errno, op::write);
    }
}

bool server_socket::has_pending() const noexcept {
    return ssl_ && !fatal_ && SSL_has_pending(ssl_.get()) == 1;
}

void server_socket::send_close_notify() noexcept {
    if (!ssl_ || fatal_ || write_shut_ || !SSL_is_init_finished(ssl_.get())) return;
    // One attempt: close_notify is a courtesy (RFC 8446 §6.1) and nothing here may wait.
    ERR_clear_error();
    SSL_shutdown(ssl_.get());
    ERR_clear_error();
}

void server_socket::shutdown_write() noexcept {
    if (!fd_.valid()) return;
    send_close_notify();
    write_shut_ = true;
    ::shutdown(fd_.get(), SHUT_WR);
}

void server_socket::close() noexcept {
    if (!fd_.valid()) return;
    send_close_notify();
    ssl_.reset();
    fd_.reset();
}

void server_socket::abort() noexcept {
    if (!fd_.valid()) return;
    td::set_abortive_linger(fd_.get());
    ssl_.reset();
    fd_.reset();
}

} // namespace wsspec::server::detail
