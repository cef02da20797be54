#include "harness/load/detail/nb_socket.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "harness/transport/url.hpp"

namespace wsspec::load::detail {
namespace {

namespace td = transport::detail;

struct addrinfo_deleter {
    void operator()(addrinfo* p) const noexcept { ::freeaddrinfo(p); }
};

int open_socket(int family) {
    const int fd = ::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd >= 0) td::set_nodelay(fd);
    return fd;
}

// 0 when `fd` connected within timeout_ms, else the errno.
int probe(const sockaddr* sa, socklen_t len, int timeout_ms) {
    td::unique_fd fd(open_socket(sa->sa_family));
    if (!fd.valid()) return errno;
    if (::connect(fd.get(), sa, len) == 0) return 0;
    if (errno != EINPROGRESS) return errno;
    pollfd p{fd.get(), POLLOUT, 0};
    int rc;
    do
        rc = ::poll(&p, 1, timeout_ms);
    while (rc < 0 && errno == EINTR);
    if (rc == 0) return ETIMEDOUT;
    int err = 0;
    socklen_t elen = sizeof err;
    if (::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &elen) != 0) err = errno;
    return err;
}

} // namespace

result<endpoint> pick_endpoint(const std::string& host, std::uint16_t port, int timeout_ms) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV | (transport::is_ip_literal(host) ? AI_NUMERICHOST : 0);
    addrinfo* raw = nullptr;
    const int rc = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &raw);
    if (rc != 0)
        return make_error(fmt::format("cannot resolve '{}': {}", host,
                                      rc == EAI_SYSTEM ? td::errno_text(errno) : gai_strerror(rc)));
    std::unique_ptr<addrinfo, addrinfo_deleter> list(raw);
    std::vector<std::string> failures;
    for (const addrinfo* ai = list.get(); ai; ai = ai->ai_next) {
        endpoint ep;
        std::memcpy(&ep.addr, ai->ai_addr, ai->ai_addrlen);
        ep.len = ai->ai_addrlen;
        ep.text = td::format_endpoint(ai->ai_addr, ai->ai_addrlen);
        const int err = probe(ai->ai_addr, ai->ai_addrlen, timeout_ms);
        if (err == 0) return ep;
        failures.push_back(fmt::format("{}: {}", ep.text, td::errno_text(err)));
    }
    if (failures.size() == 1) return make_error("cannot connect to " + failures.front());
    return make_error(
        fmt::format("cannot connect to {}:{}: {}", host, port, fmt::join(failures, "; ")));
}

bool nb_socket::start_connect(const endpoint& ep) {
    label_ = ep.text;
    fd_.reset(open_socket(ep.addr.ss_family));
    if (!fd_.valid()) {
        error_ = fmt::format("connect to {}: socket: {}", label_, td::errno_text(errno));
        return false;
    }
    wants_write_ = true;
    if (::connect(fd_.get(), reinterpret_cast<const sockaddr*>(&ep.addr), ep.len) == 0 ||
        errno == EINPROGRESS)
        return true;
    error_ = fmt::format("connect to {}: {}", label_, td::errno_text(errno));
    return false;
}

bool nb_socket::finish_connect() {
    int err = 0;
    socklen_t len = sizeof err;
    if (::getsockopt(fd_.get(), SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
    if (err == 0) return true;
    error_ = fmt::format("connect to {}: {}", label_, td::errno_text(err));
    return false;
}

bool nb_socket::attach_tls(SSL_CTX* ctx, const std::string& host,
                           const transport::tls_client_options& o) {
    td::ignore_sigpipe_once();
    ssl_.reset(SSL_new(ctx));
    if (!ssl_ || SSL_set_fd(ssl_.get(), fd_.get()) != 1) {
        error_ = "cannot create a TLS session: " + td::openssl_errors();
        return false;
    }
    SSL_set_connect_state(ssl_.get());
    const std::string& name = o.sni.empty() ? host : o.sni;
    const bool ip = transport::is_ip_literal(name);
    // RFC 6066 §3: "Literal IPv4 and IPv6 addresses are not permitted in HostName."
    if (!ip && SSL_set_tlsext_host_name(ssl_.get(), name.c_str()) != 1) {
        error_ = fmt::format("cannot set SNI '{}': {}", name, td::openssl_errors());
        return false;
    }
    if (!o.insecure) {
        X509_VERIFY_PARAM* param = SSL_get0_param(ssl_.get());
        X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        const int ok = ip ? X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str())
                          : SSL_set1_host(ssl_.get(), name.c_str());
        if (ok != 1) {
            error_ = fmt::format("cannot verify against '{}': {}", name, td::openssl_errors());
            return false;
        }
    }
    return true;
}

void nb_socket::set_error(op what, const std::string& why) {
    switch (what) {
    case op::handshake:
        error_ = fmt::format("TLS handshake with {} failed: {}", label_, why);
        break;
    case op::read: error_ = fmt::format("read from {}: {}", label_, why); break;
    case op::write: error_ = fmt::format("write to {}: {}", label_, why); break;
    }
}

io_result nb_socket::sys_error(int err, op what) {
    if (err == ECONNRESET || err == EPIPE) return {io_status::reset, 0};
    set_error(what, td::errno_text(err));
    return {io_status::error, 0};
}

io_result nb_socket::tls_status(int rc, op what) {
    const int saved_errno = errno;
    switch (SSL_get_error(ssl_.get(), rc)) {
    case SSL_ERROR_WANT_READ: wants_write_ = false; return {io_status::would_block, 0};
    case SSL_ERROR_WANT_WRITE: wants_write_ = true; return {io_status::would_block, 0};
    case SSL_ERROR_ZERO_RETURN: return {io_status::eof, 0};
    case SSL_ERROR_SYSCALL:
        if (saved_errno == 0) return {io_status::eof, 0};
        return sys_error(saved_errno, what);
    default:
        // OpenSSL 3 reports a FIN without close_notify this way.
        if (ERR_GET_REASON(ERR_peek_last_error()) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
            ERR_clear_error();
            return {io_status::eof, 0};
        }
        std::string why = td::openssl_errors();
        if (const long v = SSL_get_verify_result(ssl_.get()); v != X509_V_OK)
            why += fmt::format(" ({})", X509_verify_cert_error_string(v));
        set_error(what, why);
        return {io_status::error, 0};
    }
}

io_result nb_socket::handshake() {
    ERR_clear_error();
    errno = 0;
    const int rc = SSL_do_handshake(ssl_.get());
    if (rc == 1) return {io_status::ok, 0};
    io_result r = tls_status(rc, op::handshake);
    if (r.status == io_status::eof || r.status == io_status::reset) {
        error_ = fmt::format("TLS handshake with {} failed: the server {} the connection", label_,
                             r.status == io_status::eof ? "closed" : "reset");
        r.status = io_status::error;
    }
    return r;
}

io_result nb_socket::read(std::uint8_t* p, std::size_t n) {
    if (ssl_) {
        ERR_clear_error();
        errno = 0;
        std::size_t got = 0;
        const int rc = SSL_read_ex(ssl_.get(), p, n, &got);
        if (rc == 1) return {io_status::ok, got};
        return tls_status(rc, op::read);
    }
    for (;;) {
        const ssize_t got = ::recv(fd_.get(), p, n, 0);
        if (got > 0) return {io_status::ok, static_cast<std::size_t>(got)};
        if (got == 0) return {io_status::eof, 0};
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            wants_write_ = false;
            return {io_status::would_block, 0};
        }
        return sys_error(errno, op::read);
    }
}

io_result nb_socket::write(const std::uint8_t* p, std::size_t n) {
    if (ssl_) {
        ERR_clear_error();
        errno = 0;
        std::size_t done = 0;
        const int rc = SSL_write_ex(ssl_.get(), p, n, &done);
        if (rc == 1) return {io_status::ok, done};
        return tls_status(rc, op::write);
    }
    for (;;) {
        // MSG_NOSIGNAL: a vanished server is an error to count, not a SIGPIPE to die of.
        const ssize_t done = ::send(fd_.get(), p, n, MSG_NOSIGNAL);
        if (done >= 0) return {io_status::ok, static_cast<std::size_t>(done)};
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            wants_write_ = true;
            return {io_status::would_block, 0};
        }
        return sys_error(errno, op::write);
    }
}

void nb_socket::close() noexcept {
    if (ssl_) {
        // Best effort close_notify; the socket is non-blocking, so this never waits.
        if (SSL_is_init_finished(ssl_.get())) SSL_shutdown(ssl_.get());
        ERR_clear_error();
        ssl_.reset();
    }
    fd_.reset();
}

} // namespace wsspec::load::detail
