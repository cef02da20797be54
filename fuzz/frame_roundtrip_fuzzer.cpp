// Encode, then parse: must be the identity. The input describes a stream of frames; each is
// written either by the strict encode_frame() (which must refuse exactly what RFC 6455 §5
// forbids, writing nothing) or by write_frame(), which writes anything, including reserved
// opcodes and bits and 16/64-bit lengths for short payloads. The stream is parsed back in reads
// picked by the chunk seed: every field, the header size the encoding implies, and the payload
// must come back as built, with nothing left over.
//
//   byte 0   bit 0: all frames masked (parsed as a server), else unmasked (parsed as a client)
//   byte 1   chunk seed
//   per frame, 8 bytes then the payload:
//     a  bit 0 write_frame, else encode_frame; bit 1 FIN; bits 2-4 RSV; bits 5-6 length
//        encoding (write_frame); bit 7 a payload over 64 KiB (bytes repeated; once per input)
//     b  low nibble opcode; bits 4-6 the RSV bits encode_frame is allowed to set
//     c-f  masking key        g-h  payload length (big-endian, cut to the bytes left)
#include <algorithm>
#include <cstring>

#include "codec/frame_encoder.hpp"
#include "fuzz/frame_streams.hpp"

using namespace wsspec;
using namespace wsspec::fuzz;

namespace {

struct built_frame {
    frame_header header;
    std::vector<std::uint8_t> payload;
};

// What encode_frame must refuse, in the order it documents (§5.2, then §5.5).
codec_error strict_rule(const frame_options& f, std::size_t payload, std::uint8_t allowed) {
    if (is_reserved(f.op)) return codec_error::reserved_opcode;
    if ((f.rsv & ~allowed & 7) != 0) return codec_error::reserved_bits_set;
    if (is_control(f.op) && !f.fin) return codec_error::control_frame_fragmented;
    if (is_control(f.op) && payload > max_control_payload)
        return codec_error::control_payload_too_long;
    return codec_error::none;
}

frame_header expected_header(bool fin, std::uint8_t rsv, std::uint8_t op,
                             const std::optional<mask_key>& key, std::uint64_t length,
                             std::size_t length_field) {
    frame_header h;
    h.fin = fin;
    h.rsv1 = (rsv & 4) != 0;
    h.rsv2 = (rsv & 2) != 0;
    h.rsv3 = (rsv & 1) != 0;
    h.op = static_cast<opcode>(op & 0x0F);
    h.masked = key.has_value();
    if (key) h.key = *key;
    h.payload_length = length;
    h.header_size = static_cast<std::uint8_t>(2 + length_field + (key ? 4 : 0));
    return h;
}

std::size_t minimal_length_field(std::uint64_t n) {
    return n < 126 ? 0 : n <= 0xFFFF ? 2 : 8;
}

// encode_frame: refuses with nothing written, or writes exactly what write_frame writes.
bool encode_strict(std::vector<std::uint8_t>& stream, const frame_options& f, std::uint8_t allowed,
                   std::span<const std::uint8_t> payload) {
    const codec_error rule = strict_rule(f, payload.size(), allowed);
    const std::size_t need = encoded_size(payload.size(), f.mask.has_value());
    std::vector<std::uint8_t> out(need, 0xA5);
    const encode_result r = encode_frame(f, payload, out, allowed);
    FUZZ_CHECK(r.error == rule, "encode_frame returned error %d, the rules say %d", int(r.error),
               int(rule));
    if (rule != codec_error::none) {
        FUZZ_CHECK(r.size == 0 && std::count(out.begin(), out.end(), 0xA5) == std::ptrdiff_t(need),
                   "encode_frame wrote %zu bytes while refusing", r.size);
        return false;
    }
    FUZZ_CHECK(r.size == need, "encode_frame wrote %zu bytes, encoded_size() says %zu", r.size,
               need);
    // One byte short: frame_too_large, nothing written.
    std::vector<std::uint8_t> small(need - 1, 0xA5);
    const encode_result s = encode_frame(f, payload, small, allowed);
    FUZZ_CHECK(s.error == codec_error::frame_too_large && s.size == 0 &&
                   std::count(small.begin(), small.end(), 0xA5) == std::ptrdiff_t(need - 1),
               "encode_frame into a short buffer: error %d, %zu bytes", int(s.error), s.size);
    // The same frame through the encoder that can lie, told the truth.
    frame_spec spec;
    spec.opcode_nibble = static_cast<std::uint8_t>(f.op);
    spec.fin = f.fin;
    spec.rsv = f.rsv;
    spec.mask = f.mask;
    std::vector<std::uint8_t> other;
    FUZZ_CHECK(write_frame(other, spec, payload) == need && other == out,
               "encode_frame and write_frame disagree on the same frame");
    std::uint8_t header[max_header_size];
    const std::size_t hs = encode_header(f, payload.size(), header);
    FUZZ_CHECK(hs == need - payload.size() && std::memcmp(header, out.data(), hs) == 0,
               "encode_header differs from encode_frame's header");
    stream.insert(stream.end(), out.begin(), out.end());
    return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    byte_reader in(data, size);
    const bool masked = (in.u8() & 1) != 0;
    std::uint8_t chunk_seed = in.u8();

    std::vector<std::uint8_t> stream;
    std::vector<built_frame> built;
    std::vector<std::uint8_t> big;
    bool any_raw = false, big_used = false;
    std::uint8_t rsv_seen = 0;
    while (in.remaining() > 0) {
        const std::uint8_t a = in.u8(), b = in.u8();
        mask_key key{in.u8(), in.u8(), in.u8(), in.u8()};
        const std::uint16_t declared = in.u16();
        std::span<const std::uint8_t> payload = in.take(declared);
        if ((a & 0x80) && !big_used) {
            big_used = true;
            big.resize(0x10000 + declared % 256);
            for (std::size_t i = 0; i < big.size(); ++i)
                big[i] = payload.empty() ? std::uint8_t(i) : payload[i % payload.size()];
            payload = big;
        }
        const bool raw = (a & 1) != 0, fin = (a & 2) != 0;
        const std::uint8_t rsv = (a >> 2) & 7, op = b & 0x0F;
        const std::optional<mask_key> mask = masked ? std::optional<mask_key>(key) : std::nullopt;
        if (!raw) {
            frame_options f;
            f.op = static_cast<opcode>(op);
            f.fin = fin;
            f.rsv = rsv;
            f.mask = mask;
            if (!encode_strict(stream, f, (b >> 4) & 7, payload)) continue;
            built.push_back({expected_header(fin, rsv, op, mask, payload.size(),
                                             minimal_length_field(payload.size())),
                             {payload.begin(), payload.end()}});
            rsv_seen |= rsv;
            continue;
        }
        any_raw = true;
        frame_spec spec;
        spec.opcode_nibble = op;
        spec.fin = fin;
        spec.rsv = rsv;
        spec.mask = mask;
        spec.encoding = static_cast<length_encoding>((a >> 5) & 3);
        // Bytes of extended length the encoding writes. A 7-bit field only says lengths under
        // 126 (126 and 127 announce extended ones) and a 16-bit one lengths up to 0xFFFF.
        std::size_t used = 8;
        switch (spec.encoding) {
        case length_encoding::minimal: used = minimal_length_field(payload.size()); break;
        case length_encoding::force_7:
            used = minimal_length_field(payload.size());
            if (used != 0) spec.encoding = length_encoding::minimal;
            break;
        case length_encoding::force_16:
            if (payload.size() <= 0xFFFF)
                used = 2;
            else
                spec.encoding = length_encoding::force_64;
            break;
        case length_encoding::force_64: break;
        }
        const std::size_t before = stream.size();
        const std::size_t n = write_frame(stream, spec, payload);
        FUZZ_CHECK(n == stream.size() - before && n == 2 + used + (masked ? 4 : 0) + payload.size(),
                   "write_frame returned %zu for a %zu-byte frame", n, stream.size() - before);
        built.push_back({expected_header(fin, rsv, op, mask, payload.size(), used),
                         {payload.begin(), payload.end()}});
    }

    parser_options opt;
    opt.local_role = masked ? role::server : role::client;
    if (any_raw) {
        // write_frame breaks rules on purpose; the parser is told to let every one through.
        opt.allowed_rsv = 7;
        opt.lenient = ~leniency{0};
    } else {
        opt.allowed_rsv = rsv_seen; // strict frames must pass a strict parser
    }
    if (stream.size() > 8192) chunk_seed |= 7; // reads of up to 4 KiB keep big frames quick
    frame_parser p(opt);
    const frame_transcript t = parse_in_chunks(p, stream, chunk_sizes(stream.size(), chunk_seed));
    // The same stream through the one-step path for whole small frames must read the same.
    frame_parser small(opt);
    expect_same(t, parse_in_chunks(small, stream, {stream.size()}, true), "small frames");
    FUZZ_CHECK(t.error == codec_error::none, "parsing what was encoded failed: error %d at %llu",
               int(t.error), (unsigned long long)t.error_offset);
    FUZZ_CHECK(t.frames.size() == built.size(), "%zu frames encoded, %zu parsed", built.size(),
               t.frames.size());
    for (std::size_t i = 0; i < built.size(); ++i) {
        const auto& want = built[i];
        const auto& got = t.frames[i];
        FUZZ_CHECK(
            same_header(want.header, got.header),
            "frame %zu: header differs (op %d/%d fin %d/%d rsv %d/%d length %llu/%llu size %u/%u)",
            i, int(want.header.op), int(got.header.op), int(want.header.fin), int(got.header.fin),
            int(want.header.rsv()), int(got.header.rsv()),
            (unsigned long long)want.header.payload_length,
            (unsigned long long)got.header.payload_length, unsigned(want.header.header_size),
            unsigned(got.header.header_size));
        FUZZ_CHECK(got.complete && got.payload == want.payload, "frame %zu: payload differs", i);
    }
    return 0;
}
