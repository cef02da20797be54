#pragma once
// The incremental frame parser (RFC 6455 §5.2). Push any chunking of the byte stream; each call
// consumes some bytes and reports one thing: a complete header, a payload chunk (unmasked in
// place, zero-copy), a need for more bytes, or an error naming the rule that was broken.
//
//   for (;;) {
//       auto r = p.feed(in);
//       in = in.subspan(r.consumed);
//       if (r.status == parse_status::need_more) break; // read more, feed again
//       ...
//   }
//
// Control frames are delivered whole (their payload is at most 125 bytes, §5.5): if one arrives
// split across reads, its payload is gathered in the parser and the view points there. Data
// payloads are views into the caller's buffer.
#include <cstddef>
#include <cstdint>
#include <span>

#include "codec/error.hpp"
#include "codec/frame_header.hpp"

namespace wsspec {

// A bit per codec_error: checks named here are skipped. Off by default; the reference server
// uses them to break one rule on purpose (quirks), as llhttp names its lenient flags.
using leniency = std::uint32_t;
constexpr leniency lenient(codec_error e) noexcept {
    return leniency{1} << static_cast<unsigned>(e);
}

struct parser_options {
    role local_role = role::server; // a server parses client frames: they must be masked (§5.1)
    std::uint8_t allowed_rsv =
        0; // RSV bits an extension negotiated (RSV1 = 4, as frame_header::rsv)
    std::uint64_t max_frame_payload = std::uint64_t{1} << 62;
    leniency lenient = 0;

    constexpr bool enforces(codec_error e) const noexcept {
        return (lenient & wsspec::lenient(e)) == 0;
    }
};

enum class parse_status : std::uint8_t { need_more, header, payload, error };

// frame_parser::take_small_frame(): the bytes taken (0: none) and the frame's unmasked payload.
struct small_frame {
    std::size_t consumed = 0;
    std::span<std::uint8_t> payload{};
};

struct parse_result {
    parse_status status = parse_status::need_more;
    std::size_t consumed = 0;
    std::span<std::uint8_t> payload{}; // parse_status::payload: unmasked bytes
    bool frame_complete = false;       // header (empty payload) or payload: last bytes of the frame
    codec_error error = codec_error::none;
};

class frame_parser {
public:
    explicit frame_parser(parser_options options = {}) noexcept;

    parse_result feed(std::span<std::uint8_t> in) noexcept;

    // feed() for a caller with per-frame rules of its own (the message assembler's sequence
    // rules, RFC 6455 §5.4), taking a frame that lies whole in `in` in one call where feed()
    // takes two. When this call decodes a header (it passed every frame rule; header()
    // describes it), `admit(header())` is asked before any payload byte is touched:
    //   - false: the result is the header event, as from feed(); the caller reports its error.
    //   - true, and `in` also holds the frame's entire payload: the payload is taken as well
    //     (unmasked in place) and the result is its payload event, frame_complete set, with
    //     `consumed` counting the header too.
    //   - true otherwise: the header event, as from feed().
    // Any other call is feed(in). `admit` is called at most once per call, and exactly once per
    // frame over a stream fed only through feed_frame().
    template <class Admit>
    parse_result feed_frame(std::span<std::uint8_t> in, Admit&& admit) noexcept;

    // The fast path for the commonest frame: between frames, a whole data frame at the start of
    // `in` with FIN set, no RSV bit, opcode text or binary, the mask bit the role requires
    // (§5.1) and a 7-bit length within the frame limit and `max_payload` is decoded and unmasked in
    // one step, leaving header() and offset() as feed() would. Such a frame breaks no rule of §5.2,
    // whatever the leniency. Anything else is not taken (consumed 0): feed() it.
    small_frame take_small_frame(std::span<std::uint8_t> in, std::size_t max_payload) noexcept;

    // Between frames, with no header gathered: the next byte fed starts a frame.
    bool at_frame_start() const noexcept { return state_ == state::header && spill_len_ == 0; }
    // In a masked payload that is delivered as it arrives (a data frame's, or an over-long
    // control frame's when that is lenient; not a control payload gathered whole).
    bool copies_payload() const noexcept {
        return state_ == state::payload && hdr_.masked &&
               !(is_control(hdr_.op) && hdr_.payload_length <= max_control_payload);
    }
    // While copies_payload(): up to the frame's remaining payload bytes from `src`, copied into
    // `dst` (at least as long) and unmasked on the way (§5.3): one pass where copying a read into
    // the parse buffer and unmasking it there take two. The event is the payload event feed()
    // would give for those bytes, its view in `dst`.
    parse_result copy_payload(std::span<const std::uint8_t> src,
                              std::span<std::uint8_t> dst) noexcept;

    // The frame being parsed; valid from its header event until the next header.
    const frame_header& header() const noexcept { return hdr_; }
    // Payload bytes of the current frame not delivered yet.
    std::uint64_t remaining() const noexcept { return remaining_; }
    // Bytes consumed since reset: the stream position of the next byte fed.
    std::uint64_t offset() const noexcept { return offset_; }
    // Sticky error, and the stream position of the byte that broke the rule.
    codec_error error() const noexcept { return error_; }
    std::uint64_t error_offset() const noexcept { return error_offset_; }
    const parser_options& options() const noexcept { return opt_; }
    void reset() noexcept { *this = frame_parser{opt_}; }

private:
    enum class state : std::uint8_t { header, payload, failed };

    parse_result fail(codec_error e, std::uint64_t at, std::size_t consumed) noexcept;
    std::size_t consumed_through(std::uint64_t at) const noexcept;
    // Defined in frame_parser_inl.hpp, so that feed_frame() compiles into its caller with no
    // call on the common path (a whole small frame).
    template <class OnHeader>
    parse_result next(std::span<std::uint8_t> in, OnHeader&& on_header) noexcept;
    std::uint32_t broken_fixed_rules(std::uint8_t b0, std::uint8_t b1) const noexcept;
    codec_error check_fixed_bytes(std::uint8_t b0, std::uint8_t b1,
                                  std::uint64_t& at) const noexcept;
    template <class OnHeader>
    parse_result decode_header(const std::uint8_t* p, std::size_t size, std::size_t taken,
                               OnHeader&& on_header) noexcept;
    parse_result take_payload(std::span<std::uint8_t> in, std::size_t before) noexcept;
    bool advance_payload(std::size_t n) noexcept;
    parse_result take_whole_payload(std::uint8_t* p, std::size_t before) noexcept;
    // Out of line: the uncommon paths.
    codec_error fixed_rule_error(std::uint32_t broken, std::uint64_t& at) const noexcept;
    parse_result gather_header(std::span<std::uint8_t> in) noexcept;
    bool gather_control(std::span<std::uint8_t> piece) noexcept;

    parser_options opt_;
    // Rows of the fixed-octet rule tables for these options (frame_parser_inl.hpp).
    const std::uint8_t* first_octet_rules_;
    const std::uint8_t* second_octet_rules_;
    frame_header hdr_{};
    std::uint64_t remaining_ = 0;
    std::uint64_t offset_ = 0;
    std::uint64_t header_start_ = 0; // stream position of the current header (header state)
    std::uint64_t error_offset_ = 0;
    codec_error error_ = codec_error::none;
    state state_ = state::header;
    std::uint8_t mask_phase_ = 0;
    std::uint8_t spill_len_ = 0;
    std::uint8_t control_len_ = 0;
    std::uint8_t spill_[max_header_size]{};       // a header split across reads
    std::uint8_t control_[max_control_payload]{}; // a control payload split across reads
};

} // namespace wsspec

#include "codec/frame_parser_inl.hpp"
