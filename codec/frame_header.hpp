#pragma once
// RFC 6455 §5.2 base framing protocol, one field per box of the diagram.
#include <array>
#include <cstddef>
#include <cstdint>

#include "codec/opcode.hpp"

namespace wsspec {

using mask_key = std::array<std::uint8_t, 4>;

// The longest header: 2 fixed bytes + 8 extended length + 4 masking key.
inline constexpr std::size_t max_header_size = 2 + 8 + 4;
// §5.5: "All control frames MUST have a payload length of 125 bytes or less".
inline constexpr std::size_t max_control_payload = 125;

enum class role : std::uint8_t {
    client, // this endpoint is a client: it parses server frames (never masked)
    server, // this endpoint is a server: it parses client frames (always masked)
};

struct frame_header {
    bool fin = true;
    bool rsv1 = false;
    bool rsv2 = false;
    bool rsv3 = false;
    opcode op = opcode::text;
    bool masked = false;
    mask_key key{};
    std::uint64_t payload_length = 0;
    std::uint8_t header_size = 0; // bytes on the wire, 2..14

    // RSV1..3 as the 3-bit value Autobahn uses: RSV1=4, RSV2=2, RSV3=1.
    constexpr std::uint8_t rsv() const noexcept {
        return static_cast<std::uint8_t>((rsv1 ? 4 : 0) | (rsv2 ? 2 : 0) | (rsv3 ? 1 : 0));
    }
};

// Bytes needed for a header with this payload length, minimal encoding (§5.2).
constexpr std::size_t header_size_for(std::uint64_t payload_length, bool masked) noexcept {
    std::size_t n = payload_length < 126 ? 2 : payload_length <= 0xFFFF ? 4 : 10;
    return n + (masked ? 4 : 0);
}

} // namespace wsspec
