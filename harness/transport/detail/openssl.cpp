#include "harness/transport/detail/openssl.hpp"

#include <openssl/err.h>

namespace wsspec::transport::detail {

std::string openssl_errors(const char* fallback) {
    std::string out;
    while (const unsigned long e = ERR_get_error()) {
        const char* reason = ERR_reason_error_string(e);
        std::string part = reason ? reason : "error code " + std::to_string(ERR_GET_REASON(e));
        if (out.find(part) != std::string::npos) continue; // OpenSSL often repeats itself
        if (!out.empty()) out += "; ";
        out += part;
    }
    return out.empty() ? std::string(fallback) : out;
}

} // namespace wsspec::transport::detail
