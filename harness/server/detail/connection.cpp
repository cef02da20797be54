#include "harness/server/detail/connection.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <exception>
#include <string_view>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "codec/close.hpp"
#include "codec/error.hpp"
#include "codec/frame_encoder.hpp"
#include "codec/handshake/server_request.hpp"
#include "codec/message_assembler.hpp"
#include "codec/utf8.hpp"

namespace wsspec::server::detail {
namespace {

using namespace std::chrono_literals;
using transport::clock;
using transport::deadline;

// How often a waiting connection looks at the stop flag: bounds how long stop() takes.
constexpr auto poll_slice = 50ms;
// Drain after a close on stop(): the server is going away, the courtesy can be short.
constexpr auto stop_drain = 100ms;
constexpr std::size_t read_chunk = 64 * 1024;
// Buffers grown by one big message are given back afterwards.
constexpr std::size_t keep_capacity = 1 << 20;

leniency leniency_for(quirk_set q) noexcept {
    leniency l = 0;
    auto relax = [&](quirk which, codec_error e) {
        if (q.has(which)) l |= lenient(e);
    };
    relax(quirk::accept_unmasked, codec_error::unmasked_client_frame);
    relax(quirk::ignore_rsv, codec_error::reserved_bits_set);
    relax(quirk::ignore_reserved_opcodes, codec_error::reserved_opcode);
    relax(quirk::fragmented_control, codec_error::control_frame_fragmented);
    relax(quirk::long_control_frames, codec_error::control_payload_too_long);
    relax(quirk::allow_interleaving, codec_error::unexpected_continuation);
    relax(quirk::allow_interleaving, codec_error::expected_continuation);
    relax(quirk::skip_utf8, codec_error::invalid_utf8);
    // The codec's fail-fast check is off; the connection checks whole messages instead.
    relax(quirk::utf8_at_end, codec_error::invalid_utf8);
    relax(quirk::no_close_validation, codec_error::close_payload_size_1);
    relax(quirk::no_close_validation, codec_error::invalid_close_code);
    relax(quirk::no_close_validation, codec_error::invalid_close_reason_utf8);
    return l;
}

std::span<const std::uint8_t> as_bytes(std::string_view s) noexcept {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

void release_if_large(std::vector<std::uint8_t>& v) {
    if (v.capacity() > keep_capacity) std::vector<std::uint8_t>().swap(v);
}

class connection {
public:
    connection(transport::stream& s, const connection_context& ctx);
    void run();

private:
    enum class wait : std::uint8_t { bytes, timeout, eof, stopped };

    bool stopping() const noexcept { return ctx_.stopping.load(std::memory_order_relaxed); }
    void log(std::string_view what) { ctx_.log(fmt::format("{}: {}", s_.describe_peer(), what)); }

    wait read_more(deadline until);
    bool write(std::span<const std::uint8_t> bytes);
    void close_tcp();
    void wait_for_client_close();

    bool upgrade();
    void serve();
    bool process_buffered();
    bool whole_frame_buffered() const noexcept;
    bool on_data(const message_result& r);
    bool on_control(const message_result& r);
    bool on_ping(std::span<const std::uint8_t> payload);
    void on_close(const message_result& r);
    void fail(codec_error e);
    void go_away(std::string_view reason);

    bool send_frame(opcode op, std::span<const std::uint8_t> payload);
    bool send_close(std::uint16_t code, std::string_view reason);
    bool send_due_pongs();

    struct pending_pong {
        deadline due;
        std::vector<std::uint8_t> payload;
    };

    transport::stream& s_;
    const connection_context& ctx_;
    const server_options& opt_;
    const quirk_set q_;
    const std::uint64_t limit_;
    message_assembler assembler_;
    std::vector<std::uint8_t> buf_;
    std::size_t begin_ = 0; // unconsumed bytes are [begin_, end_)
    std::size_t end_ = 0;
    bool at_frame_boundary_ = true;
    std::vector<std::uint8_t> message_;
    std::vector<std::uint8_t> out_;
    utf8_validator late_utf8_{};     // quirk::utf8_at_end
    std::deque<pending_pong> pongs_; // quirk::late_pong
};

assembler_options make_assembler_options(quirk_set q, std::uint64_t limit) noexcept {
    assembler_options o;
    o.frame.local_role = role::server;
    o.frame.lenient = leniency_for(q);
    // RFC 6455 §10.4: a frame can never be larger than the message it belongs to.
    o.frame.max_frame_payload = limit;
    o.max_message_size = limit;
    return o;
}

connection::connection(transport::stream& s, const connection_context& ctx)
    : s_(s), ctx_(ctx), opt_(ctx.options), q_(ctx.quirks),
      limit_(q_.has(quirk::max_message_64k) ? 65535 : ctx.options.max_message),
      assembler_(make_assembler_options(q_, limit_)), buf_(read_chunk) {}

void connection::run() {
    if (upgrade()) serve();
    s_.close();
}

// One read, waiting until `until` at most, in slices so that stop() is noticed.
connection::wait connection::read_more(deadline until) {
    if (end_ == buf_.size()) {
        if (begin_ > 0) {
            std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
            end_ -= begin_;
            begin_ = 0;
        } else {
            buf_.resize(buf_.size() * 2); // only while a whole long control frame is awaited
        }
    }
    for (;;) {
        if (stopping()) return wait::stopped;
        const auto now = clock::now();
        if (now >= until) return wait::timeout;
        std::span<std::uint8_t> room(buf_.data() + end_, buf_.size() - end_);
        auto r = s_.read_some(room, std::min(until, now + poll_slice));
        switch (r.status) {
        case transport::io_status::ok: end_ += r.bytes; return wait::bytes;
        case transport::io_status::timeout: continue;
        case transport::io_status::closed:
        case transport::io_status::reset:
        case transport::io_status::error: return wait::eof;
        }
    }
}

bool connection::write(std::span<const std::uint8_t> bytes) {
    auto r = s_.write_all(bytes, clock::now() + opt_.write_timeout);
    if (r.ok()) return true;
    log(fmt::format("write failed ({}): {}", transport::to_string(r.status), r.message));
    return false;
}

// RFC 6455 §7.1.1: "the server [...] SHOULD close the underlying TCP connection first". FIN
// first, then read what the client still sends, so that the kernel does not answer unread
// data with RST (RFC 2525 §2.17).
void connection::close_tcp() {
    s_.shutdown_write();
    const deadline until = clock::now() + (stopping() ? stop_drain : opt_.drain_timeout);
    std::uint8_t sink[4096];
    for (auto now = clock::now(); now < until; now = clock::now()) {
        auto r = s_.read_some(sink, std::min(until, now + poll_slice));
        if (r.status == transport::io_status::timeout && !stopping()) continue;
        if (r.status != transport::io_status::ok) break;
    }
    s_.close();
}

// For no-close-reply and no-tcp-close: leave TCP open until the client closes it (or goes
// idle, or the server stops).
void connection::wait_for_client_close() {
    auto idle_until = clock::now() + opt_.idle_timeout;
    for (;;) {
        begin_ = end_ = 0;
        switch (read_more(idle_until)) {
        case wait::bytes: idle_until = clock::now() + opt_.idle_timeout; break;
        case wait::timeout:
        case wait::eof:
        case wait::stopped: return;
        }
    }
}

bool connection::upgrade() {
    const deadline until = clock::now() + opt_.handshake_timeout;
    for (;;) {
        std::string_view bytes(reinterpret_cast<const char*>(buf_.data() + begin_), end_ - begin_);
        auto req = handshake::parse_client_request(bytes);
        if (req.status == handshake::handshake_status::complete) {
            begin_ += req.head_size;
            // RFC 6455 §4.2.2: no subprotocol and no extension is selected, whatever was offered.
            return write(as_bytes(handshake::build_accept_response(req.request.key)));
        }
        if (req.status == handshake::handshake_status::error) {
            log(fmt::format("refused the handshake with {}: {} ({})", req.http_status,
                            handshake::name(req.error), req.detail));
            if (write(as_bytes(handshake::build_reject_response(req.http_status, req.error))))
                close_tcp();
            return false;
        }
        switch (read_more(until)) {
        case wait::bytes: break;
        case wait::timeout: log("no complete opening handshake in time"); return false;
        case wait::eof:
        case wait::stopped: return false;
        }
    }
}

void connection::serve() {
    auto idle_until = clock::now() + opt_.idle_timeout;
    for (;;) {
        if (!process_buffered() || !send_due_pongs()) return;
        deadline until = idle_until;
        if (!pongs_.empty()) until = std::min(until, pongs_.front().due);
        switch (read_more(until)) {
        case wait::bytes: idle_until = clock::now() + opt_.idle_timeout; break;
        case wait::timeout:
            if (clock::now() < idle_until) break;
            go_away("idle timeout");
            return;
        case wait::eof: return; // the client dropped TCP without a closing handshake
        case wait::stopped: go_away("server stopping"); return;
        }
    }
}

// Feeds buffered bytes to the assembler; false once the connection is over.
bool connection::process_buffered() {
    while (begin_ < end_) {
        if (q_.has(quirk::long_control_frames) && at_frame_boundary_ && !whole_frame_buffered())
            break;
        auto r = assembler_.feed(std::span<std::uint8_t>(buf_.data() + begin_, end_ - begin_));
        begin_ += r.consumed;
        switch (r.status) {
        case message_status::need_more:
            if (r.consumed > 0) at_frame_boundary_ = false;
            begin_ = end_; // need_more: the assembler took all it was given
            break;
        case message_status::error: fail(r.error); return false;
        case message_status::data:
            at_frame_boundary_ = r.frame_end;
            if (!on_data(r)) return false;
            break;
        case message_status::control:
            at_frame_boundary_ = true;
            if (!on_control(r)) return false;
            break;
        }
    }
    if (begin_ == end_) begin_ = end_ = 0;
    return true;
}

// quirk::long_control_frames lets control payloads exceed 125 bytes, but the frame parser
// gathers a control payload split across reads in a 125-byte buffer. So such a frame is fed
// only once it is buffered whole; the parser then hands out a view of our buffer instead.
bool connection::whole_frame_buffered() const noexcept {
    const std::size_t avail = end_ - begin_;
    if (avail < 2) return false;
    const std::uint8_t* p = buf_.data() + begin_;
    const std::size_t len7 = p[1] & 0x7F;
    if ((p[0] & 0x08) == 0 || len7 <= max_control_payload) return true;
    const std::size_t length_end = len7 == 126 ? 4 : 10;
    const std::size_t header = length_end + ((p[1] & 0x80) ? 4 : 0);
    if (avail < header) return false;
    std::uint64_t length = 0;
    for (std::size_t i = 2; i < length_end; ++i)
        length = (length << 8) | p[i];
    if (length > limit_) return true; // refused at the header, before any payload is gathered
    return avail - header >= length;
}

bool connection::on_data(const message_result& r) {
    // Only reachable with quirk::ignore_reserved_opcodes: the frame is dropped unread.
    if (is_reserved(r.op)) return true;
    const bool text = r.op == opcode::text;
    const bool late_check = q_.has(quirk::utf8_at_end) && text;
    if (r.frame_begin && assembler_.header().op != opcode::cont) late_utf8_.reset();
    if (late_check) late_utf8_.feed(r.payload);
    if (late_check && r.message_end && late_utf8_.finish().status != utf8_status::valid) {
        fail(codec_error::invalid_utf8);
        return false;
    }
    const bool complete = q_.has(quirk::fragments_as_messages) ? r.frame_end : r.message_end;
    const opcode op = q_.has(quirk::binary_as_text) && r.op == opcode::binary ? opcode::text : r.op;
    if (complete && message_.empty()) return send_frame(op, r.payload); // arrived in one piece
    message_.insert(message_.end(), r.payload.begin(), r.payload.end());
    if (!complete) return true;
    const bool ok = send_frame(op, message_);
    message_.clear();
    release_if_large(message_);
    return ok;
}

bool connection::on_control(const message_result& r) {
    if (is_reserved(r.op)) return true; // quirk::ignore_reserved_opcodes
    switch (r.op) {
    case opcode::ping: return on_ping(r.payload);
    case opcode::close: on_close(r); return false;
    default: return true; // RFC 6455 §5.5.3: an unsolicited pong needs no response
    }
}

bool connection::on_ping(std::span<const std::uint8_t> payload) {
    if (q_.has(quirk::crash_on_ping)) std::abort();
    if (q_.has(quirk::hang_on_ping)) {
        while (!stopping())
            std::this_thread::sleep_for(poll_slice);
        return false;
    }
    if (q_.has(quirk::no_pong)) return true;
    if (q_.has(quirk::pong_empty)) payload = {};
    if (q_.has(quirk::late_pong)) {
        pongs_.push_back({clock::now() + opt_.late_pong_delay, {payload.begin(), payload.end()}});
        return true;
    }
    // RFC 6455 §5.5.3: "A Pong frame sent in response to a Ping frame must have identical
    // "Application data" as found in the message body of the Ping frame being replied to."
    return send_frame(opcode::pong, payload);
}

void connection::on_close(const message_result& r) {
    if (q_.has(quirk::no_close_reply)) {
        wait_for_client_close();
        return;
    }
    // RFC 6455 §5.5.1: the endpoint "typically echos the status code it received". A close the
    // codec would have refused (quirk::no_close_validation) is answered with 1000, and so is a
    // code a server may not send itself.
    std::uint16_t code = 0;
    if (parse_close_payload(r.payload).error != codec_error::none)
        code = 1000;
    else if (r.close.has_code)
        code = may_send_close_code(r.close.code, true) ? r.close.code : 1000;
    pongs_.clear();
    if (!send_close(code, {})) return;
    if (q_.has(quirk::no_tcp_close))
        wait_for_client_close();
    else
        close_tcp();
}

// RFC 6455 §7.1.7 _Fail the WebSocket Connection_: send a close frame with the code the rule
// maps to (§7.4.1), then close TCP.
void connection::fail(codec_error e) {
    const std::uint16_t code = q_.has(quirk::wrong_close_code) ? 1000 : close_code_for(e);
    log(fmt::format("failing the connection with {}: {} (RFC 6455 §{}) at byte {}", code, name(e),
                    rfc_section(e), assembler_.error_offset()));
    if (send_close(code, describe(e))) close_tcp();
}

void connection::go_away(std::string_view reason) {
    if (send_close(static_cast<std::uint16_t>(close_code::going_away), reason)) close_tcp();
}

bool connection::send_frame(opcode op, std::span<const std::uint8_t> payload) {
    out_.resize(encoded_size(payload.size(), false));
    auto e = encode_frame(frame_options{.op = op}, payload, out_);
    if (e.error == codec_error::control_payload_too_long && q_.has(quirk::long_control_frames)) {
        // The strict encoder refuses a control frame over 125 bytes (§5.5); this quirk sends one.
        out_.clear();
        e.size =
            write_frame(out_, frame_spec{.opcode_nibble = static_cast<std::uint8_t>(op)}, payload);
    } else if (e.error != codec_error::none) {
        log(fmt::format("cannot encode a {} frame: {}", to_string(op), describe(e.error)));
        return false;
    }
    const bool ok = write(std::span<const std::uint8_t>(out_).first(e.size));
    release_if_large(out_);
    return ok;
}

// code 0: an empty close payload.
bool connection::send_close(std::uint16_t code, std::string_view reason) {
    std::uint8_t payload[max_control_payload];
    const std::size_t n = code == 0 ? 0 : write_close_payload(code, reason, payload);
    return send_frame(opcode::close, std::span<const std::uint8_t>(payload, n));
}

bool connection::send_due_pongs() {
    const auto now = clock::now();
    while (!pongs_.empty() && pongs_.front().due <= now) {
        if (!send_frame(opcode::pong, pongs_.front().payload)) return false;
        pongs_.pop_front();
    }
    return true;
}

} // namespace

void run_connection(std::unique_ptr<transport::stream> s, const connection_context& ctx) {
    try {
        connection c(*s, ctx);
        c.run();
    } catch (const std::exception& e) {
        // bad_alloc and the like end this connection, never the server.
        ctx.log(fmt::format("{}: connection aborted: {}", s->describe_peer(), e.what()));
        s->abort();
    }
}

} // namespace wsspec::server::detail
