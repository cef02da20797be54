#pragma once
// Builds OpenSSL contexts from our option structs.
#include "codec/result.hpp"
#include "harness/transport/detail/openssl.hpp"
#include "harness/transport/tls_options.hpp"

namespace wsspec::transport::detail {

// TLS 1.2+, peer verification on unless opts.insecure, system trust store plus opts.cacert.
result<ssl_ctx_ptr> make_client_context(const tls_client_options& opts);

// TLS 1.2+, no client certificate request, no session tickets.
result<ssl_ctx_ptr> make_server_context(const tls_server_options& opts);

} // namespace wsspec::transport::detail
