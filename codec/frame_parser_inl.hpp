#pragma once
// frame_parser's per-frame path, inline: included by frame_parser.hpp, not meant to be included
// alone. These are the only definitions of the header rules and of the payload step; they live
// here rather than in frame_parser.cpp so that feed_frame(), a template, compiles into its
// caller (the message assembler) with no call for a whole small frame, and feed() into
// frame_parser.cpp the same way. The uncommon paths (a header split across reads, a split
// control payload, errors) stay out of line in frame_parser.cpp.
#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstring>
#include <iterator>

#include "codec/frame_parser.hpp"
#include "codec/mask.hpp"

namespace wsspec {
namespace detail {

// Header bytes implied by the first two octets (§5.2: 7-bit length 126 → 16-bit extended
// length, 127 → 64-bit; MASK bit → 4-byte key).
constexpr std::size_t header_size_from(std::uint8_t b1) noexcept {
    std::uint8_t len7 = b1 & 0x7F;
    std::size_t n = len7 == 126 ? 4 : len7 == 127 ? 10 : 2;
    return n + ((b1 & 0x80) ? 4 : 0);
}

// header_size_from() for every second octet, so the per-frame path looks it up in one load.
inline constexpr auto header_sizes = [] {
    std::array<std::uint8_t, 256> t{};
    for (std::size_t b1 = 0; b1 < t.size(); ++b1)
        t[b1] = static_cast<std::uint8_t>(header_size_from(static_cast<std::uint8_t>(b1)));
    return t;
}();

template <class Word>
inline void xor_word(std::uint8_t* p, Word k) noexcept {
    Word w;
    std::memcpy(&w, p, sizeof w); // payloads sit at any offset: unaligned-safe loads and stores
    w ^= k;
    std::memcpy(p, &w, sizeof w);
}

// Payloads up to this size are unmasked here, a word at a time: for a handful of bytes the call
// into the SIMD kernel (dispatch, key rotation, vector setup) costs more than the XOR itself.
inline constexpr std::size_t short_payload = 32;

// RFC 6455 §5.3 on p[0, n), where p[0] is payload octet `phase` (mod 4). Returns the next phase.
[[gnu::always_inline]] inline std::uint8_t
unmask_short(std::uint8_t* p, std::size_t n, const mask_key& key, std::uint8_t phase) noexcept {
    std::uint32_t k; // the key as it meets p[0]: memory byte j is key[(phase + j) % 4]
    std::memcpy(&k, key.data(), 4);
    if constexpr (std::endian::native == std::endian::little)
        k = std::rotr(k, 8 * phase);
    else
        k = std::rotl(k, 8 * phase);
    const std::uint64_t k8 = (std::uint64_t{k} << 32) | k;
    // Straight-line code for n <= 32: a loop here gets vectorised with a prologue longer than
    // the work.
    std::size_t i = 0;
    if (n >= 16) {
        xor_word(p, k8);
        xor_word(p + 8, k8);
        i = 16;
    }
    if (n - i >= 16) {
        xor_word(p + i, k8);
        xor_word(p + i + 8, k8);
        i += 16;
    }
    if (n - i >= 8) {
        xor_word(p + i, k8);
        i += 8;
    }
    if (i + 4 <= n) {
        xor_word(p + i, k);
        i += 4;
    }
    std::uint8_t kb[4];
    std::memcpy(kb, &k, 4);
    if (i + 2 <= n) {
        std::uint16_t k2;
        std::memcpy(&k2, kb, 2);
        xor_word(p + i, k2);
        i += 2;
    }
    if (i < n) p[i] ^= kb[i & 3];
    return static_cast<std::uint8_t>((phase + n) & 3);
}

// The rules decidable from the first two octets (§5.2 RSV bits and opcode, §5.5 control
// frames, §5.1 masking), in the order they are reported, with the octet that breaks each
// (0: FIN, RSV, opcode; 1: MASK, length). Bit i of a "broken" set stands for rule i.
struct fixed_rule {
    codec_error error;
    std::uint8_t octet;
};
inline constexpr fixed_rule fixed_rules[] = {
    {codec_error::reserved_bits_set, 0},        {codec_error::reserved_opcode, 0},
    {codec_error::control_frame_fragmented, 0}, {codec_error::unmasked_client_frame, 1},
    {codec_error::masked_server_frame, 1},      {codec_error::control_payload_too_long, 1},
};
inline constexpr std::uint8_t rule_bit(codec_error e) noexcept {
    for (std::size_t i = 0; i < std::size(fixed_rules); ++i)
        if (fixed_rules[i].error == e) return static_cast<std::uint8_t>(1u << i);
    return 0;
}
// control_payload_too_long needs both octets: the first says "control frame", the second
// "length over 125"; each table marks its half with this bit and broken_fixed_rules() joins them.
inline constexpr std::uint8_t half_rule = 0x80;

// The rules, each stated once: what the first octet breaks when `allowed_rsv` RSV bits were
// negotiated, and what the second octet breaks in `local_role`.
constexpr std::uint8_t first_octet_rules(std::uint8_t b0, std::uint8_t allowed_rsv) noexcept {
    const auto op = static_cast<opcode>(b0 & 0x0F);
    const std::uint8_t rsv = static_cast<std::uint8_t>((b0 >> 4) & 0x7);
    const bool fin = (b0 & 0x80) != 0;
    std::uint8_t r = 0;
    if ((rsv & ~allowed_rsv) != 0) r |= rule_bit(codec_error::reserved_bits_set);
    if (is_reserved(op)) r |= rule_bit(codec_error::reserved_opcode);
    if (is_control(op) && !fin) r |= rule_bit(codec_error::control_frame_fragmented);
    if (is_control(op)) r |= half_rule; // control_payload_too_long, with the second octet's half
    return r;
}
constexpr std::uint8_t second_octet_rules(std::uint8_t b1, role local_role) noexcept {
    const bool masked = (b1 & 0x80) != 0;
    std::uint8_t r = 0;
    if (local_role == role::server && !masked) r |= rule_bit(codec_error::unmasked_client_frame);
    if (local_role == role::client && masked) r |= rule_bit(codec_error::masked_server_frame);
    if ((b1 & 0x7F) > max_control_payload) r |= half_rule; // control_payload_too_long
    return r;
}

// The same, tabulated for every octet value, so that a header's rules cost two loads: by
// allowed RSV bits (only three exist) and by role.
inline constexpr auto first_octet_table = [] {
    std::array<std::array<std::uint8_t, 256>, 8> t{};
    for (std::size_t a = 0; a < t.size(); ++a)
        for (std::size_t b = 0; b < 256; ++b)
            t[a][b] = first_octet_rules(static_cast<std::uint8_t>(b), static_cast<std::uint8_t>(a));
    return t;
}();
inline constexpr auto second_octet_table = [] {
    std::array<std::array<std::uint8_t, 256>, 2> t{};
    for (std::size_t b = 0; b < 256; ++b) {
        t[0][b] = second_octet_rules(static_cast<std::uint8_t>(b), role::client);
        t[1][b] = second_octet_rules(static_cast<std::uint8_t>(b), role::server);
    }
    return t;
}();

} // namespace detail

inline frame_parser::frame_parser(parser_options options) noexcept
    : opt_(options), first_octet_rules_(detail::first_octet_table[opt_.allowed_rsv & 7].data()),
      second_octet_rules_(
          detail::second_octet_table[opt_.local_role == role::server ? 1 : 0].data()) {}

// The fixed-octet rules (b0, b1) break: bit i set for detail::fixed_rules[i].
[[gnu::always_inline]] inline std::uint32_t
frame_parser::broken_fixed_rules(std::uint8_t b0, std::uint8_t b1) const noexcept {
    const std::uint32_t first = first_octet_rules_[b0];
    const std::uint32_t second = second_octet_rules_[b1];
    constexpr std::uint32_t halves = detail::half_rule;
    return ((first | second) & ~halves) |
           ((first & second & halves) != 0 ? detail::rule_bit(codec_error::control_payload_too_long)
                                           : 0u);
}

// The fixed octets of a header: codec_error::none, or the rule to fail with and, in `at`, the
// stream position of the octet that breaks it. A bad frame fails as soon as both arrive. A
// good header costs one test.
[[gnu::always_inline]] inline codec_error
frame_parser::check_fixed_bytes(std::uint8_t b0, std::uint8_t b1,
                                std::uint64_t& at) const noexcept {
    const std::uint32_t broken = broken_fixed_rules(b0, b1);
    if (broken == 0) [[likely]]
        return codec_error::none;
    return fixed_rule_error(broken, at);
}

// The one place a header is decoded and checked (§5.2), whether it lies whole in the caller's
// buffer or was gathered in spill_ across reads: p holds a complete header of `size` bytes
// (header_size_from(p[1])), the last `taken` of which came from this call. hdr_ is written
// field by field, not assigned from a local frame_header: copying a struct just built with byte
// stores makes the CPU wait for a failed store-to-load forward, which cost more than the rest of
// a small frame. The header event goes through on_header(), so that feed_frame() continues
// straight into the payload from here.
template <class OnHeader>
[[gnu::always_inline]] inline parse_result
frame_parser::decode_header(const std::uint8_t* p, std::size_t size, std::size_t taken,
                            OnHeader&& on_header) noexcept {
    const std::uint8_t b0 = p[0];
    const std::uint8_t b1 = p[1];
    std::uint64_t at = 0;
    if (auto e = check_fixed_bytes(b0, b1, at); e != codec_error::none)
        return fail(e, at, consumed_through(at));
    const std::uint8_t len7 = b1 & 0x7F;
    const std::uint8_t* q = p + 2;
    std::uint64_t length = len7;
    if (len7 >= 126) {
        // The byte that carries the length: the start of the extended field.
        const std::uint64_t length_at = header_start_ + 2;
        if (len7 == 126) {
            length = (std::uint64_t{q[0]} << 8) | q[1];
            q += 2;
            if (length < 126 && opt_.enforces(codec_error::non_minimal_length))
                return fail(codec_error::non_minimal_length, length_at, taken);
        } else {
            std::uint64_t v = 0;
            for (int i = 0; i < 8; ++i)
                v = (v << 8) | q[i];
            q += 8;
            length = v;
            if ((v >> 63) != 0) {
                if (opt_.enforces(codec_error::length_msb_set))
                    return fail(codec_error::length_msb_set, length_at, taken);
                // Leniently: the 63 low bits, as a parser that masks the bit off reads them.
                length = v & ~(std::uint64_t{1} << 63);
            }
            if (v <= 0xFFFF && opt_.enforces(codec_error::non_minimal_length))
                return fail(codec_error::non_minimal_length, length_at, taken);
        }
    }
    if (length > opt_.max_frame_payload && opt_.enforces(codec_error::frame_too_large))
        return fail(codec_error::frame_too_large, header_start_ + (len7 < 126 ? 1 : 2), taken);

    // FIN, RSV1, RSV2, RSV3 (b0's high nibble, bits 3..0) into the four consecutive bools fin,
    // rsv1, rsv2, rsv3 with one store: the multiply places a copy of the nibble at bits 0, 9, 18
    // and 27, which puts nibble bit 3-i at bit 3 of byte i, without carries.
    static_assert(offsetof(frame_header, rsv1) == offsetof(frame_header, fin) + 1 &&
                  offsetof(frame_header, rsv2) == offsetof(frame_header, fin) + 2 &&
                  offsetof(frame_header, rsv3) == offsetof(frame_header, fin) + 3 &&
                  sizeof(bool) == 1);
    std::uint32_t flags = ((std::uint32_t{b0} >> 4) * 0x08040201u >> 3) & 0x01010101u;
    if constexpr (std::endian::native == std::endian::big) flags = __builtin_bswap32(flags);
    std::memcpy(reinterpret_cast<unsigned char*>(&hdr_) + offsetof(frame_header, fin), &flags, 4);
    hdr_.op = static_cast<opcode>(b0 & 0x0F);
    hdr_.masked = (b1 & 0x80) != 0;
    if (hdr_.masked)
        std::memcpy(hdr_.key.data(), q, 4);
    else
        hdr_.key = mask_key{};
    hdr_.payload_length = length;
    hdr_.header_size = static_cast<std::uint8_t>(size);

    remaining_ = length;
    mask_phase_ = 0;
    control_len_ = 0;
    offset_ += taken;
    const bool empty = length == 0;
    // Branch-free: header (0) when the frame is empty, else payload (1). header_start_ is only
    // read in the header state, and the payload step sets it again when the frame ends.
    static_assert(static_cast<int>(state::header) == 0 && static_cast<int>(state::payload) == 1);
    state_ = static_cast<state>(!empty);
    header_start_ = offset_;
    return on_header(parse_result{parse_status::header, taken, {}, empty, codec_error::none});
}

// Payload bytes from `in`: the payload event (or need_more while a split control payload is
// gathered), with `before` bytes already taken by this call (feed_frame() takes the header
// first) counted in its `consumed`. Returned by value and inlined, so the result stays in
// registers; take no address of it on this path.
[[gnu::always_inline]] inline parse_result frame_parser::take_payload(std::span<std::uint8_t> in,
                                                                      std::size_t before) noexcept {
    if (in.empty()) return parse_result{parse_status::need_more, before, {}, false, {}};
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, in.size()));
    std::span<std::uint8_t> view = in.first(n);
    // Only a control payload that fits the gather buffer is gathered; one that is longer can
    // only exist when control_payload_too_long is lenient, and streams like data instead.
    const bool gather = is_control(hdr_.op) && hdr_.payload_length <= max_control_payload &&
                        (control_len_ != 0 || n < remaining_);
    if (gather) {
        // Gather a split control payload so it is delivered whole (unmasked there).
        if (!gather_control(view))
            return parse_result{parse_status::need_more, before + n, {}, false, {}};
        view = std::span<std::uint8_t>(control_, control_len_);
    }
    // The position is updated before the payload is unmasked: the stores through `view` may
    // alias anything, so after them the compiler reloads remaining_ and offset_, and a load
    // (vectorised, 16 bytes) of two fields just stored by decode_header() cannot be forwarded
    // from the store buffer and stalls.
    const std::uint8_t phase = mask_phase_;
    const bool done = advance_payload(n);
    if (!gather && hdr_.masked)
        mask_phase_ = n <= detail::short_payload
                          ? detail::unmask_short(view.data(), n, hdr_.key, phase)
                          : static_cast<std::uint8_t>(apply_mask(view, hdr_.key, phase));
    return parse_result{parse_status::payload, before + n, view, done, codec_error::none};
}

// n payload bytes taken: the position moves, and the frame ends when none remain. True then.
[[gnu::always_inline]] inline bool frame_parser::advance_payload(std::size_t n) noexcept {
    remaining_ -= n;
    offset_ += n;
    if (remaining_ != 0) return false;
    state_ = state::header;
    header_start_ = offset_;
    return true;
}

// take_payload() for the case feed_frame() takes: the header just decoded (no control payload
// gathered yet), its payload of remaining_ > 0 bytes whole at p. Such a payload is never
// gathered (it is not split), so the frame ends here: one commit of the position and state.
[[gnu::always_inline]] inline parse_result
frame_parser::take_whole_payload(std::uint8_t* p, std::size_t before) noexcept {
    const auto n = static_cast<std::size_t>(remaining_);
    // As in take_payload(): the position first, then the stores through p.
    remaining_ = 0;
    offset_ += n;
    header_start_ = offset_;
    state_ = state::header;
    if (hdr_.masked)
        mask_phase_ = n <= detail::short_payload
                          ? detail::unmask_short(p, n, hdr_.key, 0)
                          : static_cast<std::uint8_t>(apply_mask({p, n}, hdr_.key, 0));
    return parse_result{parse_status::payload, before + n, {p, n}, true, codec_error::none};
}

// feed(): one event from `in`; a header event is passed through on_header().
template <class OnHeader>
[[gnu::always_inline]] inline parse_result frame_parser::next(std::span<std::uint8_t> in,
                                                              OnHeader&& on_header) noexcept {
    if (state_ != state::header) [[unlikely]] {
        if (state_ == state::payload) return take_payload(in, 0);
        return parse_result{parse_status::error, 0, {}, false, error_};
    }
    // The whole header is in the caller's buffer: decode it in place. (Between frames, with
    // nothing gathered, header_start_ == offset_ already.)
    if (spill_len_ == 0 && in.size() >= 2) [[likely]] {
        const std::size_t size = detail::header_sizes[in[1]];
        if (in.size() >= size) [[likely]]
            return decode_header(in.data(), size, size, on_header);
    }
    if (in.empty()) return {};
    const parse_result r = gather_header(in);
    return r.status == parse_status::header ? on_header(r) : r;
}

[[gnu::always_inline]] inline small_frame
frame_parser::take_small_frame(std::span<std::uint8_t> in, std::size_t max_payload) noexcept {
    if (state_ != state::header || spill_len_ != 0 || in.size() < 2) return {};
    const std::uint8_t b0 = in[0];
    const std::uint8_t b1 = in[1];
    // 0x81 (FIN, text) or 0x82 (FIN, binary): no RSV bit, no other opcode.
    if (static_cast<unsigned>(b0 - 0x81) > 1u) return {};
    const bool masked = (b1 & 0x80) != 0;
    if (masked != (opt_.local_role == role::server)) return {};
    const std::size_t length = b1 & 0x7F;
    const std::size_t header_size = masked ? 6 : 2;
    if (length > max_payload || length > opt_.max_frame_payload || in.size() < header_size + length)
        return {};
    // Written field by field, as decode_header() does (no struct copy: see there).
    constexpr std::uint32_t fin_only = std::endian::native == std::endian::little ? 1u : 1u << 24;
    std::memcpy(reinterpret_cast<unsigned char*>(&hdr_) + offsetof(frame_header, fin), &fin_only,
                4);
    hdr_.op = static_cast<opcode>(b0 & 0x0F);
    hdr_.masked = masked;
    if (masked)
        std::memcpy(hdr_.key.data(), in.data() + 2, 4);
    else
        hdr_.key = mask_key{};
    hdr_.payload_length = length;
    hdr_.header_size = static_cast<std::uint8_t>(header_size);
    // Between frames remaining_ is 0 and the state stays `header`; only the position moves.
    offset_ += header_size + length;
    header_start_ = offset_;
    std::uint8_t* p = in.data() + header_size;
    if (masked) {
        if (length <= detail::short_payload)
            detail::unmask_short(p, length, hdr_.key, 0);
        else
            apply_mask({p, length}, hdr_.key, 0);
    }
    return small_frame{header_size + length, {p, length}};
}

[[gnu::always_inline]] inline parse_result
frame_parser::copy_payload(std::span<const std::uint8_t> src,
                           std::span<std::uint8_t> dst) noexcept {
    const auto n = static_cast<std::size_t>(
        std::min<std::uint64_t>(remaining_, std::min(src.size(), dst.size())));
    const std::uint8_t phase = mask_phase_;
    const bool done = advance_payload(n);
    mask_phase_ = static_cast<std::uint8_t>(copy_masked(src.first(n), dst.data(), hdr_.key, phase));
    return parse_result{parse_status::payload, n, dst.first(n), done, codec_error::none};
}

template <class Admit>
inline parse_result frame_parser::feed_frame(std::span<std::uint8_t> in, Admit&& admit) noexcept {
    return next(in, [&](const parse_result& r) {
        if (admit(hdr_) && !r.frame_complete && remaining_ <= in.size() - r.consumed)
            return take_whole_payload(in.data() + r.consumed, r.consumed);
        return r;
    });
}

} // namespace wsspec
