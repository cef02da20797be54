#include "codec/message_assembler.hpp"

#include <cstring>

#include "codec/mask.hpp"

namespace wsspec {

message_result message_assembler::fail(codec_error e, std::uint64_t at,
                                       std::size_t consumed) noexcept {
    error_ = e;
    error_offset_ = at;
    message_result r;
    r.status = message_status::error;
    r.consumed = consumed;
    r.error = e;
    return r;
}

codec_error message_assembler::check_sequence(const frame_header& h) noexcept {
    const auto& fo = opt_.frame;
    if (close_received_ && fo.enforces(codec_error::frame_after_close))
        return codec_error::frame_after_close;
    if (is_control(h.op)) return codec_error::none; // §5.4: may be injected between fragments
    if (h.op == opcode::cont) {
        if (!in_message_ && fo.enforces(codec_error::unexpected_continuation))
            return codec_error::unexpected_continuation;
    } else {
        if (in_message_ && fo.enforces(codec_error::expected_continuation))
            return codec_error::expected_continuation;
        in_message_ = true;
        message_op_ = h.op;
        message_size_ = 0;
        utf8_.reset();
    }
    if (h.payload_length > opt_.max_message_size - message_size_ &&
        fo.enforces(codec_error::message_too_large))
        return codec_error::message_too_large;
    message_size_ += h.payload_length;
    return codec_error::none;
}

message_result message_assembler::deliver(std::span<std::uint8_t> chunk, bool frame_end,
                                          std::size_t consumed) noexcept {
    const auto& h = parser_.header();
    bool last = frame_end && h.fin;
    if (message_op_ == opcode::text && opt_.frame.enforces(codec_error::invalid_utf8)) {
        std::uint64_t chunk_start = parser_.offset() - chunk.size();
        std::uint64_t fed_before = utf8_.bytes_fed();
        auto u = utf8_.feed(chunk);
        if (u.status == utf8_status::invalid)
            return fail(codec_error::invalid_utf8, chunk_start + (u.error_offset - fed_before),
                        consumed);
        // A message may not end inside a code point; a frame may (§5.6 "text ... may
        // contain a partial UTF-8 sequence").
        if (last && utf8_.finish().status != utf8_status::valid)
            return fail(codec_error::invalid_utf8, parser_.offset(), consumed);
    }
    message_result r;
    r.status = message_status::data;
    r.consumed = consumed;
    r.payload = chunk;
    r.op = message_op_;
    r.frame_begin = !frame_reported_;
    r.frame_end = frame_end;
    r.message_end = last;
    frame_reported_ = !frame_end;
    if (last) in_message_ = false;
    return r;
}

message_result message_assembler::deliver_control(std::span<std::uint8_t> payload,
                                                  std::size_t consumed) noexcept {
    message_result r;
    r.status = message_status::control;
    r.consumed = consumed;
    r.payload = payload;
    r.op = parser_.header().op;
    r.frame_begin = r.frame_end = true;
    if (r.op == opcode::close) {
        auto c = parse_close_payload(payload);
        // parse_close_payload stops at the first rule broken: waiving the code check must not
        // waive the reason's UTF-8 rule (§5.5.1) as well.
        if (c.error == codec_error::invalid_close_code && !opt_.frame.enforces(c.error)) {
            utf8_validator v;
            auto u = v.feed(payload.subspan(2));
            if (u.status != utf8_status::invalid) u = v.finish();
            c.error = u.status == utf8_status::valid ? codec_error::none
                                                     : codec_error::invalid_close_reason_utf8;
            c.error_offset = 2 + u.error_offset;
        }
        if (c.error != codec_error::none && opt_.frame.enforces(c.error))
            return fail(c.error, parser_.offset() - payload.size() + c.error_offset, consumed);
        r.close = c.payload;
        close_received_ = true;
    }
    return r;
}

// Fast path: `in` starts with a whole data frame with a 7-bit length, RSV bits clear, the mask
// bit this role requires, in a sequence that breaks no rule (a continuation inside a message,
// a new message outside one, nothing after a close, within the size limits). For such a frame
// the general loop below would take a header event, pass check_sequence, take one payload event
// and deliver it; this does the same state changes in one step (small frames are where the
// per-event cost shows). Returns the frame's size on the wire, or 0 to take the general loop.
std::size_t message_assembler::whole_small_frame(std::span<std::uint8_t> in) noexcept {
    frame_parser& p = parser_;
    if (p.state_ != frame_parser::state::header || p.spill_len_ != 0 || in.size() < 2 ||
        close_received_)
        return 0;
    const std::uint8_t b0 = in[0];
    const std::uint8_t b1 = in[1];
    const std::uint8_t want_mask = opt_.frame.local_role == role::server ? 0x80 : 0;
    const std::uint8_t len = b1 & 0x7F;
    const std::size_t header_size = want_mask != 0 ? 6 : 2;
    const auto op = static_cast<opcode>(b0 & 0x0F);
    const bool cont = op == opcode::cont;
    if ((b0 & 0x7F) > 2 || (b1 & 0x80) != want_mask || len >= 126 ||
        len > opt_.frame.max_frame_payload || in.size() < header_size + len ||
        cont != in_message_ || len > opt_.max_message_size - (cont ? message_size_ : 0))
        return 0;

    frame_header& h = p.hdr_;
    h.fin = (b0 & 0x80) != 0;
    h.rsv1 = h.rsv2 = h.rsv3 = false;
    h.op = op;
    h.masked = want_mask != 0;
    if (h.masked)
        std::memcpy(h.key.data(), in.data() + 2, 4);
    else
        h.key = mask_key{};
    h.payload_length = len;
    h.header_size = static_cast<std::uint8_t>(header_size);
    const std::size_t total = header_size + len;
    p.remaining_ = 0;
    p.mask_phase_ = 0;
    p.control_len_ = 0;
    p.offset_ += total;
    p.header_start_ = p.offset_;
    if (h.masked) apply_mask(in.subspan(header_size, len), h.key, 0);

    if (!cont) {
        in_message_ = true;
        message_op_ = op;
        message_size_ = 0;
        if (op == opcode::text) utf8_.reset();
    }
    message_size_ += len;
    frame_reported_ = false;
    return total;
}

message_result message_assembler::feed(std::span<std::uint8_t> in) noexcept {
    if (error_ != codec_error::none) return fail(error_, error_offset_, 0);
    if (const std::size_t n = whole_small_frame(in); n != 0) {
        const auto len = static_cast<std::size_t>(parser_.hdr_.payload_length);
        if (message_op_ == opcode::text) return deliver(in.subspan(n - len, len), true, n);
        // deliver() for a binary frame, spelled out: the call cost as much as the rest.
        message_result r;
        r.status = message_status::data;
        r.consumed = n;
        r.payload = in.subspan(n - len, len);
        r.op = message_op_;
        r.frame_begin = true;
        r.frame_end = true;
        r.message_end = parser_.hdr_.fin;
        in_message_ = !parser_.hdr_.fin;
        return r;
    }
    // A data frame's payload continuing in this read: the general loop would make one parser
    // call with the same outcome; going straight to it saves a dispatch per read.
    if (parser_.state_ == frame_parser::state::payload && !is_control(parser_.hdr_.op) &&
        !in.empty()) {
        const parse_result r = parser_.feed_payload(in);
        return deliver(r.payload, r.frame_complete, r.consumed);
    }
    std::size_t consumed = 0;
    for (;;) {
        auto r = parser_.feed(in.subspan(consumed));
        consumed += r.consumed;
        switch (r.status) {
        case parse_status::need_more: {
            message_result m;
            m.consumed = consumed;
            return m;
        }
        case parse_status::error: return fail(r.error, parser_.error_offset(), consumed);
        case parse_status::header: {
            const auto& h = parser_.header();
            if (auto e = check_sequence(h); e != codec_error::none)
                return fail(e, parser_.offset() - h.header_size, consumed);
            frame_reported_ = false;
            if (!r.frame_complete) continue;
            if (is_control(h.op)) return deliver_control({}, consumed);
            return deliver({}, true, consumed);
        }
        case parse_status::payload:
            if (is_control(parser_.header().op)) {
                // Split pieces of an over-long control frame (lenient parsers only): the
                // frame is reported once, with its last piece.
                if (!r.frame_complete) continue;
                return deliver_control(r.payload, consumed);
            }
            return deliver(r.payload, r.frame_complete, consumed);
        }
    }
}

} // namespace wsspec
