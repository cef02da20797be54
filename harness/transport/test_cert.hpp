#pragma once
// Throw-away self-signed certificates for tests and for `wsspec serve --tls` without --tls-cert.
#include <string>
#include <vector>

#include "codec/result.hpp"

namespace wsspec::transport {

struct self_signed_cert {
    std::string cert_pem;
    std::string key_pem; // PKCS#8, unencrypted

    static constexpr const char* cert_file_name = "cert.pem";
    static constexpr const char* key_file_name = "key.pem";

    // Writes <dir>/cert.pem and <dir>/key.pem (the key with mode 0600). `dir` must exist.
    result<void> write_to(const std::string& dir) const;
};

// An EC P-256 key and a certificate for it, signed by itself, valid from one minute ago for one
// day. Each entry of `sans` becomes an IP SAN if it is an IP literal, else a DNS SAN; host name
// verification only looks at SANs (RFC 6125 §6.4.4), so list every name clients will use. The
// certificate is its own CA (basicConstraints CA:TRUE), so passing it as --cacert trusts it.
result<self_signed_cert> generate_self_signed(const std::string& common_name,
                                              const std::vector<std::string>& sans);

} // namespace wsspec::transport
