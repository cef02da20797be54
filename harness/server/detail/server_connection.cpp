#include "harness/server/detail/server_connection.hpp"

#include <sys/epoll.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <limits>

#include <fmt/format.h>

#include "codec/close.hpp"
#include "codec/deflate/negotiation.hpp"
#include "codec/error.hpp"
#include "codec/frame_encoder.hpp"
#include "codec/handshake/base64.hpp"
#include "codec/handshake/extensions.hpp"
#include "codec/handshake/http_fields.hpp"
#include "codec/handshake/http_head.hpp"
#include "codec/handshake/server_request.hpp"
#include "codec/mask.hpp"
#include "harness/server/detail/event_loop.hpp"

namespace wsspec::server::detail {
namespace {

using namespace std::chrono_literals;
using transport::io_result;
using transport::io_status;

// Drain after a close on stop(): the server is going away, the courtesy can be short.
constexpr auto stop_drain = 100ms;
constexpr std::size_t read_chunk = 64 * 1024;
constexpr std::chrono::milliseconds client_wait_for_close{10'000};
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
    relax(quirk::deflate_rsv1_control, codec_error::compressed_control_frame);
    relax(quirk::deflate_rsv1_continuation, codec_error::compressed_continuation);
    relax(quirk::accept_non_minimal_length, codec_error::non_minimal_length);
    // The codec refuses a control frame's extended length form by its 7-bit field, before the
    // length is read (control_payload_too_long): a ping in the 16-bit form needs both.
    relax(quirk::accept_non_minimal_length, codec_error::control_payload_too_long);
    relax(quirk::length_msb_ignored, codec_error::length_msb_set);
    relax(quirk::client_accept_masked, codec_error::masked_server_frame);
    return l;
}

assembler_options make_assembler_options(quirk_set q, std::uint64_t limit, bool as_client,
                                         bool deflate = false) noexcept {
    assembler_options o;
    o.per_message_deflate = deflate;
    o.frame.local_role = as_client ? role::client : role::server;
    o.frame.lenient = leniency_for(q);
    // RFC 6455 §10.4: a frame can never be larger than the message it belongs to.
    o.frame.max_frame_payload = limit;
    o.max_message_size = limit;
    return o;
}

void release_if_large(std::vector<std::uint8_t>& v) {
    if (v.capacity() > keep_capacity) std::vector<std::uint8_t>().swap(v);
}

} // namespace

server_connection::server_connection(std::uint64_t id, transport::socket s,
                                     const server_context& ctx, event_loop& loop,
                                     std::optional<client_side> as_client)
    : client_(std::move(as_client)), rng_(client_ ? client_->seed * 0x9E3779B97F4A7C15ull + id : 0),
      id_(id), sock_(std::move(s)), ctx_(ctx), opt_(ctx.options), loop_(loop), q_(ctx.quirks),
      limit_(q_.has(quirk::max_message_64k)    ? 65535
             : q_.has(quirk::no_message_limit) ? std::numeric_limits<std::uint64_t>::max()
                                               : ctx.options.max_message),
      assembler_(make_assembler_options(q_, limit_, client_.has_value())), buf_(read_chunk) {}

void server_connection::log(std::string_view what) {
    ctx_.log(fmt::format("{}: {}", sock_.peer(), what));
}

void server_connection::start(time_point now) {
    if (ctx_.open_connections) ++*ctx_.open_connections;
    counted_ = ctx_.open_connections != nullptr;
    handshake_deadline_ =
        q_.has(quirk::no_handshake_timeout) ? never : now + opt_.handshake_timeout;
    last_read_ = now;
    if (client_) {
        // RFC 6455 §4.1: "a randomly selected 16-byte value that has been base64-encoded",
        // chosen for each connection.
        std::array<std::uint8_t, 16> nonce{};
        if (!q_.has(quirk::client_same_key))
            for (auto& b : nonce)
                b = static_cast<std::uint8_t>(rng_());
        request_.target = client_->target;
        request_.host = client_->host;
        request_.omit_host = q_.has(quirk::client_no_host);
        if (q_.has(quirk::client_version_8)) request_.version = "8";
        request_.key = handshake::base64_encode(nonce);
        if (opt_.deflate) request_.extensions = std::string(client_deflate_offer);
        const std::string request = handshake::build_client_request(request_);
        out_.insert(out_.end(), request.begin(), request.end());
        flush(now);
    }
    after_io();
}

bool server_connection::reading() const noexcept {
    switch (state_) {
    // Nothing more is read while output waits: a client that does not read its echoes is not
    // allowed to fill our memory (the socket's own backpressure, as a blocking write gives).
    case state::handshake:
    case state::open: return out_sent_ == out_.size();
    case state::await_client:
    case state::draining: return true;
    default: return false;
    }
}

time_point server_connection::next_deadline() const noexcept {
    time_point t = out_sent_ < out_.size() ? write_deadline_ : never;
    switch (state_) {
    case state::handshake: t = std::min(t, handshake_deadline_); break;
    case state::open:
        t = std::min(t, last_read_ + opt_.idle_timeout);
        if (!pongs_.empty()) t = std::min(t, pongs_.front().due);
        t = std::min(t, next_ping_);
        break;
    case state::await_client: t = std::min(t, last_read_ + opt_.idle_timeout); break;
    case state::draining: t = std::min(t, drain_deadline_); break;
    default: break;
    }
    return t;
}

// Tells the loop which events and which deadline this connection waits for now.
void server_connection::after_io() {
    if (state_ == state::finished) return;
    std::uint32_t want = 0;
    if (reading()) want |= EPOLLIN;
    if (out_sent_ < out_.size() || (sock_.wants_write() && reading())) want |= EPOLLOUT;
    // 0 takes the socket out of the epoll set (a hung connection once its last bytes are out),
    // so that a client hanging up (EPOLLHUP is always reported) does not wake the loop again.
    loop_.set_interest(*this, want);
    const time_point t = next_deadline();
    if (t < armed) loop_.arm(*this, t);
}

void server_connection::on_ready(std::uint32_t events, time_point now) {
    if (state_ == state::finished) return;
    if (out_sent_ < out_.size() && !flush(now)) return;
    // EPOLLOUT too when TLS wanted to write in the middle of a read.
    const bool readable =
        (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) || ((events & EPOLLOUT) && sock_.wants_write());
    if (readable && reading()) read_available(now);
    after_io();
}

void server_connection::read_available(time_point now) {
    // TLS may hold decrypted records that epoll cannot see: take them all. A full read may be
    // followed by more: a few reads per wakeup move a large message with fewer epoll rounds,
    // and the bound keeps one busy client from starving the others.
    int reads = 0;
    bool full = false;
    do {
        if (!make_room()) return;
        const io_result r = sock_.read({buf_.data() + end_, buf_.size() - end_});
        switch (r.status) {
        case io_status::ok:
            full = end_ + r.bytes == buf_.size() && r.bytes > 0;
            end_ += r.bytes;
            last_read_ = now;
            on_bytes(now);
            break;
        case io_status::would_block: return;
        case io_status::timeout: // a non-blocking socket never times out
        case io_status::closed:
        case io_status::reset:
        case io_status::error: on_eof(); return;
        }
    } while (reading() && (sock_.has_pending() || (full && ++reads < 16)));
}

// Room at the end of buf_: move unconsumed bytes to the front, or grow the buffer (only while
// a handshake or a whole long control frame is awaited).
bool server_connection::make_room() {
    if (begin_ == end_) begin_ = end_ = 0;
    if (end_ < buf_.size()) return true;
    if (begin_ > 0) {
        std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
        end_ -= begin_;
        begin_ = 0;
    } else {
        buf_.resize(buf_.size() * 2);
    }
    return true;
}

void server_connection::on_bytes(time_point now) {
    switch (state_) {
    case state::handshake: on_handshake(now); break;
    case state::open: process_buffered(now); break;
    default: begin_ = end_ = 0; break; // dropped unread
    }
    if (state_ != state::finished && out_sent_ < out_.size()) flush(now);
}

// The client closed or reset TCP (or TLS failed): nothing more can be said to it.
void server_connection::on_eof() {
    finish();
}

// Writes pending output; false once the connection is over. A full socket buffer leaves the
// rest for EPOLLOUT, under the write timeout.
bool server_connection::flush(time_point now) {
    while (out_sent_ < out_.size()) {
        const io_result r = sock_.write(std::span<const std::uint8_t>(out_).subspan(out_sent_));
        if (r.status == io_status::ok) {
            out_sent_ += r.bytes;
            continue;
        }
        if (r.status == io_status::would_block) {
            if (write_deadline_ == never) write_deadline_ = now + opt_.write_timeout;
            return true;
        }
        log(fmt::format("write failed ({}): {}", transport::to_string(r.status),
                        r.status == io_status::closed ? "the client closed the connection"
                                                      : r.message));
        finish();
        return false;
    }
    out_.clear();
    out_sent_ = 0;
    write_deadline_ = never;
    release_if_large(out_);
    if (state_ == state::closing) begin_draining(now);
    return true;
}

// RFC 6455 §7.1.1: "the server [...] SHOULD close the underlying TCP connection first". Our
// last bytes first, then FIN, then read what the client still sends, so that the kernel does
// not answer unread data with RST (RFC 2525 §2.17).
void server_connection::begin_closing(time_point now) {
    state_ = state::closing;
    pongs_.clear();
    if (out_sent_ == out_.size())
        begin_draining(now);
    else
        flush(now);
}

void server_connection::begin_draining(time_point now) {
    if (!awaiting_server_close_) sock_.shutdown_write();
    state_ = state::draining;
    begin_ = end_ = 0;
    // As the client it waits longer: the server is the one to close TCP (RFC 6455 §7.1.1), and
    // a client "MAY initiate the TCP Close" only after "a reasonable amount of time".
    drain_deadline_ = now + (stopping_                ? std::chrono::milliseconds(stop_drain)
                             : awaiting_server_close_ ? client_wait_for_close
                                                      : opt_.drain_timeout);
}

void server_connection::finish() {
    if (state_ == state::finished) return;
    state_ = state::finished;
    if (counted_) --*ctx_.open_connections;
    sock_.close(); // closing the descriptor also takes it out of the epoll set
    interest = 0;
    loop_.finished(*this);
}

void server_connection::abort(std::string_view why) {
    if (state_ == state::finished) return;
    log(fmt::format("connection aborted: {}", why));
    sock_.abort();
    state_ = state::finished;
    interest = 0;
    loop_.finished(*this);
}

void server_connection::on_timer(time_point now) {
    if (state_ == state::finished) return;
    if (out_sent_ < out_.size() && now >= write_deadline_) {
        log(fmt::format("write failed (timeout): the client does not read, {} bytes unsent",
                        out_.size() - out_sent_));
        finish();
        return;
    }
    switch (state_) {
    case state::handshake:
        if (now < handshake_deadline_) break;
        log("no complete opening handshake in time");
        finish();
        return;
    case state::open:
        if (!send_due_pongs(now) || !send_due_ping(now)) return;
        if (now >= last_read_ + opt_.idle_timeout) go_away("idle timeout", now);
        if (state_ != state::finished && out_sent_ < out_.size()) flush(now);
        break;
    case state::await_client:
        if (now >= last_read_ + opt_.idle_timeout) return finish();
        break;
    case state::draining:
        if (now >= drain_deadline_) return finish();
        break;
    default: break;
    }
    after_io();
}

void server_connection::on_stop(time_point now) {
    if (state_ == state::finished) return;
    stopping_ = true;
    const time_point soon = now + stop_drain;
    switch (state_) {
    case state::open:
        go_away("server stopping", now);
        if (state_ != state::finished && out_sent_ < out_.size()) write_deadline_ = soon;
        break;
    case state::closing: // drains briefly once its bytes are out
        write_deadline_ = std::min(write_deadline_, soon);
        break;
    case state::draining: drain_deadline_ = std::min(drain_deadline_, soon); break;
    default: return finish(); // before the handshake, hung, or awaiting the client's close
    }
    after_io();
}

namespace {

// Header fields the refuse-unknown-fields quirk knows: RFC 6455 §4.1's and Origin.
bool known_field(std::string_view name) {
    for (std::string_view known :
         {"Host", "Upgrade", "Connection", "Sec-WebSocket-Key", "Sec-WebSocket-Version",
          "Sec-WebSocket-Protocol", "Sec-WebSocket-Extensions", "Origin"})
        if (handshake::iequals(name, known)) return true;
    return false;
}

// The defects of the handshake quirks that make a valid request fail: what they refuse, or
// nothing. `complete` is false while the request is still arriving.
std::optional<std::string> strict_refusal(const quirk_set& q, std::string_view bytes,
                                          bool complete) {
    if (!complete) {
        if (q.has(quirk::one_read_handshake)) return "the request did not come in one read";
        return std::nullopt;
    }
    if (q.has(quirk::literal_fields) &&
        (bytes.find("\r\nUpgrade: websocket\r\n") == std::string_view::npos ||
         bytes.find("\r\nConnection: Upgrade\r\n") == std::string_view::npos))
        return "no literal \"Upgrade: websocket\" and \"Connection: Upgrade\" lines";
    if (q.has(quirk::refuse_unknown_fields)) {
        auto h = handshake::parse_http_head(bytes, handshake::head_kind::request);
        for (const auto& f : h.head.fields)
            if (!known_field(f.name)) return "unknown header field " + std::string(f.name);
    }
    return std::nullopt;
}

} // namespace

// As the client: the server's answer to the request (RFC 6455 §4.1: "If the server's response
// is not valid [...] the client MUST _Fail the WebSocket Connection_").
void server_connection::on_response(time_point now) {
    std::string_view bytes(reinterpret_cast<const char*>(buf_.data() + begin_), end_ - begin_);
    auto r = handshake::validate_server_response(bytes, request_);
    if (r.status == handshake::handshake_status::need_more) return;
    if (r.status == handshake::handshake_status::error) {
        using handshake::handshake_error;
        const bool overlooked =
            r.error != handshake_error::malformed_http &&
            r.error != handshake_error::head_too_large &&
            ((q_.has(quirk::client_ignore_accept) &&
              (r.error == handshake_error::response_accept_mismatch ||
               r.error == handshake_error::response_missing_accept ||
               r.error == handshake_error::response_duplicate_accept)) ||
             (q_.has(quirk::client_accept_any_status) &&
              r.error == handshake_error::response_status_not_101) ||
             (q_.has(quirk::client_ignore_upgrade) &&
              (r.error == handshake_error::response_missing_upgrade ||
               r.error == handshake_error::response_upgrade_not_websocket ||
               r.error == handshake_error::response_missing_connection_upgrade)) ||
             (q_.has(quirk::client_accept_unoffered) &&
              (r.error == handshake_error::response_unrequested_extension ||
               r.error == handshake_error::response_unrequested_subprotocol)));
        if (!overlooked) {
            log(fmt::format("refused the server's answer: {} ({})", handshake::name(r.error),
                            r.detail));
            return finish();
        }
        r.head_size = bytes.find("\r\n\r\n") + 4;
    }
    if (r.extensions && !accept_deflate_response(*r.extensions)) return finish();
    begin_ += r.head_size;
    state_ = state::open;
    last_read_ = now;
    process_buffered(now); // frames sent in the same write as the answer
}

// As the client: the key for the next frame (§5.3: "a new masking key [...] for each frame").
std::optional<mask_key> server_connection::next_mask() noexcept {
    if (!client_ || q_.has(quirk::client_no_mask)) return std::nullopt;
    if (q_.has(quirk::client_zero_mask)) return mask_key{};
    if (q_.has(quirk::client_reuse_mask) && first_mask_) return first_mask_;
    const auto v = rng_();
    mask_key k{static_cast<std::uint8_t>(v), static_cast<std::uint8_t>(v >> 8),
               static_cast<std::uint8_t>(v >> 16), static_cast<std::uint8_t>(v >> 24)};
    if (!first_mask_) first_mask_ = k;
    return k;
}

void server_connection::on_handshake(time_point now) {
    if (client_) return on_response(now);
    std::string_view bytes(reinterpret_cast<const char*>(buf_.data() + begin_), end_ - begin_);
    handshake::head_options limits;
    if (q_.has(quirk::no_head_limit)) {
        limits.max_head_size = std::numeric_limits<std::size_t>::max();
        limits.max_fields = std::numeric_limits<std::size_t>::max();
    }
    if (q_.has(quirk::wait_for_blank_line) && bytes.find("\r\n\r\n") == std::string_view::npos)
        return;
    auto req = handshake::parse_client_request(bytes, limits);
    const bool complete = req.status != handshake::handshake_status::need_more;
    if (q_.has(quirk::max_connections_64) && ctx_.open_connections &&
        ctx_.open_connections->load() > 64) {
        log("refused the handshake with 503 (quirk): 64 connections are open");
        const std::string refusal = "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n"
                                    "Content-Length: 0\r\n\r\n";
        out_.insert(out_.end(), refusal.begin(), refusal.end());
        begin_closing(now);
        return;
    }
    if (auto why = strict_refusal(q_, bytes, complete)) {
        log("refused the handshake with 400 (quirk): " + *why);
        const std::string refusal =
            handshake::build_reject_response(400, handshake::handshake_error::malformed_http);
        out_.insert(out_.end(), refusal.begin(), refusal.end());
        begin_closing(now);
        return;
    }
    if (!complete) return;
    using handshake::handshake_error;
    const bool parsed = req.error != handshake_error::malformed_http &&
                        req.error != handshake_error::head_too_large;
    if (req.status == handshake::handshake_status::error && parsed &&
        (q_.has(quirk::accept_any_request) || (req.error == handshake_error::unsupported_version &&
                                               q_.has(quirk::accept_any_version)))) {
        req.status = handshake::handshake_status::complete;
        req.head_size = bytes.find("\r\n\r\n") + 4;
    }
    if (req.status == handshake::handshake_status::error) {
        const bool version = req.error == handshake_error::unsupported_version ||
                             req.error == handshake_error::missing_version;
        const std::uint16_t status =
            version && q_.has(quirk::refuse_without_426) ? 400 : req.http_status;
        log(fmt::format("refused the handshake with {}: {} ({})", status,
                        handshake::name(req.error), req.detail));
        const std::string refusal = handshake::build_reject_response(status, req.error);
        out_.insert(out_.end(), refusal.begin(), refusal.end());
        begin_closing(now);
        return;
    }
    begin_ += req.head_size;
    if (q_.has(quirk::drop_early_frames)) begin_ = end_;
    // RFC 6455 §4.2.2: no subprotocol is selected, and no extension but permessage-deflate.
    auto extensions = accept_deflate(req.request.extensions);
    if (q_.has(quirk::echo_extensions) && req.request.extensions) {
        if (auto offers = handshake::parse_extensions(*req.request.extensions))
            for (const auto& e : *offers)
                if (e.name != deflate::extension_name)
                    extensions = extensions ? *extensions + ", " + e.name : e.name;
    }
    std::optional<std::string> subprotocol;
    if (q_.has(quirk::echo_subprotocol_list) && !req.request.subprotocols.empty()) {
        subprotocol = req.request.subprotocols[0];
        for (std::size_t i = 1; i < req.request.subprotocols.size(); ++i)
            *subprotocol += ", " + req.request.subprotocols[i];
    }
    std::string key = req.request.key;
    if (q_.has(quirk::wrong_accept_key))
        while (!key.empty() && key.back() == '=')
            key.pop_back();
    const std::string accept = handshake::build_accept_response(key, subprotocol, extensions);
    out_.insert(out_.end(), accept.begin(), accept.end());
    state_ = state::open;
    last_read_ = now;
    if (opt_.ping_interval.count() > 0) next_ping_ = now + opt_.ping_interval;
    process_buffered(now); // frames sent in the same write as the request
}

// The response to the client's permessage-deflate offers, if one is accepted; the connection
// then reads RSV1 as "compressed" and compresses its echoes (RFC 7692).
std::optional<std::string>
server_connection::accept_deflate(const std::optional<std::string>& offers) {
    if (!opt_.deflate || !offers) return std::nullopt;
    auto list = handshake::parse_extensions(*offers);
    if (!list) return std::nullopt;
    auto p = deflate::accept_first(*list, *opt_.deflate);
    if (!p && q_.has(quirk::deflate_accepts_any_offer))
        for (const auto& e : *list)
            if (e.name == deflate::extension_name) {
                p = deflate::params{};
                break;
            }
    if (!p) return std::nullopt;
    if (q_.has(quirk::deflate_client_bits_unasked)) {
        p->client_max_window_bits_offered = true;
        p->client_max_window_bits = 15;
    }
    start_deflate(*p);
    return deflate::format(*p);
}

// permessage-deflate as negotiated, in either role (RFC 7692 §7.1).
void server_connection::start_deflate(const deflate::params& p) {
    const bool as_client = client_.has_value();
    auto t = deflate::terms_of(p, !as_client);
    t.own_keeps_context = t.own_keeps_context || q_.has(quirk::deflate_keeps_context);
    assembler_ = message_assembler(make_assembler_options(q_, limit_, as_client, true));
    inflater_ = std::make_unique<deflate::inflater>(
        t.peer_window_bits, t.peer_keeps_context,
        q_.has(quirk::deflate_no_inflate_limit) ? std::uint64_t{1} << 40 : limit_);
    deflater_ = std::make_unique<deflate::deflater>(t.own_window_bits, t.own_keeps_context);
    // The peer's messages stand alone and refer back no further than this side's window, and
    // this side's own do not refer to earlier ones: an incoming message's compressed bytes are
    // a valid compressed echo.
    pass_through_ = !t.peer_keeps_context && !t.own_keeps_context &&
                    t.peer_window_bits <= t.own_window_bits &&
                    !q_.has(quirk::deflate_rsv1_uncompressed);
}

// As the client: the server's answer to its permessage-deflate offer. RFC 7692 §7: a response
// that breaks the offer's terms makes the client _Fail the WebSocket Connection_.
bool server_connection::accept_deflate_response(std::string_view extensions) {
    auto list = handshake::parse_extensions(extensions);
    if (!list) return true; // validate_server_response judged the field
    for (const auto& e : *list) {
        if (e.name != deflate::extension_name || !request_.extensions) continue;
        // The client's own offer, a constant that parses.
        const auto offered = handshake::parse_extensions(client_deflate_offer);
        auto p = deflate::parse_response(e, *deflate::parse_offer(offered->front()));
        if (!p) {
            log("refused the server's answer: " + p.error().message());
            return false;
        }
        start_deflate(*p);
    }
    return true;
}

bool server_connection::refuses_key() noexcept {
    if (client_) return false; // server frames carry no key
    const mask_key key = assembler_.header().key;
    const bool repeated = last_key_ == key;
    last_key_ = key;
    return (q_.has(quirk::reject_zero_mask) && key == mask_key{}) ||
           (q_.has(quirk::reject_repeated_mask) && repeated);
}

// Feeds buffered bytes to the assembler while the WebSocket stays open.
void server_connection::process_buffered(time_point now) {
    while (begin_ < end_ && state_ == state::open) {
        if (q_.has(quirk::long_control_frames) && at_frame_boundary_ && !whole_frame_buffered())
            return;
        auto r = assembler_.feed(std::span<std::uint8_t>(buf_.data() + begin_, end_ - begin_));
        begin_ += r.consumed;
        switch (r.status) {
        case message_status::need_more:
            if (r.consumed > 0) at_frame_boundary_ = false;
            begin_ = end_; // need_more: the assembler took all it was given
            break;
        case message_status::error: return fail(r.error, now);
        case message_status::data:
            if (r.frame_begin && refuses_key())
                return fail(codec_error::unmasked_client_frame, now);
            at_frame_boundary_ = r.frame_end;
            if (!on_data(r)) return finish();
            break;
        case message_status::control:
            if (refuses_key()) return fail(codec_error::unmasked_client_frame, now);
            at_frame_boundary_ = true;
            if (!on_control(r, now)) return;
            break;
        }
    }
    if (begin_ == end_) begin_ = end_ = 0;
}

// quirk::long_control_frames lets control payloads exceed 125 bytes, but the frame parser
// gathers a control payload split across reads in a 125-byte buffer. So such a frame is fed
// only once it is buffered whole; the parser then hands out a view of our buffer instead.
bool server_connection::whole_frame_buffered() const noexcept {
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

bool server_connection::on_data(const message_result& r) {
    // Only reachable with quirk::ignore_reserved_opcodes: the frame is dropped unread.
    if (is_reserved(r.op)) return true;
    const bool text = r.op == opcode::text;
    const bool late_check = q_.has(quirk::utf8_at_end) && text;
    if (r.frame_begin && assembler_.header().op != opcode::cont) {
        late_utf8_.reset();
        inflated_utf8_.reset();
    }
    if (r.compressed) return on_compressed(r);
    if (late_check) late_utf8_.feed(r.payload);
    if (late_check && r.message_end && late_utf8_.finish().status != utf8_status::valid) {
        fail(codec_error::invalid_utf8, last_read_);
        return true; // fail() moved the connection on
    }
    const bool complete = q_.has(quirk::fragments_as_messages) ? r.frame_end : r.message_end;
    const opcode op = q_.has(quirk::binary_as_text) && r.op == opcode::binary ? opcode::text : r.op;
    if (complete && message_.empty()) return echo(op, r.payload); // arrived in one piece
    if (message_.empty() && r.frame_begin && assembler_.header().fin)
        // At most what a sane message takes: the declared length is the client's word.
        message_.reserve(static_cast<std::size_t>(
            std::min<std::uint64_t>(assembler_.header().payload_length, std::uint64_t{64} << 20)));
    message_.insert(message_.end(), r.payload.begin(), r.payload.end());
    if (!complete) return true;
    const bool ok = echo(op, message_);
    message_.clear();
    release_if_large(message_);
    return ok;
}

// A chunk of a compressed message: inflated into message_, its text checked as it inflates
// (RFC 6455 §8.1 holds for the inflated message), echoed once complete.
bool server_connection::on_compressed(const message_result& r) {
    const bool text = r.op == opcode::text;
    bool bad_utf8 = false;
    const bool check_utf8 = text && !q_.has(quirk::skip_utf8);
    auto sink = [&](std::span<const std::uint8_t> b) {
        if (check_utf8 && !bad_utf8 && inflated_utf8_.feed(b).status == utf8_status::invalid)
            bad_utf8 = true;
        message_.insert(message_.end(), b.begin(), b.end());
    };
    if (r.frame_begin && assembler_.header().op != opcode::cont) compressed_.clear();
    if (pass_through_) compressed_.insert(compressed_.end(), r.payload.begin(), r.payload.end());
    auto e = inflater_->feed(r.payload, sink);
    if (e == deflate::inflate_error::none && r.message_end) {
        e = inflater_->finish(sink);
        if (check_utf8 && !bad_utf8 && inflated_utf8_.finish().status != utf8_status::valid)
            bad_utf8 = true;
    }
    if (e == deflate::inflate_error::invalid_data && q_.has(quirk::deflate_drop_invalid)) {
        message_.clear();
        return true; // the rest of the message is fed to a broken inflater, and dropped too
    }
    const codec_error broke =
        e == deflate::inflate_error::invalid_data ? codec_error::invalid_compressed_data
        : e == deflate::inflate_error::too_large  ? codec_error::message_too_large
        : bad_utf8                                ? codec_error::invalid_utf8
                                                  : codec_error::none;
    if (broke != codec_error::none) {
        message_.clear();
        release_if_large(message_);
        fail(broke, last_read_);
        return true; // fail() moved the connection on
    }
    if (!r.message_end) return true;
    const opcode op = q_.has(quirk::binary_as_text) && r.op == opcode::binary ? opcode::text : r.op;
    arrived_compressed_ = pass_through_;
    const bool ok = echo(op, message_);
    arrived_compressed_ = false;
    message_.clear();
    release_if_large(message_);
    return ok;
}

// A message back as it came, but for the quirks that break echoes.
bool server_connection::echo(opcode op, std::span<const std::uint8_t> payload) {
    if (client_ && client_->on_message) {
        client_->on_message(
            std::string_view(reinterpret_cast<const char*>(payload.data()), payload.size()));
        return true;
    }
    if (q_.has(quirk::message_quota_500) && ++echoed_ > 500) {
        if (!send_close(static_cast<std::uint16_t>(close_code::policy_violation),
                        "message quota exceeded"))
            return false;
        begin_closing(last_read_);
        return true; // no longer open: process_buffered stops
    }
    const std::size_t at = out_.size();
    if (deflater_ && q_.has(quirk::deflate_rsv1_uncompressed)) return send_frame(op, payload, 0x4);
    if (deflater_) {
        // Every echo compressed (RFC 7692 §7.2.1), RSV1 on its one frame: as it came, or
        // compressed here.
        if (!arrived_compressed_) {
            compressed_.clear();
            deflater_->compress(payload, compressed_);
        }
        const bool ok = send_frame(op, compressed_, 0x4);
        release_if_large(compressed_);
        return ok;
    }
    if (!send_frame(op, payload)) return false;
    constexpr std::size_t boundary = 65535;
    if (q_.has(quirk::corrupt_large_echo) && payload.size() > boundary)
        out_[at +
             (encoded_size(payload.size(), client_ && !q_.has(quirk::client_no_mask)) -
              payload.size()) +
             boundary] ^= 0x01;
    return true;
}

// False once the connection left the open state.
bool server_connection::on_control(const message_result& r, time_point now) {
    if (is_reserved(r.op)) return true; // quirk::ignore_reserved_opcodes
    switch (r.op) {
    case opcode::ping: return on_ping(r.payload, now);
    case opcode::close: on_close(r, now); return false;
    default: return true; // RFC 6455 §5.5.3: an unsolicited pong needs no response
    }
}

bool server_connection::on_ping(std::span<const std::uint8_t> payload, time_point now) {
    if (q_.has(quirk::crash_on_ping)) std::abort();
    if (q_.has(quirk::hang_on_ping)) {
        // What was echoed before the ping still goes out; after it, nothing.
        state_ = state::hung;
        pongs_.clear();
        return false;
    }
    if (q_.has(quirk::no_pong)) return true;
    if (q_.has(quirk::pong_empty)) payload = {};
    if (q_.has(quirk::late_pong)) {
        pongs_.push_back({now + opt_.late_pong_delay, {payload.begin(), payload.end()}});
        return true;
    }
    // RFC 6455 §5.5.3: "A Pong frame sent in response to a Ping frame must have identical
    // "Application data" as found in the message body of the Ping frame being replied to."
    if (send_frame(opcode::pong, payload)) return true;
    finish();
    return false;
}

void server_connection::on_close(const message_result& r, time_point now) {
    if (q_.has(quirk::no_close_reply)) {
        state_ = state::await_client;
        pongs_.clear();
        begin_ = end_ = 0;
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
    if (!send_close(code, {})) return finish();
    if (client_ && !q_.has(quirk::client_close_tcp_first)) {
        // RFC 6455 §7.1.1: the server closes TCP first; the client waits for it (and gives up
        // after the drain timeout).
        state_ = state::closing;
        awaiting_server_close_ = true;
        if (out_sent_ == out_.size()) begin_draining(now);
    } else if (q_.has(quirk::no_tcp_close)) {
        state_ = state::await_client;
        begin_ = end_ = 0;
        last_read_ = now;
    } else {
        begin_closing(now);
    }
}

// RFC 6455 §7.1.7 _Fail the WebSocket Connection_: send a close frame with the code the rule
// maps to (§7.4.1), then close TCP.
void server_connection::fail(codec_error e, time_point now) {
    const std::uint16_t code = q_.has(quirk::wrong_close_code) ? 1000 : close_code_for(e);
    log(fmt::format("failing the connection with {}: {} ({} §{}) at byte {}", code, name(e),
                    rfc_document(e), rfc_section(e), assembler_.error_offset()));
    if (!send_close(code, describe(e))) return finish();
    begin_closing(now);
}

void server_connection::go_away(std::string_view reason, time_point now) {
    if (!send_close(static_cast<std::uint16_t>(close_code::going_away), reason)) return finish();
    begin_closing(now);
}

// Appends one frame to the output; it is written with the rest of the batch.
bool server_connection::send_frame(opcode op, std::span<const std::uint8_t> payload,
                                   std::uint8_t rsv) {
    const std::size_t at = out_.size();
    const std::optional<mask_key> mask = next_mask();
    const frame_options f{.op = op, .rsv = rsv, .mask = mask};
    if (payload.size() > max_control_payload && !is_control(op)) {
        // A large echo: header, then the payload appended, without zero-filling the room first.
        std::uint8_t header[max_header_size];
        const std::size_t h = encode_header(f, payload.size(), header);
        out_.reserve(at + h + payload.size());
        out_.insert(out_.end(), header, header + h);
        out_.insert(out_.end(), payload.begin(), payload.end());
        if (mask) apply_mask(std::span<std::uint8_t>(out_).subspan(at + h), *mask);
        return true;
    }
    out_.resize(at + encoded_size(payload.size(), mask.has_value()));
    auto e = encode_frame(f, payload, std::span<std::uint8_t>(out_).subspan(at), rsv);
    if (e.error == codec_error::control_payload_too_long && q_.has(quirk::long_control_frames)) {
        // The strict encoder refuses a control frame over 125 bytes (§5.5); this quirk sends one.
        out_.resize(at);
        write_frame(out_, frame_spec{.opcode_nibble = static_cast<std::uint8_t>(op), .mask = mask},
                    payload);
        return true;
    }
    if (e.error != codec_error::none) {
        out_.resize(at);
        log(fmt::format("cannot encode a {} frame: {}", to_string(op), describe(e.error)));
        return false;
    }
    out_.resize(at + e.size);
    return true;
}

// code 0: an empty close payload.
bool server_connection::send_close(std::uint16_t code, std::string_view reason) {
    std::uint8_t payload[max_control_payload];
    const std::size_t n = code == 0 ? 0 : write_close_payload(code, reason, payload);
    return send_frame(opcode::close, std::span<const std::uint8_t>(payload, n));
}

bool server_connection::send_due_pongs(time_point now) {
    while (!pongs_.empty() && pongs_.front().due <= now) {
        if (!send_frame(opcode::pong, pongs_.front().payload)) {
            finish();
            return false;
        }
        pongs_.pop_front();
    }
    return true;
}

bool server_connection::send_due_ping(time_point now) {
    if (now < next_ping_) return true;
    next_ping_ = now + opt_.ping_interval;
    static constexpr std::string_view beat = "wsspec heartbeat";
    if (send_frame(opcode::ping,
                   std::span(reinterpret_cast<const std::uint8_t*>(beat.data()), beat.size())))
        return true;
    finish();
    return false;
}

} // namespace wsspec::server::detail
