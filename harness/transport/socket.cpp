#include "harness/transport/socket.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>
#include <csignal>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <fmt/format.h>

#include "harness/transport/detail/openssl.hpp"
#include "harness/transport/url.hpp"

namespace wsspec::transport {
namespace {

constexpr const char* eof_without_close_notify =
    "peer closed the TCP connection without TLS close_notify";

void set_nonblocking(int fd) noexcept {
    const int flags = ::fcntl(fd, F_GETFL, 0);
    if (flags >= 0) ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

void set_nodelay(int fd) noexcept {
    // Frames are small and their boundaries matter to some cases; Nagle would merge them.
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

// OpenSSL writes with plain send(), so a peer that went away would raise SIGPIPE and kill the
// process. SIGPIPE is therefore ignored, once, process-wide, the first time a socket turns TLS.
// Plain TCP uses MSG_NOSIGNAL and needs nothing.
void ignore_sigpipe_once() noexcept {
    // A function-local static is initialised exactly once, even with racing threads.
    static const bool done = [] {
        std::signal(SIGPIPE, SIG_IGN);
        return true;
    }();
    (void)done;
}

// The reason OpenSSL gives, plus the certificate check that failed, if one did:
// "certificate verify failed (self-signed certificate)".
std::string ssl_failure_text(SSL* ssl) {
    std::string text = detail::openssl_errors();
    const long verify = SSL_get_verify_result(ssl);
    if (verify != X509_V_OK) text += fmt::format(" ({})", X509_verify_cert_error_string(verify));
    return text;
}

} // namespace

void socket::ssl_free::operator()(SSL* ssl) const noexcept {
    SSL_free(ssl);
}

socket::socket(unique_fd fd) : fd_(std::move(fd)) {
    if (!fd_.valid()) return;
    set_nonblocking(fd_.get());
    set_nodelay(fd_.get());
    peer_ = peer_address(fd_.get());
    label_ = peer_;
}

socket::socket(socket&&) noexcept = default;

socket& socket::operator=(socket&& o) noexcept {
    if (this == &o) return *this;
    close();
    fd_ = std::move(o.fd_);
    ssl_ = std::move(o.ssl_);
    peer_ = std::move(o.peer_);
    label_ = std::move(o.label_);
    wants_write_ = o.wants_write_;
    fatal_ = o.fatal_;
    write_shut_ = o.write_shut_;
    return *this;
}

socket::~socket() {
    close();
}

namespace {

// What a failed connect() means to a caller that must act on it (crash detection, exit codes).
error_kind connect_error_kind(int err) noexcept {
    switch (err) {
    case ECONNREFUSED: return error_kind::refused;
    case ECONNRESET: return error_kind::reset;
    case ETIMEDOUT: return error_kind::timeout;
    default: return error_kind::other;
    }
}

} // namespace

result<socket> socket::start_connect(const endpoint& ep) {
    unique_fd fd(::socket(ep.addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd.valid()) return make_error(fmt::format("{}: socket: {}", ep.text, errno_text(errno)));
    set_nodelay(fd.get());
    // EINTR: the connection goes on in the background, as with EINPROGRESS.
    if (::connect(fd.get(), ep.sa(), ep.len) != 0 && errno != EINPROGRESS && errno != EINTR)
        return make_error(fmt::format("{}: {}", ep.text, errno_text(errno)),
                          connect_error_kind(errno));
    socket s;
    s.fd_ = std::move(fd);
    s.peer_ = ep.text;
    s.label_ = ep.text;
    s.wants_write_ = true; // a finished connect() makes the socket writable
    return s;
}

result<void> socket::finish_connect() {
    int err = 0;
    socklen_t len = sizeof err;
    if (::getsockopt(fd_.get(), SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
    if (err != 0)
        return make_error(fmt::format("{}: {}", peer_, errno_text(err)), connect_error_kind(err));
    return {};
}

result<socket> socket::connect(const endpoint& ep, deadline dl) {
    auto s = start_connect(ep);
    if (!s) return s;
    switch (s->wait(dl)) {
    case wait_status::ready: break;
    case wait_status::timeout:
        return make_error(fmt::format("{}: timed out", ep.text), error_kind::timeout);
    case wait_status::interrupted:
    case wait_status::error:
        return make_error(fmt::format("{}: poll: {}", ep.text, errno_text(errno)));
    }
    if (auto done = s->finish_connect(); !done) return done.error();
    return s;
}

result<void> socket::attach_tls(const tls_context& ctx) {
    ignore_sigpipe_once();
    ssl_.reset(SSL_new(ctx.get()));
    if (!ssl_ || SSL_set_fd(ssl_.get(), fd_.get()) != 1) {
        ssl_.reset();
        return make_error("cannot create a TLS session: " + detail::openssl_errors());
    }
    return {};
}

result<void> socket::start_tls_client(const tls_context& ctx, const std::string& host,
                                      const tls_client_options& opts, std::string label) {
    if (auto r = attach_tls(ctx); !r) return r;
    if (!label.empty()) label_ = std::move(label);
    SSL* ssl = ssl_.get();
    SSL_set_connect_state(ssl);

    const std::string& name = opts.sni.empty() ? host : opts.sni;
    const bool ip = is_ip_literal(name);
    // RFC 6066 §3: "Literal IPv4 and IPv6 addresses are not permitted in HostName."
    if (!ip && SSL_set_tlsext_host_name(ssl, name.c_str()) != 1)
        return make_error(fmt::format("cannot set SNI '{}': {}", name, detail::openssl_errors()));
    if (!opts.insecure) {
        X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
        X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        const int ok = ip ? X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str())
                          : SSL_set1_host(ssl, name.c_str());
        if (ok != 1)
            return make_error(
                fmt::format("cannot verify against '{}': {}", name, detail::openssl_errors()));
    }
    return {};
}

result<void> socket::start_tls_server(const tls_context& ctx) {
    if (auto r = attach_tls(ctx); !r) return r;
    SSL_set_accept_state(ssl_.get());
    return {};
}

io_result socket::failure(op what, io_status status, const std::string& why) const {
    switch (what) {
    case op::handshake:
        return {status, 0, fmt::format("TLS handshake with {} failed: {}", label_, why)};
    case op::read: return {status, 0, fmt::format("read from {}: {}", peer_, why)};
    case op::write: break;
    }
    return {status, 0, fmt::format("write to {}: {}", peer_, why)};
}

// After an SSL_* call returned `rc` <= 0: would_block, or how the connection ended.
io_result socket::tls_failure(int rc, op what) {
    const int saved_errno = errno;
    switch (const int err = SSL_get_error(ssl_.get(), rc)) {
    case SSL_ERROR_WANT_READ: wants_write_ = false; return {io_status::would_block, 0, {}};
    case SSL_ERROR_WANT_WRITE: wants_write_ = true; return {io_status::would_block, 0, {}};
    case SSL_ERROR_ZERO_RETURN:
        return failure(what, io_status::closed, "peer sent TLS close_notify");
    case SSL_ERROR_SYSCALL:
        fatal_ = true;
        if (saved_errno == 0) return failure(what, io_status::closed, eof_without_close_notify);
        return failure(what, status_of_errno(saved_errno), errno_text(saved_errno));
    case SSL_ERROR_SSL:
        fatal_ = true;
        // OpenSSL 3 reports a bare FIN this way unless SSL_OP_IGNORE_UNEXPECTED_EOF is set,
        // which would hide the difference from a real close_notify.
        if (ERR_GET_REASON(ERR_peek_last_error()) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
            ERR_clear_error();
            return failure(what, io_status::closed, eof_without_close_notify);
        }
        return failure(what, io_status::error, ssl_failure_text(ssl_.get()));
    default:
        fatal_ = true;
        return failure(what, io_status::error, fmt::format("unexpected OpenSSL status {}", err));
    }
}

// One OpenSSL call, `call(n)` returning 1 on success with the byte count in n.
template <class Call>
io_result socket::tls_call(op what, Call call) {
    if (fatal_) return failure(what, io_status::error, "TLS session already failed");
    ERR_clear_error();
    errno = 0;
    std::size_t n = 0;
    const int rc = call(n);
    if (rc == 1) return {io_status::ok, n, {}};
    return tls_failure(rc, what);
}

// After recv()/send() failed with `err` (not EINTR): would_block, or how the connection ended.
io_result socket::sys_failure(int err, op what) {
    if (err == EAGAIN || err == EWOULDBLOCK) {
        wants_write_ = what == op::write;
        return {io_status::would_block, 0, {}};
    }
    return failure(what, status_of_errno(err), errno_text(err));
}

io_result socket::handshake() {
    if (!ssl_ || SSL_is_init_finished(ssl_.get())) return {};
    return tls_call(op::handshake, [this](std::size_t&) { return SSL_do_handshake(ssl_.get()); });
}

io_result socket::read(std::span<std::uint8_t> buf) {
    if (!fd_.valid()) return {io_status::error, 0, "read on a closed socket"};
    if (ssl_)
        return tls_call(op::read, [&](std::size_t& n) {
            return SSL_read_ex(ssl_.get(), buf.data(), buf.size(), &n);
        });
    for (;;) {
        const ssize_t got = ::recv(fd_.get(), buf.data(), buf.size(), 0);
        if (got > 0) return {io_status::ok, static_cast<std::size_t>(got), {}};
        if (got == 0) return {io_status::closed, 0, fmt::format("{} closed the connection", peer_)};
        if (errno != EINTR) return sys_failure(errno, op::read);
    }
}

io_result socket::write(std::span<const std::uint8_t> data) {
    if (!fd_.valid()) return {io_status::error, 0, "write on a closed socket"};
    if (write_shut_) return {io_status::error, 0, "write after shutdown_write()"};
    if (ssl_)
        return tls_call(op::write, [&](std::size_t& n) {
            return SSL_write_ex(ssl_.get(), data.data(), data.size(), &n);
        });
    for (;;) {
        // MSG_NOSIGNAL: a vanished peer is an EPIPE to report, not a SIGPIPE to die of.
        const ssize_t done = ::send(fd_.get(), data.data(), data.size(), MSG_NOSIGNAL);
        if (done >= 0) return {io_status::ok, static_cast<std::size_t>(done), {}};
        if (errno != EINTR) return sys_failure(errno, op::write);
    }
}

bool socket::has_pending() const noexcept {
    return ssl_ && !fatal_ && SSL_has_pending(ssl_.get()) == 1;
}

wait_status socket::wait(deadline dl) const noexcept {
    return wait_fd(fd_.get(), wants_write_ ? POLLOUT : POLLIN, dl);
}

void socket::send_close_notify(deadline dl) noexcept {
    if (!ssl_ || fatal_ || write_shut_ || !SSL_is_init_finished(ssl_.get())) return;
    write_shut_ = true;
    // One bounded attempt: close_notify is a courtesy (RFC 8446 §6.1).
    for (int attempt = 0; attempt < 2; ++attempt) {
        ERR_clear_error();
        const int rc = SSL_shutdown(ssl_.get());
        if (rc >= 0) break;
        if (SSL_get_error(ssl_.get(), rc) != SSL_ERROR_WANT_WRITE ||
            wait_fd(fd_.get(), POLLOUT, dl) != wait_status::ready)
            break;
    }
    ERR_clear_error();
}

void socket::shutdown_write() noexcept {
    if (!fd_.valid()) return;
    send_close_notify(deadline{}); // a deadline in the past: never waits
    write_shut_ = true;
    ::shutdown(fd_.get(), SHUT_WR);
}

void socket::close() noexcept {
    if (!fd_.valid()) return;
    send_close_notify(deadline{});
    ssl_.reset();
    fd_.reset();
}

void socket::abort() noexcept {
    if (!fd_.valid()) return;
    const linger l{1, 0};
    ::setsockopt(fd_.get(), SOL_SOCKET, SO_LINGER, &l, sizeof l);
    ssl_.reset();
    fd_.reset();
}

std::string socket::protocol_version() const {
    return ssl_ && SSL_is_init_finished(ssl_.get()) ? SSL_get_version(ssl_.get()) : std::string();
}

} // namespace wsspec::transport
