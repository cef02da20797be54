#include "codec/opcode.hpp"

namespace wsspec {
namespace {
constexpr std::string_view names[16] = {"continuation", "text",  "binary", "rsv3", "rsv4", "rsv5",
                                        "rsv6",         "rsv7",  "close",  "ping", "pong", "crsvb",
                                        "crsvc",        "crsvd", "crsve",  "crsvf"};
}

std::string_view to_string(opcode op) noexcept {
    return names[static_cast<std::uint8_t>(op) & 0xF];
}

bool parse_opcode(std::string_view name, opcode& out) noexcept {
    if (name == "cont") name = "continuation";
    for (std::uint8_t i = 0; i < 16; ++i) {
        if (names[i] == name) {
            out = static_cast<opcode>(i);
            return true;
        }
    }
    return false;
}

} // namespace wsspec
