#include "codec/frame_parser.hpp"

#include <algorithm>
#include <cstring>

#include "codec/mask.hpp"

namespace wsspec {
namespace {

// The header event as it is: what feed() and gather_header() report.
constexpr auto header_event = [](const parse_result& r) noexcept { return r; };

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

// The first rule in `broken` (bit i: detail::fixed_rules[i]) that this parser enforces, in the
// order they are reported, with the stream position of its octet in `at`; none when every
// broken rule is lenient.
codec_error frame_parser::fixed_rule_error(std::uint32_t broken, std::uint64_t& at) const noexcept {
    for (std::size_t i = 0; i < std::size(detail::fixed_rules); ++i) {
        const detail::fixed_rule& r = detail::fixed_rules[i];
        if ((broken >> i & 1) != 0 && opt_.enforces(r.error)) {
            at = header_start_ + r.octet;
            return r.error;
        }
    }
    return codec_error::none;
}

// A header not whole in this read: gather it in spill_. The fixed octets are checked as soon as
// both are here, so a bad frame fails before the rest of its header arrives.
parse_result frame_parser::gather_header(std::span<std::uint8_t> in) noexcept {
    std::size_t taken = 0;
    while (taken < in.size()) {
        const std::size_t need = spill_len_ < 2 ? 2 : detail::header_size_from(spill_[1]);
        const std::size_t n = std::min(need - spill_len_, in.size() - taken);
        std::memcpy(spill_ + spill_len_, in.data() + taken, n);
        spill_len_ = static_cast<std::uint8_t>(spill_len_ + n);
        taken += n;
        if (spill_len_ < 2) continue;
        if (spill_len_ == detail::header_size_from(spill_[1])) {
            const std::size_t size = spill_len_;
            spill_len_ = 0; // gathered: decoded from spill_ now
            return decode_header(spill_, size, taken, header_event);
        }
        std::uint64_t at = 0;
        if (spill_len_ == 2)
            if (auto e = check_fixed_bytes(spill_[0], spill_[1], at); e != codec_error::none)
                return fail(e, at, consumed_through(at));
    }
    offset_ += taken;
    return parse_result{parse_status::need_more, taken, {}, false, codec_error::none};
}

// The piece of a control payload in this read (§5.5: at most 125 bytes), gathered in control_
// so the frame is delivered whole. False while more is to come (the piece is taken); true when
// control_ holds the whole payload, unmasked, and the piece is still to be counted.
bool frame_parser::gather_control(std::span<std::uint8_t> piece) noexcept {
    const std::size_t n = piece.size();
    std::memcpy(control_ + control_len_, piece.data(), n);
    control_len_ = static_cast<std::uint8_t>(control_len_ + n);
    if (n < remaining_) {
        remaining_ -= n;
        offset_ += n;
        return false;
    }
    if (hdr_.masked) apply_mask(std::span<std::uint8_t>(control_, control_len_), hdr_.key, 0);
    return true;
}

parse_result frame_parser::feed(std::span<std::uint8_t> in) noexcept {
    return next(in, header_event);
}

} // namespace wsspec
