#include "codec/handshake/base64.hpp"

#include <openssl/evp.h>

namespace wsspec::handshake {
namespace {

// OpenSSL's EVP_DecodeBlock skips whitespace and does not report the padding length, so the
// decoder is our own: the handshake must tell "not base64" apart from "wrong length".
int sextet(char c) noexcept {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

struct decoded {
    std::vector<std::uint8_t> bytes;
    bool canonical = true;
};

std::optional<decoded> decode(std::string_view text) {
    if (text.empty() || text.size() % 4 != 0) return std::nullopt;
    std::size_t pad = 0;
    if (text.back() == '=') pad = text[text.size() - 2] == '=' ? 2 : 1;
    decoded out;
    out.bytes.reserve(text.size() / 4 * 3);
    for (std::size_t i = 0; i < text.size(); i += 4) {
        const bool last = i + 4 == text.size();
        const std::size_t symbols = last ? 4 - pad : 4;
        std::uint32_t group = 0;
        for (std::size_t k = 0; k < 4; ++k) {
            int v = 0;
            if (k < symbols) {
                v = sextet(text[i + k]);
                if (v < 0) return std::nullopt; // also catches '=' anywhere but the end
            }
            group = group << 6 | static_cast<std::uint32_t>(v);
        }
        out.bytes.push_back(static_cast<std::uint8_t>(group >> 16));
        if (symbols > 2) out.bytes.push_back(static_cast<std::uint8_t>(group >> 8));
        if (symbols > 3) out.bytes.push_back(static_cast<std::uint8_t>(group));
        // RFC 4648 §3.5: the bits the padding discards should be zero.
        if (symbols == 2 && (group & 0xffff) != 0) out.canonical = false;
        if (symbols == 3 && (group & 0xff) != 0) out.canonical = false;
    }
    return out;
}

} // namespace

std::string base64_encode(std::span<const std::uint8_t> bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3), '\0');
    if (bytes.empty()) return out;
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes.data(),
                                  static_cast<int>(bytes.size()));
    out.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
    return out;
}

std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text) {
    auto d = decode(text);
    if (!d) return std::nullopt;
    return std::move(d->bytes);
}

bool is_canonical_base64(std::string_view text) {
    auto d = decode(text);
    return d && d->canonical;
}

} // namespace wsspec::handshake
