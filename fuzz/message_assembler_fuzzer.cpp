// message_assembler: fragmentation (RFC 6455 §5.4), control frames between fragments (§5.5),
// close payloads (§5.5.1, §7.4), UTF-8 of text messages across fragments, failing at the first
// bad byte (§8.1), and the message limit (§10.4), in both roles, with any lenient rules and small
// limits (frame_config.hpp). A plain reference built on reference_frames() walks the frames and
// applies the rules in the order the assembler documents; every chunking, through feed() and
// through feed_copy(), must produce its messages, control frames and error offset. Contract
// checks run at every call.
//
// Control frames over 125 bytes exist only when control_payload_too_long is lenient, and the
// assembler reports them once, with their last piece (message_assembler.cpp): their payload
// depends on the reads, so with that rule lenient only the single-read run is compared.
#include "fuzz/frame_config.hpp"
#include "fuzz/frame_streams.hpp"
#include "fuzz/reference_utf8.hpp"

using namespace wsspec;
using namespace wsspec::fuzz;

namespace {

struct event {
    bool control = false;
    opcode op = opcode::text;
    std::vector<std::uint8_t> payload; // whole message, or the control payload
    bool has_code = false;
    std::uint16_t code = 0;
    bool operator==(const event&) const = default;
};

struct transcript {
    std::vector<event> events;
    codec_error error = codec_error::none;
    std::uint64_t error_offset = 0;
};

// RFC 6455 §7.4.1, §7.4.2 and the IANA registry: the codes a close frame may carry.
bool receivable_close_code(std::uint16_t c) {
    return (c >= 1000 && c <= 1003) || (c >= 1007 && c <= 1014) || (c >= 3000 && c <= 4999);
}

// The first close-payload rule broken (§5.5.1, §7.4), each skipped when lenient; offset within
// the payload.
codec_error close_rule(std::span<const std::uint8_t> p, const parser_options& o,
                       std::uint64_t& at) {
    at = 0;
    if (p.size() == 1)
        return o.enforces(codec_error::close_payload_size_1) ? codec_error::close_payload_size_1
                                                             : codec_error::none;
    if (p.empty()) return codec_error::none;
    if (!receivable_close_code(static_cast<std::uint16_t>(p[0] << 8 | p[1])) &&
        o.enforces(codec_error::invalid_close_code))
        return codec_error::invalid_close_code;
    if (!o.enforces(codec_error::invalid_close_reason_utf8)) return codec_error::none;
    const auto u = reference_utf8(p.subspan(2));
    if (u.status == ref_utf8::valid) return codec_error::none;
    at = 2 + (u.status == ref_utf8::invalid ? u.error_offset : p.size() - 2);
    return codec_error::invalid_close_reason_utf8;
}

transcript reference_messages(std::span<const std::uint8_t> stream, const assembler_options& o) {
    const parser_options& fo = o.frame;
    const frame_transcript frames = reference_frames(stream, fo);
    transcript t;
    auto fail = [&](codec_error e, std::uint64_t at) {
        t.error = e;
        t.error_offset = at;
        return t;
    };
    bool in_msg = false, closed = false;
    opcode msg_op = opcode::text;
    std::uint64_t msg_size = 0;
    std::vector<std::uint8_t> msg;       // the bytes the next message event carries
    std::vector<std::uint8_t> utf8_seen; // what the assembler's validator was fed since reset
    for (const auto& f : frames.frames) {
        const frame_header& h = f.header;
        const std::uint64_t payload_at = f.start + h.header_size;
        if (closed && fo.enforces(codec_error::frame_after_close))
            return fail(codec_error::frame_after_close, f.start); // §5.5.1
        if (is_control(h.op)) {
            if (!f.complete) return t;
            event e{true, h.op, f.payload, false, 0};
            if (h.op == opcode::close) {
                std::uint64_t at = 0;
                if (auto err = close_rule(f.payload, fo, at); err != codec_error::none)
                    return fail(err, payload_at + at);
                e.has_code = f.payload.size() >= 2;
                if (e.has_code)
                    e.code = static_cast<std::uint16_t>(f.payload[0] << 8 | f.payload[1]);
                closed = true;
            }
            if (h.payload_length > max_control_payload)
                e = {true, h.op, {}, false, 0}; // see the top
            t.events.push_back(std::move(e));
            continue;
        }
        if (h.op == opcode::cont) {
            if (!in_msg && fo.enforces(codec_error::unexpected_continuation))
                return fail(codec_error::unexpected_continuation, f.start);
            // A stray continuation (the rule lenient) opens no message: it is delivered under
            // the previous message's opcode, and UTF-8 checking carries on where it stopped.
            if (!in_msg) msg.clear();
        } else {
            if (in_msg && fo.enforces(codec_error::expected_continuation))
                return fail(codec_error::expected_continuation, f.start);
            msg_op = h.op;
            msg_size = 0;
            msg.clear();
            utf8_seen.clear();
            in_msg = true;
        }
        if (h.payload_length > o.max_message_size - msg_size &&
            fo.enforces(codec_error::message_too_large))
            return fail(codec_error::message_too_large, f.start);
        msg_size += h.payload_length;
        msg.insert(msg.end(), f.payload.begin(), f.payload.end());
        const std::size_t before = utf8_seen.size();
        utf8_seen.insert(utf8_seen.end(), f.payload.begin(), f.payload.end());
        const bool last = f.complete && h.fin;
        if (msg_op == opcode::text && fo.enforces(codec_error::invalid_utf8)) {
            const auto u = reference_utf8(utf8_seen);
            if (u.status == ref_utf8::invalid && u.error_offset >= before)
                return fail(codec_error::invalid_utf8, payload_at + (u.error_offset - before));
            FUZZ_CHECK(u.status != ref_utf8::invalid,
                       "reference: message invalid before this frame");
            // §5.6: a frame may end inside a code point, a message may not.
            if (last && u.status == ref_utf8::incomplete)
                return fail(codec_error::invalid_utf8, payload_at + h.payload_length);
        }
        if (!f.complete) return t;
        if (last) {
            t.events.push_back({false, msg_op, msg, false, 0});
            msg.clear();
            in_msg = false;
        }
    }
    t.error = frames.error;
    t.error_offset = frames.error_offset;
    return t;
}

// Drives a message_assembler over the chunks, checking its contract at every call. With `copy`,
// each chunk stays in the stream and feed_copy() copies it (unmasking payloads on the way).
transcript run(const assembler_options& o, std::span<const std::uint8_t> stream,
               const std::vector<std::size_t>& chunks, bool copy = false) {
    const parser_options& fo = o.frame;
    message_assembler a(o);
    transcript t;
    bool in_msg = false, closed = false;
    opcode msg_op = opcode::text;
    std::vector<std::uint8_t> msg, utf8_seen; // as in reference_messages()
    std::size_t pos = 0;
    for (std::size_t c : chunks) {
        exact_copy buf(stream.subspan(pos, c));
        std::span<const std::uint8_t> src = stream.subspan(pos, c);
        pos += c;
        std::span<std::uint8_t> in = buf.span();
        for (;;) {
            const std::uint64_t before = a.offset();
            const message_result r = copy ? a.feed_copy(src, in) : a.feed(in);
            FUZZ_CHECK(r.consumed <= in.size(), "consumed %zu of %zu", r.consumed, in.size());
            src = src.subspan(r.consumed);
            if (r.status == message_status::error) {
                FUZZ_CHECK(r.error != codec_error::none && r.error == a.error(),
                           "error event without its error");
                FUZZ_CHECK(a.error_offset() <= a.offset(), "error at %llu past offset %llu",
                           (unsigned long long)a.error_offset(), (unsigned long long)a.offset());
                t.error = r.error;
                t.error_offset = a.error_offset();
                static std::uint8_t more[2] = {0x81, 0x00};
                auto rest = in.subspan(r.consumed);
                const auto again = a.feed(rest.empty() ? std::span<std::uint8_t>(more) : rest);
                FUZZ_CHECK(again.status == message_status::error && again.error == t.error &&
                               again.consumed == 0 && a.error_offset() == t.error_offset,
                           "error not sticky: status %d error %d consumed %zu", int(again.status),
                           int(again.error), again.consumed);
                return t;
            }
            FUZZ_CHECK(a.offset() == before + r.consumed, "offset() and consumed disagree");
            in = in.subspan(r.consumed);
            if (r.status == message_status::need_more) {
                FUZZ_CHECK(in.empty(), "need_more with %zu bytes unconsumed", in.size());
                break;
            }
            FUZZ_CHECK(r.consumed > 0, "event without progress");
            FUZZ_CHECK(!closed || !fo.enforces(codec_error::frame_after_close),
                       "a frame after the close frame was accepted");
            const frame_header& h = a.header();
            FUZZ_CHECK(!fo.enforces(codec_error::frame_too_large) ||
                           h.payload_length <= fo.max_frame_payload,
                       "frame over the limit accepted");
            if (r.status == message_status::control) {
                FUZZ_CHECK(is_control(r.op) && r.op == h.op && r.frame_begin && r.frame_end,
                           "control event for opcode %d", int(r.op));
                const bool whole = h.payload_length <= max_control_payload;
                FUZZ_CHECK(!whole || r.payload.size() == h.payload_length,
                           "control payload of %zu bytes for a %llu-byte frame", r.payload.size(),
                           (unsigned long long)h.payload_length);
                event e{true, r.op, {}, false, 0};
                if (whole) e.payload.assign(r.payload.begin(), r.payload.end());
                if (r.op == opcode::close) {
                    closed = true;
                    FUZZ_CHECK(a.close_received(), "close frame not recorded");
                    if (whole) {
                        e.has_code = r.close.has_code;
                        e.code = r.close.code;
                        FUZZ_CHECK(r.close.reason.size() ==
                                       (r.payload.size() >= 2 ? r.payload.size() - 2 : 0),
                                   "close reason of %zu bytes", r.close.reason.size());
                    }
                }
                t.events.push_back(std::move(e));
                continue;
            }
            // Data.
            FUZZ_CHECK(is_data(r.op) && r.op != opcode::cont, "data event with opcode %d",
                       int(r.op));
            if (r.frame_begin && h.op != opcode::cont) {
                FUZZ_CHECK(!in_msg || !fo.enforces(codec_error::expected_continuation),
                           "new message accepted before the previous one ended");
                in_msg = true;
                msg_op = r.op;
                msg.clear();
                utf8_seen.clear();
            } else if (r.frame_begin && !in_msg) {
                // A stray continuation, accepted only when unexpected_continuation is lenient.
                FUZZ_CHECK(!fo.enforces(codec_error::unexpected_continuation),
                           "continuation frame accepted outside a message");
                msg.clear();
            }
            FUZZ_CHECK(!in_msg || r.op == msg_op, "chunk of opcode %d inside a message of %d",
                       int(r.op), int(msg_op));
            msg.insert(msg.end(), r.payload.begin(), r.payload.end());
            utf8_seen.insert(utf8_seen.end(), r.payload.begin(), r.payload.end());
            FUZZ_CHECK(!fo.enforces(codec_error::message_too_large) ||
                           msg.size() <= o.max_message_size,
                       "message of %zu bytes over the %llu limit", msg.size(),
                       (unsigned long long)o.max_message_size);
            if (r.message_end) {
                FUZZ_CHECK(r.frame_end && h.fin && !a.in_message(), "message_end inconsistent");
                if (msg_op == opcode::text && fo.enforces(codec_error::invalid_utf8))
                    FUZZ_CHECK(reference_utf8(utf8_seen).status == ref_utf8::valid,
                               "text message of %zu bytes delivered with invalid UTF-8",
                               msg.size());
                t.events.push_back({false, msg_op, msg, false, 0});
                msg.clear();
                in_msg = false;
            } else {
                FUZZ_CHECK(a.in_message() == in_msg, "in_message() is %d", int(a.in_message()));
            }
        }
    }
    FUZZ_CHECK(a.offset() == stream.size(), "stream of %zu bytes ended at %llu", stream.size(),
               (unsigned long long)a.offset());
    return t;
}

void expect_same(const transcript& want, const transcript& got, const char* how) {
    const std::size_t n =
        want.events.size() < got.events.size() ? want.events.size() : got.events.size();
    for (std::size_t i = 0; i < n; ++i) {
        const auto &a = want.events[i], &b = got.events[i];
        FUZZ_CHECK(
            a == b, "%s: event %zu differs: control %d/%d op %d/%d %zu/%zu bytes code %d:%u/%d:%u",
            how, i, int(a.control), int(b.control), int(a.op), int(b.op), a.payload.size(),
            b.payload.size(), int(a.has_code), unsigned(a.code), int(b.has_code), unsigned(b.code));
    }
    FUZZ_CHECK(want.events.size() == got.events.size(), "%s: %zu events expected, %zu seen", how,
               want.events.size(), got.events.size());
    FUZZ_CHECK(want.error == got.error && want.error_offset == got.error_offset,
               "%s: expected error %d at %llu, got %d at %llu", how, int(want.error),
               (unsigned long long)want.error_offset, int(got.error),
               (unsigned long long)got.error_offset);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    byte_reader in(data, size);
    const frame_config cfg = frame_config::read(in);
    const auto stream = in.rest();
    const assembler_options opt = cfg.assembler();

    const transcript want = reference_messages(stream, opt);
    expect_same(want, run(opt, stream, {stream.size()}), "whole");
    expect_same(want, run(opt, stream, {stream.size()}, true), "whole, feed_copy");
    if (!opt.frame.enforces(codec_error::control_payload_too_long)) return 0; // see the top
    expect_same(want, run(opt, stream, chunk_sizes(stream.size(), cfg.chunk_seed)), "chunked");
    expect_same(want, run(opt, stream, chunk_sizes(stream.size(), cfg.chunk_seed), true),
                "chunked, feed_copy");
    if (stream.size() <= 1024)
        expect_same(want, run(opt, stream, byte_by_byte(stream.size())), "byte by byte");
    return 0;
}
