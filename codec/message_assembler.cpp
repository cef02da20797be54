#include "codec/message_assembler.hpp"

#include <algorithm>
#include <cstring>

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

// The sequence rules (§5.4, §5.5.1) and the message size limit, once per frame, on its header.
[[gnu::always_inline]] inline codec_error
message_assembler::check_sequence(const frame_header& h) noexcept {
    const auto& fo = opt_.frame;
    if (close_received_ && fo.enforces(codec_error::frame_after_close))
        return codec_error::frame_after_close;
    if (opt_.per_message_deflate && h.rsv1 && (is_control(h.op) || h.op == opcode::cont)) {
        const codec_error e = is_control(h.op) ? codec_error::compressed_control_frame
                                               : codec_error::compressed_continuation;
        if (fo.enforces(e)) return e;
    }
    if (is_control(h.op)) return codec_error::none; // §5.4: may be injected between fragments
    if (h.op == opcode::cont) {
        if (!in_message_ && fo.enforces(codec_error::unexpected_continuation))
            return codec_error::unexpected_continuation;
    } else {
        compressed_ = opt_.per_message_deflate && h.rsv1;
        if (in_message_ && fo.enforces(codec_error::expected_continuation))
            return codec_error::expected_continuation;
        in_message_ = true;
        message_op_ = h.op;
        message_size_ = 0;
        // utf8_ is only fed text, so a binary message leaves it as the next text one needs it.
        if (h.op == opcode::text) utf8_.reset();
    }
    if (h.payload_length > opt_.max_message_size - message_size_ &&
        fo.enforces(codec_error::message_too_large))
        return codec_error::message_too_large;
    message_size_ += h.payload_length;
    return codec_error::none;
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

// feed()'s one-step path for a small text message that is not all ASCII: its UTF-8 checked as
// deliver() checks a chunk that ends a message.
message_result message_assembler::deliver_small_text(std::size_t consumed, std::uint8_t* payload,
                                                     std::size_t size) noexcept {
    if (opt_.frame.enforces(codec_error::invalid_utf8)) {
        const std::uint64_t start = parser_.offset() - size;
        utf8_.reset();
        auto u = utf8_.feed({payload, size});
        if (u.status == utf8_status::invalid)
            return fail(codec_error::invalid_utf8, start + u.error_offset, consumed);
        if (utf8_.finish().status != utf8_status::valid)
            return fail(codec_error::invalid_utf8, parser_.offset(), consumed);
    }
    return small_message(consumed, payload, size, opcode::text);
}

message_result message_assembler::copy_frame_start(std::span<const std::uint8_t> src,
                                                   std::span<std::uint8_t> dst) noexcept {
    std::size_t done = 0; // bytes consumed by earlier rounds of this call
    for (;;) {
        if (done != 0 && copying_payload()) return copy_payload(src, dst, done);
        // Copy what the next event can take: at a frame start, its header and, for a small
        // frame, its payload; in a header gathered across reads, the rest of it; in a payload
        // not copied above (unmasked, or a control payload gathered whole), that payload.
        std::size_t k = src.size();
        if (parser_.at_frame_start()) {
            if (src.size() >= 2) {
                const std::uint8_t len7 = src[1] & 0x7F;
                k = std::min<std::size_t>(k,
                                          detail::header_sizes[src[1]] + (len7 < 126 ? len7 : 0));
            }
        } else if (parser_.remaining() == 0) {
            k = std::min(k, max_header_size);
        } else {
            k = static_cast<std::size_t>(std::min<std::uint64_t>(k, parser_.remaining()));
        }
        std::memcpy(dst.data(), src.data(), k);
        message_result m = feed(dst.first(k));
        m.consumed += done;
        // need_more: the copied bytes were all taken (a header, or part of one).
        if (m.status != message_status::need_more || k == src.size()) return m;
        done = m.consumed;
        src = src.subspan(k);
        dst = dst.subspan(k);
    }
}

message_result message_assembler::feed_frames(std::span<std::uint8_t> in) noexcept {
    if (error_ != codec_error::none) return fail(error_, error_offset_, 0);
    std::size_t consumed = 0;
    // `rest`: what is left of `in`, advanced only where the loop goes round again.
    for (std::span<std::uint8_t> rest = in;; rest = in.subspan(consumed)) {
        // The sequence rules run once per frame, on its header, before its payload is taken.
        codec_error sequence_error = codec_error::none;
        const auto admit = [&](const frame_header& h) noexcept {
            sequence_error = check_sequence(h);
            frame_reported_ = false;
            return sequence_error == codec_error::none;
        };
        // Inline (frame_parser_inl.hpp): a whole small frame is taken here with no call.
        const parse_result r = parser_.feed_frame(rest, admit);
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
            if (sequence_error != codec_error::none)
                return fail(sequence_error, parser_.offset() - h.header_size, consumed);
            if (!r.frame_complete) continue;
            if (is_control(h.op)) return deliver_control({}, consumed);
            break; // an empty data frame: its one chunk, empty
        }
        case parse_status::payload:
            if (is_control(parser_.header().op)) {
                // Split pieces of an over-long control frame (lenient parsers only): the
                // frame is reported once, with its last piece.
                if (!r.frame_complete) continue;
                return deliver_control(r.payload, consumed);
            }
            break;
        }
        // The one call of deliver(): r.payload is empty and r.frame_complete set for an empty
        // frame's header event.
        return deliver(r.payload, r.frame_complete, consumed);
    }
}

} // namespace wsspec
