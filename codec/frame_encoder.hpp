#pragma once
// Two encoders. encode_frame() is strict: it only writes frames RFC 6455 allows, with minimal
// length encoding (§5.2), for the reference server and the benchmarks. write_frame() writes
// whatever it is told — reserved bits and opcodes, a wrong mask bit, 16/64-bit lengths for
// short payloads, a declared length that is not the payload's — because the harness must send
// invalid frames on purpose (Autobahn's sendFrame, h2spec's AllowIllegalWrites).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "codec/error.hpp"
#include "codec/frame_header.hpp"

namespace wsspec {

struct frame_options {
    opcode op = opcode::text;
    bool fin = true;
    std::uint8_t rsv = 0;         // RSV1 = 4, RSV2 = 2, RSV3 = 1
    std::optional<mask_key> mask; // set for client-to-server frames (§5.3)
};

struct encode_result {
    codec_error error = codec_error::none;
    std::size_t size = 0; // bytes written
};

constexpr std::size_t encoded_size(std::size_t payload_length, bool masked) noexcept {
    return header_size_for(payload_length, masked) + payload_length;
}

// Writes the header of a frame carrying payload_length bytes; out needs max_header_size bytes.
// Returns the header size. No rule checks: callers that want them use encode_frame().
std::size_t encode_header(const frame_options& f, std::uint64_t payload_length,
                          std::uint8_t* out) noexcept;

// Header + payload (masked on the way when f.mask is set). Refuses what §5 forbids: reserved
// opcodes, RSV bits outside allowed_rsv, fragmented or >125-byte control frames. `out` must
// hold encoded_size() bytes, else frame_too_large is returned and nothing is written.
encode_result encode_frame(const frame_options& f, std::span<const std::uint8_t> payload,
                           std::span<std::uint8_t> out, std::uint8_t allowed_rsv = 0) noexcept;

enum class length_encoding : std::uint8_t {
    minimal, // the shortest form for the declared length (§5.2)
    force_7, // 7-bit field, low 7 bits of the declared length (values 126/127 then mean extended)
    force_16,
    force_64,
};

// Everything a frame header can say, right or wrong.
struct frame_spec {
    std::uint8_t opcode_nibble = 0x1; // any of 0x0-0xF
    bool fin = true;
    std::uint8_t rsv = 0;         // 3 bits: RSV1 = 4, RSV2 = 2, RSV3 = 1
    std::optional<mask_key> mask; // mask bit + key, payload masked with it
    length_encoding encoding = length_encoding::minimal;
    std::optional<std::uint64_t> declared_length; // defaults to the payload size
};

// Writes the header write_frame() would write for a payload of `payload_length` bytes; `out`
// needs max_header_size bytes. Returns the header size. With it a caller can stream a large
// payload after the header (masked with apply_mask at the payload offset) instead of building
// the whole frame.
std::size_t write_frame_header(const frame_spec& spec, std::uint64_t payload_length,
                               std::uint8_t* out) noexcept;

// Appends the frame to out; returns the number of bytes appended.
std::size_t write_frame(std::vector<std::uint8_t>& out, const frame_spec& spec,
                        std::span<const std::uint8_t> payload);

} // namespace wsspec
