#pragma once
// Base64 (RFC 4648 §4, the alphabet RFC 6455 §4.1 and §4.3 name) for Sec-WebSocket-Key and
// Sec-WebSocket-Accept.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace wsspec::handshake {

// Encodes with padding, via OpenSSL's EVP_EncodeBlock.
std::string base64_encode(std::span<const std::uint8_t> bytes);

// Strict decode following RFC 6455 §4.3 base64-value-non-empty: only A-Z a-z 0-9 + /, the length
// a non-zero multiple of 4, '=' only as one or two final padding characters, no whitespace.
// Returns nullopt on any violation.
//
// Non-canonical encodings are accepted: in "...Cso==" the final 'o' carries 4 low bits that the
// padding discards, and a canonical encoder would write "...Csg==". RFC 4648 §3.5 lets a decoder
// reject such input but does not require it, RFC 6455 only asks for "a base64-encoded value
// that, when decoded, is 16 bytes in length", and the RFC's own §4.1 example key
// "AQIDBAUGBwgJCgsMDQ4PEC==" is itself non-canonical. Use is_canonical_base64() to report it.
std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text);

// True when `text` decodes and its unused trailing bits are zero (RFC 4648 §3.5), i.e. it is
// exactly what base64_encode() would produce for the decoded bytes.
bool is_canonical_base64(std::string_view text);

} // namespace wsspec::handshake
