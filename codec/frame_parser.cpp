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

// Rules decidable from the first two octets, so a bad frame fails as soon as they arrive.
codec_error frame_parser::check_fixed_bytes(std::uint8_t b0, std::uint8_t b1,
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

// p holds a complete header of header_size_from(p[1]) bytes; `consumed` is how many of them
// came from the caller's buffer in this call. hdr_ is written field by field, not assigned
// from a local frame_header: copying a struct just built with byte stores makes the CPU wait
// for a failed store-to-load forward, which cost more than the rest of a small frame.
parse_result frame_parser::parse_header(const std::uint8_t* p, std::size_t consumed) noexcept {
    const std::uint8_t b0 = p[0];
    const std::uint8_t b1 = p[1];
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
                return fail(codec_error::non_minimal_length, length_at, consumed);
        } else {
            std::uint64_t v = 0;
            for (int i = 0; i < 8; ++i)
                v = (v << 8) | q[i];
            q += 8;
            length = v;
            if ((v >> 63) != 0 && opt_.enforces(codec_error::length_msb_set))
                return fail(codec_error::length_msb_set, length_at, consumed);
            if (v <= 0xFFFF && opt_.enforces(codec_error::non_minimal_length))
                return fail(codec_error::non_minimal_length, length_at, consumed);
        }
    }
    if (length > opt_.max_frame_payload && opt_.enforces(codec_error::frame_too_large))
        return fail(codec_error::frame_too_large, header_start_ + (len7 < 126 ? 1 : 2), consumed);

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
    offset_ += consumed;
    const bool empty = length == 0;
    state_ = empty ? state::header : state::payload;
    if (empty) header_start_ = offset_;
    return parse_result{parse_status::header, consumed, {}, empty, codec_error::none};
}

parse_result frame_parser::feed_header(std::span<std::uint8_t> in) noexcept {
    std::uint64_t at = 0;
    // Fast path: the whole header is in the caller's buffer.
    if (spill_len_ == 0 && in.size() >= 2) {
        if (auto e = check_fixed_bytes(in[0], in[1], at); e != codec_error::none)
            return fail(e, at, static_cast<std::size_t>(at - header_start_) + 1);
        std::size_t need = header_size_from(in[1]);
        if (in.size() >= need) return parse_header(in.data(), need);
    }
    // Slow path: gather the header in spill_. Validate the fixed octets as soon as both are
    // here, before waiting for the rest.
    std::size_t taken = 0;
    while (taken < in.size()) {
        std::size_t need = spill_len_ < 2 ? 2 : header_size_from(spill_[1]);
        std::size_t n = std::min(need - spill_len_, in.size() - taken);
        std::memcpy(spill_ + spill_len_, in.data() + taken, n);
        spill_len_ = static_cast<std::uint8_t>(spill_len_ + n);
        taken += n;
        if (spill_len_ == 2) {
            if (auto e = check_fixed_bytes(spill_[0], spill_[1], at); e != codec_error::none)
                return fail(e, at, taken);
            if (header_size_from(spill_[1]) == 2) return parse_header(spill_, taken);
        } else if (spill_len_ > 2 && spill_len_ == header_size_from(spill_[1])) {
            return parse_header(spill_, taken);
        }
    }
    offset_ += taken;
    return parse_result{parse_status::need_more, taken, {}, false, codec_error::none};
}

parse_result frame_parser::feed_payload(std::span<std::uint8_t> in) noexcept {
    if (in.empty()) return {};
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
            return parse_result{parse_status::need_more, n, {}, false, codec_error::none};
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
    return parse_result{parse_status::payload, n, view, done, codec_error::none};
}

parse_result frame_parser::feed(std::span<std::uint8_t> in) noexcept {
    switch (state_) {
    case state::failed: return parse_result{parse_status::error, 0, {}, false, error_};
    case state::payload: return feed_payload(in);
    case state::header: break;
    }
    if (in.empty()) return {};
    if (spill_len_ != 0) return feed_header(in);
    header_start_ = offset_;
    // Fast path for the common header, whole in the buffer: a data frame (RSV bits clear,
    // opcode 0-2: `(b0 & 0x7F) <= 2`), the mask bit this role requires (§5.1), a 7-bit length
    // within the limit. It passes every check check_fixed_bytes and parse_header make, so
    // skipping them changes no outcome; anything else takes the general path.
    if (in.size() >= 2) {
        const std::uint8_t b0 = in[0];
        const std::uint8_t b1 = in[1];
        const std::uint8_t want_mask = opt_.local_role == role::server ? 0x80 : 0;
        const std::uint8_t len7 = b1 & 0x7F;
        const std::size_t need = (b1 & 0x80) != 0 ? 6 : 2;
        if ((b0 & 0x7F) <= 2 && (b1 & 0x80) == want_mask && len7 < 126 &&
            len7 <= opt_.max_frame_payload && in.size() >= need) {
            hdr_.fin = (b0 & 0x80) != 0;
            hdr_.rsv1 = hdr_.rsv2 = hdr_.rsv3 = false;
            hdr_.op = static_cast<opcode>(b0 & 0x0F);
            hdr_.masked = want_mask != 0;
            if (want_mask != 0)
                std::memcpy(hdr_.key.data(), in.data() + 2, 4);
            else
                hdr_.key = mask_key{};
            hdr_.payload_length = len7;
            hdr_.header_size = static_cast<std::uint8_t>(need);
            remaining_ = len7;
            mask_phase_ = 0;
            control_len_ = 0;
            offset_ += need;
            state_ = len7 != 0 ? state::payload : state::header;
            if (len7 == 0) header_start_ = offset_;
            return parse_result{parse_status::header, need, {}, len7 == 0, codec_error::none};
        }
    }
    return feed_header(in);
}

} // namespace wsspec
