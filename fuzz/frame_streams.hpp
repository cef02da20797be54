#pragma once
// Two ways to turn a byte stream into frames, to compare: reference_frames() reads the whole
// stream at once with the RFC 6455 §5.2 rules written out plainly (no state machine, no spill
// buffer), and parse_in_chunks() drives the real incremental frame_parser over any chunking,
// checking the parser's contract at every call. Both produce a frame_transcript; for any
// chunking the two must be equal.
//
// The reference applies the rules in the order the parser documents them: the first two octets
// fail as soon as they arrive (RSV bits, opcode, FIN on a control frame at the first octet; MASK
// and a control length over 125 at the second), the extended length when the header is whole
// (non-minimal 16-bit, then MSB and non-minimal 64-bit), then the frame limit.
#include <cstdint>
#include <span>
#include <vector>

#include "codec/frame_parser.hpp"
#include "fuzz/fuzz_util.hpp"

namespace wsspec::fuzz {

struct parsed_frame {
    frame_header header;
    std::uint64_t start = 0;           // stream offset of the header's first byte
    std::vector<std::uint8_t> payload; // unmasked bytes delivered so far
    bool complete = false;             // every payload byte delivered
};

struct frame_transcript {
    std::vector<parsed_frame> frames;
    codec_error error = codec_error::none;
    std::uint64_t error_offset = 0;
};

inline bool same_header(const frame_header& a, const frame_header& b) noexcept {
    return a.fin == b.fin && a.rsv1 == b.rsv1 && a.rsv2 == b.rsv2 && a.rsv3 == b.rsv3 &&
           a.op == b.op && a.masked == b.masked && (!a.masked || a.key == b.key) &&
           a.payload_length == b.payload_length && a.header_size == b.header_size;
}

// Control payloads up to 125 bytes are delivered whole (gathered when split); longer ones exist
// only when control_payload_too_long is lenient and stream like data.
inline bool gathered(const frame_header& h) noexcept {
    return is_control(h.op) && h.payload_length <= max_control_payload;
}

namespace detail {

// The first rule the two fixed octets break, and where.
inline codec_error fixed_octet_rule(std::uint8_t b0, std::uint8_t b1, std::uint64_t start,
                                    const parser_options& o, std::uint64_t& at) noexcept {
    const auto op = static_cast<opcode>(b0 & 0x0F);
    const bool fin = (b0 & 0x80) != 0, masked = (b1 & 0x80) != 0;
    const unsigned rsv = (b0 >> 4) & 7;
    at = start;
    if ((rsv & ~unsigned{o.allowed_rsv}) != 0 && o.enforces(codec_error::reserved_bits_set))
        return codec_error::reserved_bits_set; // §5.2
    if (is_reserved(op) && o.enforces(codec_error::reserved_opcode))
        return codec_error::reserved_opcode; // §5.2
    if (is_control(op) && !fin && o.enforces(codec_error::control_frame_fragmented))
        return codec_error::control_frame_fragmented; // §5.5
    at = start + 1;
    if (o.local_role == role::server && !masked && o.enforces(codec_error::unmasked_client_frame))
        return codec_error::unmasked_client_frame; // §5.1
    if (o.local_role == role::client && masked && o.enforces(codec_error::masked_server_frame))
        return codec_error::masked_server_frame; // §5.1
    if (is_control(op) && (b1 & 0x7F) > 125 && o.enforces(codec_error::control_payload_too_long))
        return codec_error::control_payload_too_long; // §5.5
    return codec_error::none;
}

} // namespace detail

inline frame_transcript reference_frames(std::span<const std::uint8_t> s, const parser_options& o) {
    frame_transcript t;
    const std::uint64_t n = s.size();
    std::uint64_t pos = 0;
    auto fail = [&](codec_error e, std::uint64_t at) {
        t.error = e;
        t.error_offset = at;
        return t;
    };
    while (n - pos >= 2) {
        const std::uint8_t b0 = s[pos], b1 = s[pos + 1];
        std::uint64_t at = 0;
        if (auto e = detail::fixed_octet_rule(b0, b1, pos, o, at); e != codec_error::none)
            return fail(e, at);
        const unsigned len7 = b1 & 0x7F;
        const bool masked = (b1 & 0x80) != 0;
        const unsigned ext = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
        const unsigned hs = 2 + ext + (masked ? 4 : 0);
        if (n - pos < hs) break; // the header is not all here yet
        std::uint64_t len = len7;
        if (ext) {
            len = 0;
            for (unsigned i = 0; i < ext; ++i)
                len = (len << 8) | s[pos + 2 + i];
        }
        const std::uint64_t length_at = pos + (ext ? 2 : 1);
        if (ext == 2 && len < 126 && o.enforces(codec_error::non_minimal_length))
            return fail(codec_error::non_minimal_length, length_at);
        if (ext == 8 && (len >> 63) && o.enforces(codec_error::length_msb_set))
            return fail(codec_error::length_msb_set, length_at);
        // Minimal by the field as sent (a set top bit makes it more than 16 bits' worth).
        if (ext == 8 && len <= 0xFFFF && o.enforces(codec_error::non_minimal_length))
            return fail(codec_error::non_minimal_length, length_at);
        if (ext == 8) len &= ~(std::uint64_t{1} << 63); // leniently, the 63 low bits
        if (len > o.max_frame_payload && o.enforces(codec_error::frame_too_large))
            return fail(codec_error::frame_too_large, length_at);

        parsed_frame f;
        f.header.fin = (b0 & 0x80) != 0;
        f.header.rsv1 = (b0 & 0x40) != 0;
        f.header.rsv2 = (b0 & 0x20) != 0;
        f.header.rsv3 = (b0 & 0x10) != 0;
        f.header.op = static_cast<opcode>(b0 & 0x0F);
        f.header.masked = masked;
        if (masked)
            for (unsigned i = 0; i < 4; ++i)
                f.header.key[i] = s[pos + 2 + ext + i];
        f.header.payload_length = len;
        f.header.header_size = static_cast<std::uint8_t>(hs);
        f.start = pos;
        const std::uint64_t here = n - pos - hs;
        const std::uint64_t avail = len < here ? len : here;
        f.complete = avail == len;
        // §5.3: octet i of the payload is XORed with octet i MOD 4 of the key.
        if (f.complete || !gathered(f.header))
            for (std::uint64_t i = 0; i < avail; ++i)
                f.payload.push_back(static_cast<std::uint8_t>(s[pos + hs + i] ^
                                                              (masked ? f.header.key[i % 4] : 0)));
        t.frames.push_back(std::move(f));
        if (avail < len) break;
        pos += hs + len;
    }
    return t;
}

// Feeds `stream` to p in the given chunks, each copied to its own exactly-sized heap block, and
// checks the parser's contract at every call.
// With `small_frames`, each step first offers the bytes to take_small_frame() (the one-step path
// the message assembler uses) and falls back to feed() when it takes nothing: the transcript
// must be the same.
inline frame_transcript parse_in_chunks(frame_parser& p, std::span<const std::uint8_t> stream,
                                        const std::vector<std::size_t>& chunks,
                                        bool small_frames = false) {
    frame_transcript t;
    const parser_options& o = p.options();
    std::size_t pos = 0;
    for (std::size_t c : chunks) {
        exact_copy buf(stream.subspan(pos, c));
        pos += c;
        std::span<std::uint8_t> in = buf.span();
        for (;;) {
            const std::uint64_t before = p.offset();
            if (small_frames) {
                const small_frame sf = p.take_small_frame(in, max_control_payload);
                if (sf.consumed != 0) {
                    const frame_header& h = p.header();
                    FUZZ_CHECK(p.offset() == before + sf.consumed && p.remaining() == 0 &&
                                   sf.consumed == h.header_size + h.payload_length &&
                                   sf.payload.size() == h.payload_length && h.fin && h.rsv() == 0 &&
                                   !is_control(h.op) && h.op != opcode::cont &&
                                   h.header_size == header_size_for(h.payload_length, h.masked),
                               "take_small_frame took %zu bytes of a frame it must not take",
                               sf.consumed);
                    parsed_frame f;
                    f.header = h;
                    f.start = before;
                    f.complete = true;
                    f.payload.assign(sf.payload.begin(), sf.payload.end());
                    t.frames.push_back(std::move(f));
                    in = in.subspan(sf.consumed);
                    continue;
                }
                FUZZ_CHECK(p.offset() == before, "take_small_frame moved offset() taking nothing");
            }
            const parse_result r = p.feed(in);
            FUZZ_CHECK(r.consumed <= in.size(), "consumed %zu of %zu", r.consumed, in.size());
            if (r.status == parse_status::error) {
                FUZZ_CHECK(r.error != codec_error::none && r.error == p.error(),
                           "error event without its error (%d, %d)", int(r.error), int(p.error()));
                FUZZ_CHECK(p.error_offset() < p.offset(),
                           "error at %llu, but only %llu bytes consumed",
                           (unsigned long long)p.error_offset(), (unsigned long long)p.offset());
                t.error = r.error;
                t.error_offset = p.error_offset();
                // Sticky (llhttp): more bytes change nothing and are not consumed.
                static std::uint8_t more[3] = {0x81, 0x80, 0x00};
                auto rest = in.subspan(r.consumed);
                const auto again = p.feed(rest.empty() ? std::span<std::uint8_t>(more) : rest);
                FUZZ_CHECK(again.status == parse_status::error && again.error == t.error &&
                               again.consumed == 0 && p.error() == t.error &&
                               p.error_offset() == t.error_offset,
                           "error not sticky: status %d error %d consumed %zu", int(again.status),
                           int(again.error), again.consumed);
                return t;
            }
            FUZZ_CHECK(p.offset() == before + r.consumed, "offset() moved by %llu, consumed %zu",
                       (unsigned long long)(p.offset() - before), r.consumed);
            in = in.subspan(r.consumed);
            if (r.status == parse_status::need_more) {
                FUZZ_CHECK(in.empty(), "need_more with %zu bytes left unconsumed", in.size());
                break;
            }
            FUZZ_CHECK(r.consumed > 0, "event %d without progress", int(r.status));
            if (r.status == parse_status::header) {
                const frame_header& h = p.header();
                // §5.2: 2 fixed octets, 0, 2 or 8 octets of extended length, 0 or 4 of key;
                // minimal unless non_minimal_length is lenient.
                const unsigned base = h.header_size - (h.masked ? 4u : 0u);
                FUZZ_CHECK((base == 2 && h.payload_length < 126) || base == 4 || base == 10,
                           "header_size %u for length %llu", unsigned(h.header_size),
                           (unsigned long long)h.payload_length);
                FUZZ_CHECK(!o.enforces(codec_error::non_minimal_length) ||
                               h.header_size == header_size_for(h.payload_length, h.masked),
                           "non-minimal header of %u bytes accepted", unsigned(h.header_size));
                FUZZ_CHECK(r.frame_complete == (h.payload_length == 0) && r.payload.empty(),
                           "header event: frame_complete %d for length %llu", int(r.frame_complete),
                           (unsigned long long)h.payload_length);
                FUZZ_CHECK(!o.enforces(codec_error::frame_too_large) ||
                               h.payload_length <= o.max_frame_payload,
                           "frame of %llu bytes accepted over the %llu limit",
                           (unsigned long long)h.payload_length,
                           (unsigned long long)o.max_frame_payload);
                FUZZ_CHECK(
                    !is_control(h.op) || !o.enforces(codec_error::control_payload_too_long) ||
                        h.payload_length <= max_control_payload,
                    "control frame of %llu bytes accepted", (unsigned long long)h.payload_length);
                FUZZ_CHECK(p.remaining() == h.payload_length, "remaining %llu after the header",
                           (unsigned long long)p.remaining());
                parsed_frame f;
                f.header = h;
                f.start = p.offset() - h.header_size;
                f.complete = r.frame_complete;
                t.frames.push_back(std::move(f));
                continue;
            }
            FUZZ_CHECK(!t.frames.empty() && !t.frames.back().complete, "payload without a frame");
            parsed_frame& f = t.frames.back();
            const frame_header& h = f.header;
            const auto n = r.payload.size();
            FUZZ_CHECK(n > 0, "empty payload event");
            if (gathered(h)) {
                FUZZ_CHECK(n == h.payload_length && r.frame_complete,
                           "control payload delivered in pieces (%zu of %llu)", n,
                           (unsigned long long)h.payload_length);
            } else {
                // Zero-copy: a data payload is a view of the bytes just consumed.
                FUZZ_CHECK(n == r.consumed && r.payload.data() + n == in.data(),
                           "data payload is not the consumed bytes of the caller's buffer");
            }
            f.payload.insert(f.payload.end(), r.payload.begin(), r.payload.end());
            FUZZ_CHECK(f.payload.size() <= h.payload_length,
                       "%zu payload bytes for a %llu-byte frame", f.payload.size(),
                       (unsigned long long)h.payload_length);
            FUZZ_CHECK(p.remaining() == h.payload_length - f.payload.size(), "remaining() is %llu",
                       (unsigned long long)p.remaining());
            f.complete = r.frame_complete;
            FUZZ_CHECK(f.complete == (f.payload.size() == h.payload_length),
                       "frame_complete %d after %zu of %llu bytes", int(f.complete),
                       f.payload.size(), (unsigned long long)h.payload_length);
        }
    }
    FUZZ_CHECK(p.offset() == stream.size() && p.error() == codec_error::none,
               "stream of %zu bytes ended at offset %llu", stream.size(),
               (unsigned long long)p.offset());
    return t;
}

// Aborts, naming the first difference, unless the transcripts are equal.
inline void expect_same(const frame_transcript& want, const frame_transcript& got,
                        const char* how) {
    const std::size_t n =
        want.frames.size() < got.frames.size() ? want.frames.size() : got.frames.size();
    for (std::size_t i = 0; i < n; ++i) {
        const auto &a = want.frames[i], &b = got.frames[i];
        FUZZ_CHECK(same_header(a.header, b.header) && a.start == b.start,
                   "%s: frame %zu header differs (op %d/%d, length %llu/%llu, start %llu/%llu)",
                   how, i, int(a.header.op), int(b.header.op),
                   (unsigned long long)a.header.payload_length,
                   (unsigned long long)b.header.payload_length, (unsigned long long)a.start,
                   (unsigned long long)b.start);
        FUZZ_CHECK(a.payload == b.payload && a.complete == b.complete,
                   "%s: frame %zu payload differs (%zu/%zu bytes, complete %d/%d)", how, i,
                   a.payload.size(), b.payload.size(), int(a.complete), int(b.complete));
    }
    FUZZ_CHECK(want.frames.size() == got.frames.size(), "%s: %zu frames expected, %zu parsed", how,
               want.frames.size(), got.frames.size());
    FUZZ_CHECK(want.error == got.error && want.error_offset == got.error_offset,
               "%s: expected error %d at %llu, got %d at %llu", how, int(want.error),
               (unsigned long long)want.error_offset, int(got.error),
               (unsigned long long)got.error_offset);
}

} // namespace wsspec::fuzz
