#include "codec/handshake/accept_key.hpp"

#include <openssl/evp.h>

#include "codec/handshake/base64.hpp"

namespace wsspec::handshake {

std::string accept_key(std::string_view key) {
    std::string input;
    input.reserve(key.size() + websocket_guid.size());
    input.append(key).append(websocket_guid);
    std::array<std::uint8_t, 20> digest{};
    unsigned int len = 0;
    // SHA-1 is what RFC 6455 §4.2.2 prescribes; it proves the server read this handshake and is
    // not a security property, so its weakness does not matter here.
    if (EVP_Digest(input.data(), input.size(), digest.data(), &len, EVP_sha1(), nullptr) != 1 ||
        len != digest.size())
        return {};
    return base64_encode(digest);
}

std::string make_key(const std::array<std::uint8_t, 16>& nonce) {
    return base64_encode(nonce);
}

} // namespace wsspec::handshake
