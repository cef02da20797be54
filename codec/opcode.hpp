#pragma once
// RFC 6455 §5.2, "Opcode: 4 bits". Every nibble has a name (as in Beast), so cases and
// reports can refer to the reserved ones too.
#include <cstdint>
#include <string_view>

namespace wsspec {

enum class opcode : std::uint8_t {
    cont = 0x0,   // %x0 denotes a continuation frame
    text = 0x1,   // %x1 denotes a text frame
    binary = 0x2, // %x2 denotes a binary frame
    rsv3 = 0x3,   // %x3-7 are reserved for further non-control frames
    rsv4 = 0x4,
    rsv5 = 0x5,
    rsv6 = 0x6,
    rsv7 = 0x7,
    close = 0x8, // %x8 denotes a connection close
    ping = 0x9,  // %x9 denotes a ping
    pong = 0xA,  // %xA denotes a pong
    crsvb = 0xB, // %xB-F are reserved for further control frames
    crsvc = 0xC,
    crsvd = 0xD,
    crsve = 0xE,
    crsvf = 0xF,
};

// §5.5: "Control frames are identified by opcodes where the most significant bit of the
// opcode is 1."
constexpr bool is_control(opcode op) noexcept {
    return (static_cast<std::uint8_t>(op) & 0x8) != 0;
}
constexpr bool is_data(opcode op) noexcept {
    return !is_control(op);
}
constexpr bool is_reserved(opcode op) noexcept {
    auto v = static_cast<std::uint8_t>(op);
    return (v >= 0x3 && v <= 0x7) || v >= 0xB;
}

// "text", "ping", "rsv3", ... ; parse_opcode accepts these names.
std::string_view to_string(opcode op) noexcept;
bool parse_opcode(std::string_view name, opcode& out) noexcept;

} // namespace wsspec
