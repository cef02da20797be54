#pragma once
// Message-level rules on top of frame_parser: fragmentation (RFC 6455 §5.4), control frames
// between fragments, UTF-8 of text messages checked across fragments as bytes arrive (§8.1,
// failing at the first bad byte), close payloads (§5.5.1, §7.4) and a message size limit.
// Like the frame parser it never allocates: data arrives as chunks (views into the caller's
// buffer); callers that want whole messages append them.
#include <cstddef>
#include <cstdint>
#include <span>

#include "codec/close.hpp"
#include "codec/frame_parser.hpp"
#include "codec/utf8.hpp"

namespace wsspec {

struct assembler_options {
    parser_options frame;
    std::uint64_t max_message_size = std::uint64_t{1} << 62;
    // permessage-deflate was negotiated (RFC 7692): RSV1 marks a compressed message on its first
    // frame only; a compressed message's chunks are delivered as they came (the caller inflates
    // them and checks the UTF-8 of the result); the size limit counts the compressed bytes.
    bool per_message_deflate = false;
};

enum class message_status : std::uint8_t {
    need_more, // everything given was consumed
    data,      // a chunk of a text/binary message
    control,   // a whole ping, pong or close frame
    error,     // sticky
};

struct message_result {
    message_status status = message_status::need_more;
    std::size_t consumed = 0;
    std::span<std::uint8_t> payload{}; // data chunk, or the control payload
    opcode op = opcode::text;          // data: the message's opcode; control: the frame's
    bool frame_begin = false;          // data: first chunk of a frame (header() describes it)
    bool frame_end = false;            // data: last chunk of a frame
    bool message_end = false;          // data: last chunk of the message
    bool compressed = false;           // data: the message's first frame had RSV1 (RFC 7692)
    close_payload close{};             // control, op == close: code and reason
    codec_error error = codec_error::none;
};

class message_assembler {
public:
    explicit message_assembler(assembler_options options = {}) noexcept
        : opt_(options), parser_(with_rsv1(options)), small_limit_(small_limit(options)) {}

    // Inline (below): a whole small message, the commonest input, is taken in one step without a
    // call; anything else goes through feed_frames().
    message_result feed(std::span<std::uint8_t> in) noexcept;

    // feed() for a read still in its buffer: `src` is copied into `dst` (at least as long) as it
    // is consumed, a masked data payload unmasked on the way (frame_parser::copy_payload), the
    // rest a frame start at a time; events point into `dst`, and `consumed` counts bytes of
    // both. For small reads of large masked frames this saves the second pass over the bytes.
    message_result feed_copy(std::span<const std::uint8_t> src,
                             std::span<std::uint8_t> dst) noexcept;

    const frame_header& header() const noexcept { return parser_.header(); }
    bool in_message() const noexcept { return in_message_; }
    // A close frame was received; any later frame is an error (§5.5.1).
    bool close_received() const noexcept { return close_received_; }
    codec_error error() const noexcept { return error_; }
    // Stream position of the byte that broke the rule.
    std::uint64_t error_offset() const noexcept { return error_offset_; }
    std::uint64_t offset() const noexcept { return parser_.offset(); }
    void reset() noexcept { *this = message_assembler{opt_}; }

private:
    static parser_options with_rsv1(const assembler_options& o) noexcept {
        parser_options p = o.frame;
        if (o.per_message_deflate) p.allowed_rsv |= 4;
        return p;
    }
    // The largest payload the one-step path takes: a 7-bit length within both size limits.
    static std::size_t small_limit(const assembler_options& o) noexcept {
        std::uint64_t n = max_control_payload;
        n = n < o.frame.max_frame_payload ? n : o.frame.max_frame_payload;
        n = n < o.max_message_size ? n : o.max_message_size;
        return static_cast<std::size_t>(n);
    }
    message_result fail(codec_error e, std::uint64_t at, std::size_t consumed) noexcept;
    message_result feed_frames(std::span<std::uint8_t> in) noexcept;
    // feed_copy(): in a masked data payload (inline), and everything else (out of line).
    bool copying_payload() const noexcept {
        return error_ == codec_error::none && parser_.copies_payload() &&
               !is_control(parser_.header().op);
    }
    message_result copy_payload(std::span<const std::uint8_t> src, std::span<std::uint8_t> dst,
                                std::size_t done) noexcept;
    message_result copy_frame_start(std::span<const std::uint8_t> src,
                                    std::span<std::uint8_t> dst) noexcept;
    // By value, in registers: a small_frame taken by reference would live on the stack, and
    // reading its span back with one 16-byte load from two 8-byte stores stalls every frame.
    message_result small_message(std::size_t consumed, std::uint8_t* payload, std::size_t size,
                                 opcode op) noexcept;
    message_result deliver_small_text(std::size_t consumed, std::uint8_t* payload,
                                      std::size_t size) noexcept;
    codec_error check_sequence(const frame_header& h) noexcept;
    message_result deliver(std::span<std::uint8_t> chunk, bool frame_end,
                           std::size_t consumed) noexcept;
    message_result deliver_control(std::span<std::uint8_t> payload, std::size_t consumed) noexcept;

    assembler_options opt_;
    frame_parser parser_;
    std::size_t small_limit_;
    utf8_validator utf8_{};
    std::uint64_t message_size_ = 0;
    std::uint64_t error_offset_ = 0;
    codec_error error_ = codec_error::none;
    opcode message_op_ = opcode::text;
    bool in_message_ = false;
    bool compressed_ = false; // the message in progress (RFC 7692)
    bool close_received_ = false;
    bool frame_reported_ = false;
};

// A whole unfragmented text or binary message in one small frame (take_small_frame()): the
// sequence rules hold by its shape (FIN set, not a continuation, no message open, no close
// received), so only the UTF-8 of a text payload is left to check, and ASCII needs no validator.
inline message_result message_assembler::feed(std::span<std::uint8_t> in) noexcept {
    if (error_ == codec_error::none && !in_message_ && !close_received_) {
        const small_frame f = parser_.take_small_frame(in, small_limit_);
        if (f.consumed != 0) [[likely]] {
            const opcode op = parser_.header().op;
            std::uint8_t* const payload = f.payload.data();
            const std::size_t size = f.payload.size();
            if (op == opcode::text && !is_ascii({payload, size})) [[unlikely]]
                return deliver_small_text(f.consumed, payload, size);
            return small_message(f.consumed, payload, size, op);
        }
    }
    return feed_frames(in);
}

inline message_result message_assembler::feed_copy(std::span<const std::uint8_t> src,
                                                   std::span<std::uint8_t> dst) noexcept {
    if (!src.empty() && copying_payload()) [[likely]]
        return copy_payload(src, dst, 0);
    return copy_frame_start(src, dst);
}

inline message_result message_assembler::copy_payload(std::span<const std::uint8_t> src,
                                                      std::span<std::uint8_t> dst,
                                                      std::size_t done) noexcept {
    const parse_result r = parser_.copy_payload(src, dst);
    return deliver(r.payload, r.frame_complete, done + r.consumed);
}

// A data chunk: UTF-8 of text checked, then reported. Inline in its callers (feed_frames(),
// copy_payload()), and the result built in place (a message_result copied from a local costs as
// much as the rest of a small frame).
[[gnu::always_inline]] inline message_result
message_assembler::deliver(std::span<std::uint8_t> chunk, bool frame_end,
                           std::size_t consumed) noexcept {
    const auto& h = parser_.header();
    const bool last = frame_end && h.fin;
    // A compressed message's UTF-8 is the inflated bytes': its caller checks them.
    if (message_op_ == opcode::text && !compressed_ &&
        opt_.frame.enforces(codec_error::invalid_utf8)) {
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
    const bool begin = !frame_reported_;
    frame_reported_ = !frame_end;
    if (last) in_message_ = false;
    return message_result{.status = message_status::data,
                          .consumed = consumed,
                          .payload = chunk,
                          .op = message_op_,
                          .frame_begin = begin,
                          .frame_end = frame_end,
                          .message_end = last,
                          .compressed = compressed_};
}

inline message_result message_assembler::small_message(std::size_t consumed, std::uint8_t* payload,
                                                       std::size_t size, opcode op) noexcept {
    // As check_sequence() leaves them for a one-frame message (a stray continuation that a
    // lenient parser lets through carries on from here).
    message_op_ = op;
    message_size_ = size;
    compressed_ = false;
    frame_reported_ = false;
    message_result r;
    r.status = message_status::data;
    r.consumed = consumed;
    r.payload = std::span<std::uint8_t>(payload, size);
    r.op = op;
    r.frame_begin = true;
    r.frame_end = true;
    r.message_end = true;
    return r;
}

} // namespace wsspec
