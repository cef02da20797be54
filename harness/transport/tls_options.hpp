#pragma once
// TLS settings for `wsspec test wss://…` (client side) and `wsspec serve --tls` (server side).
#include <string>

namespace wsspec::transport {

struct tls_client_options {
    // Skip certificate and host name verification (--insecure). Verification is on by default.
    bool insecure = false;
    // Extra trust anchors, a PEM file or a hashed directory (--cacert). The system default
    // paths are always trusted too.
    std::string cacert;
    // Client certificate chain and key, PEM files (--cert / --key).
    std::string cert;
    std::string key;
    // Server name to send (--sni). Empty: the URL host, unless it is an IP literal, which RFC 6066
    // §3 forbids in SNI. When set, the certificate is also verified against this name instead of
    // the URL host, so `wss://127.0.0.1:9443 --sni example.test` checks "example.test".
    std::string sni;
};

struct tls_server_options {
    // PEM files; or, when the *_pem strings are non-empty, PEM text (takes precedence).
    std::string cert_file;
    std::string key_file;
    std::string cert_pem;
    std::string key_pem;
};

} // namespace wsspec::transport
