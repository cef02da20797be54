#include "harness/transport/tls_context.hpp"

#include <sys/stat.h>

#include <openssl/err.h>
#include <openssl/pem.h>

#include <fmt/format.h>

#include "harness/transport/detail/openssl.hpp"

namespace wsspec::transport {
namespace {

using detail::bio_ptr;
using detail::evp_pkey_ptr;
using detail::openssl_errors;
using detail::ssl_ctx_ptr;
using detail::x509_ptr;

error_info fail(std::string_view what) {
    return make_error(fmt::format("{}: {}", what, openssl_errors()));
}

bool is_directory(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// Loads a certificate chain (leaf first) and its key from PEM text held in memory.
result<void> use_pem_strings(SSL_CTX* ctx, const std::string& cert_pem,
                             const std::string& key_pem) {
    bio_ptr bio(BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size())));
    x509_ptr leaf(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!leaf || SSL_CTX_use_certificate(ctx, leaf.get()) != 1)
        return fail("cannot use the TLS certificate PEM");
    while (X509* extra = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
        if (SSL_CTX_add0_chain_cert(ctx, extra) != 1) {
            X509_free(extra);
            return fail("cannot add a chain certificate");
        }
    }
    ERR_clear_error(); // the loop above ends on a "no start line" error

    bio_ptr key_bio(BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size())));
    evp_pkey_ptr key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
    if (!key || SSL_CTX_use_PrivateKey(ctx, key.get()) != 1)
        return fail("cannot use the TLS private key PEM");
    return {};
}

result<void> use_files(SSL_CTX* ctx, const std::string& cert, const std::string& key) {
    if (SSL_CTX_use_certificate_chain_file(ctx, cert.c_str()) != 1)
        return fail(fmt::format("cannot load TLS certificate '{}'", cert));
    if (SSL_CTX_use_PrivateKey_file(ctx, key.c_str(), SSL_FILETYPE_PEM) != 1)
        return fail(fmt::format("cannot load TLS private key '{}'", key));
    return {};
}

result<ssl_ctx_ptr> new_context(const SSL_METHOD* method) {
    ssl_ctx_ptr ctx(SSL_CTX_new(method));
    if (!ctx) return fail("cannot create a TLS context");
    SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
    // Partial writes let write_all() count progress and stop cleanly at a deadline; a moving
    // buffer is allowed because a retried write resumes from the first unsent byte.
    SSL_CTX_set_mode(ctx.get(),
                     SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    return ctx;
}

} // namespace

result<tls_context> tls_context::client(const tls_client_options& opts) {
    auto ctx = new_context(TLS_client_method());
    if (!ctx) return ctx.error();
    SSL_CTX* c = ctx->get();

    if (!opts.insecure) {
        SSL_CTX_set_verify(c, SSL_VERIFY_PEER, nullptr);
        if (SSL_CTX_set_default_verify_paths(c) != 1) ERR_clear_error(); // no system store: fine
        if (!opts.cacert.empty()) {
            const bool dir = is_directory(opts.cacert);
            const int ok = SSL_CTX_load_verify_locations(c, dir ? nullptr : opts.cacert.c_str(),
                                                         dir ? opts.cacert.c_str() : nullptr);
            if (ok != 1) return fail(fmt::format("cannot load CA certificates '{}'", opts.cacert));
        }
    }
    if (opts.cert.empty() != opts.key.empty())
        return make_error("a TLS client certificate needs both --cert and --key");
    if (!opts.cert.empty()) {
        if (auto r = use_files(c, opts.cert, opts.key); !r) return r.error();
        if (SSL_CTX_check_private_key(c) != 1) return fail("TLS client key does not match --cert");
    }
    return tls_context(std::shared_ptr<SSL_CTX>(ctx->release(), SSL_CTX_free));
}

result<tls_context> tls_context::server(const tls_server_options& opts) {
    auto ctx = new_context(TLS_server_method());
    if (!ctx) return ctx.error();
    SSL_CTX* c = ctx->get();

    const bool pem = !opts.cert_pem.empty() || !opts.key_pem.empty();
    if (!pem && (opts.cert_file.empty() || opts.key_file.empty()))
        return make_error("a TLS server needs a certificate and a private key");
    auto loaded = pem ? use_pem_strings(c, opts.cert_pem, opts.key_pem)
                      : use_files(c, opts.cert_file, opts.key_file);
    if (!loaded) return loaded.error();
    if (SSL_CTX_check_private_key(c) != 1)
        return fail("the TLS private key does not match the certificate");

    // No resumption is ever used, and TLS 1.3 tickets sent after the handshake would sit unread
    // in a client that closes early, turning its FIN into a RST (RFC 2525 §2.17).
    SSL_CTX_set_num_tickets(c, 0);
    SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_OFF);
    return tls_context(std::shared_ptr<SSL_CTX>(ctx->release(), SSL_CTX_free));
}

} // namespace wsspec::transport
