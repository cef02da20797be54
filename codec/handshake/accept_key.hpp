#pragma once
// Sec-WebSocket-Key and Sec-WebSocket-Accept (RFC 6455 §1.3, §4.1 item 7, §4.2.2 step 5.4).
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace wsspec::handshake {

// RFC 6455 §1.3: the GUID a server appends to the client's key.
inline constexpr std::string_view websocket_guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

// base64(SHA-1(key + GUID)). The key is used as the text the client sent, never base64-decoded
// (RFC 6455 §4.2.2: "It is not necessary for the server to base64-decode" it), so any string
// yields an answer; whether the key itself is acceptable is the server validator's concern.
std::string accept_key(std::string_view key);

// A Sec-WebSocket-Key from 16 nonce bytes (RFC 6455 §4.1 item 7). The bytes come from the
// caller's seeded PRNG: nothing here draws randomness, so runs stay reproducible.
std::string make_key(const std::array<std::uint8_t, 16>& nonce);

} // namespace wsspec::handshake
