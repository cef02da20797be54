#include "codec/frame_parser.hpp"

#include <algorithm>
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
    if (opt_.local_role == role::server && !masked && opt_.enforces(codec_error::unmasked_client_frame))
        return codec_error::unmasked_client_frame;
    if (opt_.local_role == role::client && masked && opt_.enforces(codec_error::masked_server_frame))
        return codec_error::masked_server_frame;
    if (is_control(op) && (b1 & 0x7F) > max_control_payload &&
        opt_.enforces(codec_error::control_payload_too_long))
        return codec_error::control_payload_too_long;
    return codec_error::none;
}

// p holds a complete header of header_size_from(p[1]) bytes; `consumed` is how many of them
// came from the caller's buffer in this call.
parse_result frame_parser::parse_header(const std::uint8_t* p, std::size_t consumed) noexcept {
    frame_header h;
    h.fin = (p[0] & 0x80) != 0;
    h.rsv1 = (p[0] & 0x40) != 0;
    h.rsv2 = (p[0] & 0x20) != 0;
    h.rsv3 = (p[0] & 0x10) != 0;
    h.op = static_cast<opcode>(p[0] & 0x0F);
    h.masked = (p[1] & 0x80) != 0;
    h.header_size = static_cast<std::uint8_t>(header_size_from(p[1]));
    std::uint8_t len7 = p[1] & 0x7F;
    const std::uint8_t* q = p + 2;
    // The byte that carries the length: the 7-bit field, or the start of the extended one.
    std::uint64_t length_at = header_start_ + (len7 < 126 ? 1 : 2);
    if (len7 == 126) {
        h.payload_length = (std::uint64_t{q[0]} << 8) | q[1];
        q += 2;
        if (h.payload_length < 126 && opt_.enforces(codec_error::non_minimal_length))
            return fail(codec_error::non_minimal_length, length_at, consumed);
    } else if (len7 == 127) {
        std::uint64_t v = 0;
        for (int i = 0; i < 8; ++i) v = (v << 8) | q[i];
        q += 8;
        h.payload_length = v;
        if ((v >> 63) != 0 && opt_.enforces(codec_error::length_msb_set))
            return fail(codec_error::length_msb_set, length_at, consumed);
        if (v <= 0xFFFF && opt_.enforces(codec_error::non_minimal_length))
            return fail(codec_error::non_minimal_length, length_at, consumed);
    } else {
        h.payload_length = len7;
    }
    if (h.payload_length > opt_.max_frame_payload && opt_.enforces(codec_error::frame_too_large))
        return fail(codec_error::frame_too_large, length_at, consumed);
    if (h.masked) std::memcpy(h.key.data(), q, 4);

    hdr_ = h;
    remaining_ = h.payload_length;
    mask_phase_ = 0;
    control_len_ = 0;
    spill_len_ = 0;
    offset_ += consumed;
    bool empty = h.payload_length == 0;
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
        mask_phase_ = static_cast<std::uint8_t>(apply_mask(view, hdr_.key, mask_phase_));
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
    if (spill_len_ == 0) header_start_ = offset_;
    return feed_header(in);
}

} // namespace wsspec
