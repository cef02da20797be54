#pragma once
// Client side: open a TCP (ws://) or TLS (wss://) stream to the server under test.
#include <cstdint>
#include <memory>
#include <string>

#include "codec/result.hpp"
#include "harness/transport/stream.hpp"
#include "harness/transport/tls_options.hpp"
#include "harness/transport/url.hpp"

namespace wsspec::transport {

// Resolves u.host (getaddrinfo, both families; name resolution itself cannot be interrupted by
// the deadline), tries each address in turn until one connects, sets TCP_NODELAY and, for wss://,
// runs the TLS handshake with verification on unless tls.insecure. The whole attempt shares `dl`.
// Errors say what failed, e.g. "connect to 127.0.0.1:9: connection refused" or "TLS handshake with
// localhost:9443 failed: certificate verify failed (self-signed certificate)".
result<std::unique_ptr<stream>> connect(const url& u, const tls_client_options& tls, deadline dl);

// Plain TCP to host:port whatever the scheme (raw-byte tests, benchmarks).
result<std::unique_ptr<stream>> connect_tcp(const std::string& host, std::uint16_t port,
                                            deadline dl);

// Does something accept TCP connections at host:port (within dl)? A connection reset before its
// connect was seen complete counts: something accepted it and dropped it at once (a server that
// resets every connection is there; what it is, the opening handshake says).
bool accepts_tcp(const std::string& host, std::uint16_t port, deadline dl);

} // namespace wsspec::transport
