#pragma once
// The leading option bytes of frame_parser_fuzzer and message_assembler_fuzzer (llhttp's fuzz
// target spends its first bytes the same way), so the fuzzer explores roles, negotiated RSV
// bits, small limits and lenient rules as well as the bytes. make_corpus writes the same header
// in front of every seed.
//
//   byte 0  flags: bit 0 client role (parses unmasked server frames), bits 1-3 allowed RSV,
//           bit 4 max_frame_payload = byte 1, bit 5 lenient rules from bytes 2-3,
//           bit 6 max_message_size = byte 5, bit 7 frame_after_close lenient
//   byte 1  frame payload limit          byte 4  chunk seed (fuzz_util.hpp chunk_sizes)
//   bytes 2-3  lenient bits for codec_error 1..16, big-endian
//   byte 5  message size limit
#include <array>
#include <cstdint>

#include "codec/message_assembler.hpp"
#include "fuzz/fuzz_util.hpp"

namespace wsspec::fuzz {

struct frame_config {
    static constexpr std::size_t size = 6;

    std::uint8_t flags = 0;
    std::uint8_t frame_limit = 0;
    std::uint16_t lenient_bits = 0;
    std::uint8_t chunk_seed = 0;
    std::uint8_t message_limit = 0;

    static frame_config read(byte_reader& in) noexcept {
        frame_config c;
        c.flags = in.u8();
        c.frame_limit = in.u8();
        c.lenient_bits = in.u16();
        c.chunk_seed = in.u8();
        c.message_limit = in.u8();
        return c;
    }

    std::array<std::uint8_t, size> bytes() const noexcept {
        return {flags,
                frame_limit,
                static_cast<std::uint8_t>(lenient_bits >> 8),
                static_cast<std::uint8_t>(lenient_bits),
                chunk_seed,
                message_limit};
    }

    parser_options parser() const noexcept {
        parser_options o;
        o.local_role = (flags & 1) ? role::client : role::server;
        o.allowed_rsv = static_cast<std::uint8_t>((flags >> 1) & 7);
        if (flags & 0x10) o.max_frame_payload = frame_limit;
        if (flags & 0x20) o.lenient = leniency{lenient_bits} << 1; // codec_error 1..16
        if (flags & 0x80) o.lenient |= lenient(codec_error::frame_after_close);
        return o;
    }

    assembler_options assembler() const noexcept {
        assembler_options o;
        o.frame = parser();
        if (flags & 0x40) o.max_message_size = message_limit;
        return o;
    }

    // Strict options for a role: what a conformant endpoint runs with.
    static frame_config strict(role r, std::uint8_t chunk_seed = 0) noexcept {
        frame_config c;
        c.flags = r == role::client ? 1 : 0;
        c.chunk_seed = chunk_seed;
        return c;
    }
};

} // namespace wsspec::fuzz
