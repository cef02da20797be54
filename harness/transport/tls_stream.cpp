#include "harness/transport/tls_stream.hpp"

#include "harness/transport/url.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <cerrno>

#include <fmt/format.h>

namespace wsspec::transport {
namespace {

constexpr auto close_notify_wait = std::chrono::milliseconds(250);
constexpr const char* eof_without_close_notify =
    "peer closed the TCP connection without TLS close_notify";

// The reason OpenSSL gives, plus the certificate check that failed, if one did:
// "certificate verify failed (self-signed certificate)".
std::string ssl_failure_text(SSL* ssl) {
    std::string text = detail::openssl_errors();
    const long verify = SSL_get_verify_result(ssl);
    if (verify != X509_V_OK) text += fmt::format(" ({})", X509_verify_cert_error_string(verify));
    return text;
}

// Runs `op` (one SSL_* call, returning 1 on success and the byte count in its argument) until it
// succeeds, fails, or would have to wait past the deadline.
template <class Op>
io_result drive(SSL* ssl, int fd, deadline dl, bool& fatal, Op op) {
    for (;;) {
        ERR_clear_error();
        errno = 0;
        std::size_t n = 0;
        const int rc = op(n);
        const int saved_errno = errno;
        if (rc == 1) return {io_status::ok, n, {}};

        short events = 0;
        switch (const int err = SSL_get_error(ssl, rc)) {
        case SSL_ERROR_WANT_READ: events = POLLIN; break;
        case SSL_ERROR_WANT_WRITE: events = POLLOUT; break;
        case SSL_ERROR_ZERO_RETURN: return {io_status::closed, 0, "peer sent TLS close_notify"};
        case SSL_ERROR_SYSCALL:
            fatal = true;
            if (saved_errno == 0) return {io_status::closed, 0, eof_without_close_notify};
            return {detail::classify_errno(saved_errno), 0, detail::errno_text(saved_errno)};
        case SSL_ERROR_SSL:
            fatal = true;
            // OpenSSL 3 reports a bare FIN this way unless SSL_OP_IGNORE_UNEXPECTED_EOF is set,
            // which would hide the difference from a real close_notify.
            if (ERR_GET_REASON(ERR_peek_last_error()) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
                ERR_clear_error();
                return {io_status::closed, 0, eof_without_close_notify};
            }
            return {io_status::error, 0, ssl_failure_text(ssl)};
        default:
            fatal = true;
            return {io_status::error, 0, fmt::format("unexpected OpenSSL status {}", err)};
        }

        switch (detail::wait_fd(fd, events, dl)) {
        case detail::wait_status::ready: break;
        case detail::wait_status::timeout: return {io_status::timeout, 0, "timed out"};
        case detail::wait_status::error:
            return {io_status::error, 0, fmt::format("poll: {}", detail::errno_text(errno))};
        }
    }
}

} // namespace

tls_stream::tls_stream(detail::unique_fd fd, detail::ssl_ptr ssl, std::string label)
    : fd_(std::move(fd)), ssl_(std::move(ssl)), peer_(detail::peer_endpoint(fd_.get())),
      label_(std::move(label)) {
    if (label_.empty()) label_ = peer_;
}

result<std::unique_ptr<tls_stream>> tls_stream::make_client(detail::unique_fd fd, SSL_CTX* ctx,
                                                            const std::string& host,
                                                            const tls_client_options& opts,
                                                            std::string label) {
    detail::ignore_sigpipe_once();
    detail::set_nonblocking(fd.get());
    detail::set_nodelay(fd.get());
    detail::ssl_ptr ssl(SSL_new(ctx));
    if (!ssl || SSL_set_fd(ssl.get(), fd.get()) != 1)
        return make_error("cannot create a TLS session: " + detail::openssl_errors());
    SSL_set_connect_state(ssl.get());

    const std::string& name = opts.sni.empty() ? host : opts.sni;
    const bool ip = is_ip_literal(name);
    // RFC 6066 §3: "Literal IPv4 and IPv6 addresses are not permitted in HostName."
    if (!ip && SSL_set_tlsext_host_name(ssl.get(), name.c_str()) != 1)
        return make_error(fmt::format("cannot set SNI '{}': {}", name, detail::openssl_errors()));
    if (!opts.insecure) {
        X509_VERIFY_PARAM* param = SSL_get0_param(ssl.get());
        X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        const int ok = ip ? X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str())
                          : SSL_set1_host(ssl.get(), name.c_str());
        if (ok != 1)
            return make_error(
                fmt::format("cannot verify against '{}': {}", name, detail::openssl_errors()));
    }
    return std::unique_ptr<tls_stream>(
        new tls_stream(std::move(fd), std::move(ssl), std::move(label)));
}

result<std::unique_ptr<tls_stream>> tls_stream::make_server(detail::unique_fd fd, SSL_CTX* ctx) {
    detail::ignore_sigpipe_once();
    detail::set_nonblocking(fd.get());
    detail::set_nodelay(fd.get());
    detail::ssl_ptr ssl(SSL_new(ctx));
    if (!ssl || SSL_set_fd(ssl.get(), fd.get()) != 1)
        return make_error("cannot create a TLS session: " + detail::openssl_errors());
    SSL_set_accept_state(ssl.get());
    return std::unique_ptr<tls_stream>(new tls_stream(std::move(fd), std::move(ssl), {}));
}

io_result tls_stream::handshake(deadline dl) {
    if (handshake_done_) return {};
    if (!fd_.valid()) return {io_status::error, 0, "handshake on a closed stream"};
    if (fatal_) return {io_status::error, 0, "TLS session already failed"};
    io_result r = drive(ssl_.get(), fd_.get(), dl, fatal_,
                        [this](std::size_t&) { return SSL_do_handshake(ssl_.get()); });
    if (r.ok()) {
        handshake_done_ = true;
        return r;
    }
    r.message = fmt::format("TLS handshake with {} failed: {}", label_, r.message);
    return r;
}

io_result tls_stream::read_some(std::span<std::uint8_t> buf, deadline dl) {
    if (!fd_.valid()) return {io_status::error, 0, "read on a closed stream"};
    if (io_result h = handshake(dl); !h.ok()) return h;
    if (buf.empty()) return {};
    io_result r = drive(ssl_.get(), fd_.get(), dl, fatal_, [&](std::size_t& n) {
        return SSL_read_ex(ssl_.get(), buf.data(), buf.size(), &n);
    });
    if (!r.ok()) r.message = fmt::format("read from {}: {}", peer_, r.message);
    return r;
}

io_result tls_stream::write_all(std::span<const std::uint8_t> data, deadline dl) {
    if (!fd_.valid()) return {io_status::error, 0, "write on a closed stream"};
    if (write_shut_) return {io_status::error, 0, "write after shutdown_write()"};
    if (io_result h = handshake(dl); !h.ok()) return h;
    std::size_t done = 0;
    while (done < data.size()) {
        io_result r = drive(ssl_.get(), fd_.get(), dl, fatal_, [&](std::size_t& n) {
            return SSL_write_ex(ssl_.get(), data.data() + done, data.size() - done, &n);
        });
        if (!r.ok()) {
            r.bytes = done;
            r.message = fmt::format("write to {}: {} after {} of {} bytes", peer_, r.message, done,
                                    data.size());
            return r;
        }
        done += r.bytes;
    }
    return {io_status::ok, done, {}};
}

void tls_stream::send_close_notify() noexcept {
    if (!handshake_done_ || fatal_ || write_shut_) return;
    write_shut_ = true;
    // One bounded attempt: close_notify is a courtesy (RFC 8446 §6.1), and close() has no deadline.
    const deadline dl = deadline_after(close_notify_wait);
    for (int attempt = 0; attempt < 2; ++attempt) {
        ERR_clear_error();
        const int rc = SSL_shutdown(ssl_.get());
        if (rc >= 0) return;
        if (SSL_get_error(ssl_.get(), rc) != SSL_ERROR_WANT_WRITE ||
            detail::wait_fd(fd_.get(), POLLOUT, dl) != detail::wait_status::ready)
            break;
    }
    ERR_clear_error();
}

void tls_stream::shutdown_write() {
    if (!fd_.valid()) return;
    send_close_notify();
    write_shut_ = true;
    ::shutdown(fd_.get(), SHUT_WR);
}

void tls_stream::close() {
    if (!fd_.valid()) return;
    send_close_notify();
    fd_.reset();
}

void tls_stream::abort() {
    if (!fd_.valid()) return;
    detail::set_abortive_linger(fd_.get());
    fd_.reset();
}

std::string tls_stream::protocol_version() const {
    return handshake_done_ ? SSL_get_version(ssl_.get()) : std::string();
}

} // namespace wsspec::transport
