#pragma once
// An OpenSSL context built from our option structs: TLS 1.2 and later, the partial and moving
// writes the sockets rely on. Copies share one context (reference counted); every socket made
// with it takes its own reference, so a context may go before its sockets.
#include <openssl/types.h>

#include <memory>

#include "codec/result.hpp"
#include "harness/transport/tls_options.hpp"

namespace wsspec::transport {

class tls_context {
public:
    // Peer verification on unless opts.insecure; the system trust store plus opts.cacert.
    static result<tls_context> client(const tls_client_options& opts);
    // No client certificate request, no session tickets.
    static result<tls_context> server(const tls_server_options& opts);

    SSL_CTX* get() const noexcept { return ctx_.get(); }

private:
    explicit tls_context(std::shared_ptr<SSL_CTX> ctx) : ctx_(std::move(ctx)) {}

    std::shared_ptr<SSL_CTX> ctx_;
};

} // namespace wsspec::transport
