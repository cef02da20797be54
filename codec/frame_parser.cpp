#include "codec/frame_parser.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

#include "codec/mask.hpp"

namespace wsspec {
namespace {

// Header bytes implied by the first two octets (§5.2: 7-bit length 126 → 16-bit extended
// length, 127 → 64-bit; MASK bit → 4-byte key).
constexpr std::size_t header_size_from(std::uint8_t b1) noexcept {
    std::uint8_t len7 = b1 & 0x7F;
    std::size_t n = len7 == 126 ? 4 : len7 == 127 ? 10 : 2;
    return n + ((b1 & 0x80) ? 4 : 0);
}

template <class Word>
void xor_word(std::uint8_t* p, Word k) noexcept {
    Word w;
    std::memcpy(&w, p, sizeof w); // payloads sit at any offset: unaligned-safe loads and stores
    w ^= k;
    std::memcpy(p, &w, sizeof w);
}

// Payloads up to this size are unmasked here, a word at a time: for a handful of bytes the call
// into the SIMD kernel (dispatch, key rotation, vector setup) costs more than the XOR itself.
constexpr std::size_t short_payload = 32;

// RFC 6455 §5.3 on p[0, n), where p[0] is payload octet `phase` (mod 4). Returns the next phase.
std::uint8_t unmask_short(std::uint8_t* p, std::size_t n, const mask_key& key,
                          std::uint8_t phase) noexcept {
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

} // namespace

parse_result frame_parser::fail(codec_error e, std::uint64_t at, std::size_t consumed) noexcept {
    state_ = state::failed;
    error_ = e;
    error_offset_ = at;
    offset_ += consumed;
    return parse_result{parse_status::error, consumed, {}, false, e};
}

// A header rule broken at stream position `at`: the failing call consumes up to and including
// that byte, or, when the byte came in an earlier read, the one byte that completed the check.
std::size_t frame_parser::consumed_through(std::uint64_t at) const noexcept {
    return at < offset_ ? 1 : static_cast<std::size_t>(at - offset_) + 1;
}

// Rules decidable from the first two octets, so a bad frame fails as soon as they arrive.
[[gnu::always_inline]] inline codec_error
frame_parser::check_fixed_bytes(std::uint8_t b0, std::uint8_t b1,
                                std::uint64_t& at) const noexcept {
    auto op = static_cast<opcode>(b0 & 0x0F);
    std::uint8_t rsv = static_cast<std::uint8_t>((b0 >> 4) & 0x7);
    at = header_start_;
    if ((rsv & ~opt_.allowed_rsv) != 0 && opt_.enforces(codec_error::reserved_bits_set))
        return codec_error::reserved_bits_set;
    if (is_reserved(op) && opt_.enforces(codec_error::reserved_opcode))
        return codec_error::reserved_opcode;
    if (is_control(op) && !(b0 & 0x80) && opt_.enforces(codec_error::control_frame_fragmented))
        return codec_error::control_frame_fragmented;
    at = header_start_ + 1;
    bool masked = (b1 & 0x80) != 0;
    if (opt_.local_role == role::server && !masked &&
        opt_.enforces(codec_error::unmasked_client_frame))
        return codec_error::unmasked_client_frame;
    if (opt_.local_role == role::client && masked &&
        opt_.enforces(codec_error::masked_server_frame))
        return codec_error::masked_server_frame;
    if (is_control(op) && (b1 & 0x7F) > max_control_payload &&
        opt_.enforces(codec_error::control_payload_too_long))
        return codec_error::control_payload_too_long;
    return codec_error::none;
}

// The one place a header is decoded and checked (§5.2), whether it lies whole in the caller's
// buffer or was gathered in spill_ across reads: p holds a complete header of
// header_size_from(p[1]) bytes, the last `taken` of which came from this call. hdr_ is written
// field by field, not assigned from a local frame_header: copying a struct just built with byte
// stores makes the CPU wait for a failed store-to-load forward, which cost more than the rest of
// a small frame.
[[gnu::always_inline]] inline parse_result frame_parser::decode_header(const std::uint8_t* p,
                                                                       std::size_t taken) noexcept {
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
            if ((v >> 63) != 0 && opt_.enforces(codec_error::length_msb_set))
                return fail(codec_error::length_msb_set, length_at, taken);
            if (v <= 0xFFFF && opt_.enforces(codec_error::non_minimal_length))
                return fail(codec_error::non_minimal_length, length_at, taken);
        }
    }
    if (length > opt_.max_frame_payload && opt_.enforces(codec_error::frame_too_large))
        return fail(codec_error::frame_too_large, header_start_ + (len7 < 126 ? 1 : 2), taken);

    hdr_.fin = (b0 & 0x80) != 0;
    hdr_.rsv1 = (b0 & 0x40) != 0;
    hdr_.rsv2 = (b0 & 0x20) != 0;
    hdr_.rsv3 = (b0 & 0x10) != 0;
    hdr_.op = static_cast<opcode>(b0 & 0x0F);
    hdr_.masked = (b1 & 0x80) != 0;
    if (hdr_.masked)
        std::memcpy(hdr_.key.data(), q, 4);
    else
        hdr_.key = mask_key{};
    hdr_.payload_length = length;
    hdr_.header_size = static_cast<std::uint8_t>(header_size_from(b1));

    remaining_ = length;
    mask_phase_ = 0;
    control_len_ = 0;
    spill_len_ = 0;
    offset_ += taken;
    const bool empty = length == 0;
    state_ = empty ? state::header : state::payload;
    if (empty) header_start_ = offset_;
    return parse_result{parse_status::header, taken, {}, empty, codec_error::none};
}

// A header not whole in this read: gather it in spill_. The fixed octets are checked as soon as
// both are here, so a bad frame fails before the rest of its header arrives.
parse_result frame_parser::gather_header(std::span<std::uint8_t> in) noexcept {
    std::size_t taken = 0;
    while (taken < in.size()) {
        const std::size_t need = spill_len_ < 2 ? 2 : header_size_from(spill_[1]);
        const std::size_t n = std::min(need - spill_len_, in.size() - taken);
        std::memcpy(spill_ + spill_len_, in.data() + taken, n);
        spill_len_ = static_cast<std::uint8_t>(spill_len_ + n);
        taken += n;
        if (spill_len_ < 2) continue;
        if (spill_len_ == header_size_from(spill_[1])) return decode_header(spill_, taken);
        std::uint64_t at = 0;
        if (spill_len_ == 2)
            if (auto e = check_fixed_bytes(spill_[0], spill_[1], at); e != codec_error::none)
                return fail(e, at, consumed_through(at));
    }
    offset_ += taken;
    return parse_result{parse_status::need_more, taken, {}, false, codec_error::none};
}

// Payload bytes from `in`, reported into r: its status, payload and frame_complete are set and
// the bytes taken are added to r.consumed (feed_frame() has already counted the header there).
// r is written in place, not returned: copying a result just built with narrow stores stalls
// on a failed store-to-load forward, as with hdr_.
void frame_parser::take_payload(std::span<std::uint8_t> in, parse_result& r) noexcept {
    if (in.empty()) return;
    std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, in.size()));
    // Only a control payload that fits the gather buffer is gathered; one that is longer can
    // only exist when control_payload_too_long is lenient, and streams like data instead.
    bool gather = is_control(hdr_.op) && hdr_.payload_length <= max_control_payload;
    std::span<std::uint8_t> view = in.first(n);
    if (gather && (control_len_ != 0 || n < remaining_)) {
        // Gather a split control payload so it is delivered whole.
        std::memcpy(control_ + control_len_, in.data(), n);
        control_len_ = static_cast<std::uint8_t>(control_len_ + n);
        view = std::span<std::uint8_t>(control_, control_len_);
        if (n < remaining_) {
            remaining_ -= n;
            offset_ += n;
            r.status = parse_status::need_more;
            r.consumed += n;
            return;
        }
        if (hdr_.masked) apply_mask(view, hdr_.key, 0);
    } else if (hdr_.masked) {
        mask_phase_ = n <= short_payload
                          ? unmask_short(view.data(), n, hdr_.key, mask_phase_)
                          : static_cast<std::uint8_t>(apply_mask(view, hdr_.key, mask_phase_));
    }
    remaining_ -= n;
    offset_ += n;
    bool done = remaining_ == 0;
    if (done) {
        state_ = state::header;
        header_start_ = offset_;
    }
    r.status = parse_status::payload;
    r.consumed += n;
    r.payload = view;
    r.frame_complete = done;
}

parse_result frame_parser::feed(std::span<std::uint8_t> in) noexcept {
    switch (state_) {
    case state::failed: return parse_result{parse_status::error, 0, {}, false, error_};
    case state::payload: {
        parse_result r;
        take_payload(in, r);
        return r;
    }
    case state::header: break;
    }
    if (in.empty()) return {};
    if (spill_len_ == 0) {
        header_start_ = offset_;
        // The whole header is in the caller's buffer: decode it in place.
        if (in.size() >= 2) {
            const std::size_t size = header_size_from(in[1]);
            if (in.size() >= size) return decode_header(in.data(), size);
        }
    }
    return gather_header(in);
}

} // namespace wsspec
