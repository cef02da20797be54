#include "harness/engine/session.hpp"

#include <fmt/format.h>

#include "codec/close.hpp"
#include "codec/frame_encoder.hpp"
#include "harness/catalog/frame_spec.hpp"
#include "harness/engine/verdict.hpp"

namespace wsspec::engine {
namespace {

using catalog::peer_role;

std::string hex_preview(std::span<const std::uint8_t> b, std::size_t max = 64) {
    std::string s = catalog::to_hex(b.first(std::min(b.size(), max)));
    if (b.size() > max) s += " ...";
    return s;
}

// wsspec reads in the other role than the peer's: as the client when the peer is a server.
assembler_options assembler_for(const session_options& o) {
    assembler_options a;
    a.frame.local_role = o.peer == peer_role::server ? role::client : role::server;
    a.frame.allowed_rsv = o.allowed_rsv;
    a.frame.max_frame_payload = o.max_message;
    a.max_message_size = o.max_message;
    a.per_message_deflate = o.deflate.has_value();
    return a;
}

} // namespace

session::session(std::unique_ptr<transport::stream> s, observation& obs, const session_options& o)
    : s_(std::move(s)), obs_(obs), opt_(o), rng_(o.seed), control_rng_(o.seed ^ 0xc0c0c0c0u),
      assembler_(assembler_for(o)), rx_(64 * 1024), t0_(clock::now()) {
    if (!o.deflate) return;
    const auto t = deflate::terms_of(*o.deflate, o.peer == peer_role::client);
    inflater_ = std::make_unique<deflate::inflater>(t.peer_window_bits, t.peer_keeps_context,
                                                    o.max_message);
    deflater_ = std::make_unique<deflate::deflater>(t.own_window_bits, t.own_keeps_context);
    sent_valid_for_peer_ =
        !t.peer_keeps_context && !t.own_keeps_context && t.own_window_bits <= t.peer_window_bits;
}

void session::log(const char* what, std::string text) {
    if (!opt_.wirelog) return;
    double ms = std::chrono::duration<double, std::milli>(clock::now() - t0_).count();
    if (opt_.wirelog->size() + 1 == max_wirelog_entries) {
        opt_.wirelog->push_back(
            {ms, "NOTE", fmt::format("the wire log stops here ({} entries)", max_wirelog_entries)});
        return;
    }
    if (opt_.wirelog->size() >= max_wirelog_entries) return;
    opt_.wirelog->push_back({ms, what, std::move(text)});
}

void session::count_sent_frame(std::uint8_t opcode_nibble, std::uint64_t payload,
                               std::uint64_t message, bool fin) {
    ++obs_.metrics.tx_frames[opcode_nibble];
    if (opcode_nibble > 0x2) return; // control and reserved frames carry no message
    auto& out = obs_.traffic.outgoing;
    ++out.frames;
    out.websocket += payload;
    out.app += message;
    out.messages += fin;
}

mask_key session::next_key(std::mt19937_64& rng) noexcept {
    auto v = rng();
    return {static_cast<std::uint8_t>(v), static_cast<std::uint8_t>(v >> 8),
            static_cast<std::uint8_t>(v >> 16), static_cast<std::uint8_t>(v >> 24)};
}

std::optional<mask_key> session::automatic_mask() noexcept {
    // RFC 6455 §5.1: "A server MUST NOT mask any frames that it sends to the client."
    if (opt_.peer == peer_role::client) return std::nullopt;
    return next_key(control_frame_ ? control_rng_ : rng_);
}

void session::feed_initial(std::span<const std::uint8_t> bytes) {
    std::vector<std::uint8_t> copy(bytes.begin(), bytes.end());
    obs_.metrics.bytes_received += copy.size();
    if (!copy.empty()) process(copy);
}

void session::write_now(std::span<const std::uint8_t> bytes) {
    if (tcp_closed_ || bytes.empty()) return;
    if (logging()) log("TX", fmt::format("{} B {}", bytes.size(), hex_preview(bytes)));
    // Writes in slices, reading between them: a peer that answers while it reads (an echo per
    // frame) may wait for us to read before it reads on. Only a peer that takes nothing for the
    // write timeout has stopped reading.
    using namespace std::chrono_literals;
    auto progress = clock::now();
    while (!bytes.empty() && !tcp_closed_) {
        auto r = s_->write_all(bytes, clock::now() + 20ms);
        obs_.metrics.bytes_sent += r.bytes;
        bytes = bytes.subspan(r.bytes);
        if (r.ok()) {
            // Between the blocks of a large message, read what the peer said, as an event loop
            // would: a server that refuses the message sends its close, drains a while and
            // closes TCP; its RST, once the drain ends with our bytes unread, discards whatever
            // we had not read yet, the close frame included.
            if (r.bytes >= large_write) take_in();
            return;
        }
        if (r.status != transport::io_status::timeout) {
            if (obs_.not_clean_reason.empty() && !obs_.was_clean)
                obs_.not_clean_reason =
                    "the peer closed the connection while the harness was writing (" +
                    std::string(transport::to_string(r.status)) + ")";
            on_tcp_end(r.status); // the peer is gone; what it sent before still counts
            return;
        }
        auto now = clock::now();
        if (r.bytes > 0) {
            progress = now;
        } else if (now - progress >= opt_.timeouts.write) {
            drop("the peer stopped reading (write timed out)");
            return;
        }
        take_in();
    }
    if (!mid_frame_ && !deferred_.empty()) {
        // Answers that waited for this write; the caller is not inside a frame.
        std::vector<std::uint8_t> held;
        held.swap(deferred_);
        write_now(held);
    }
}

void session::take_in() {
    if (tcp_closed_) return;
    const bool was = mid_frame_;
    mid_frame_ = true; // the write in progress may have stopped inside a frame
    auto r = s_->read_some(rx_, clock::now());
    if (r.status == transport::io_status::ok) {
        obs_.metrics.bytes_received += r.bytes;
        if (!violated_) process(std::span<std::uint8_t>(rx_.data(), r.bytes));
    } else if (r.status != transport::io_status::timeout) {
        on_tcp_end(r.status);
    }
    mid_frame_ = was;
}

void session::flush() {
    if (pending_.empty()) return;
    std::vector<std::uint8_t> out;
    out.swap(pending_);
    write_now(out);
}

void session::write_chopped(std::span<const std::uint8_t> bytes, std::size_t chop) {
    flush();
    for (std::size_t pos = 0; pos < bytes.size() && !tcp_closed_; pos += chop) {
        // Each chop is its own write(); with TCP_NODELAY it leaves as its own segment unless
        // the peer is behind. Autobahn re-enters its reactor between chops: taking in what
        // arrived keeps the event order right, without sleeping.
        write_now(bytes.subspan(pos, std::min(chop, bytes.size() - pos)));
        take_in();
    }
}

void session::begin_partial_frame() {
    mid_frame_ = true;
}

void session::end_partial_frame(bool complete) {
    mid_frame_ = false;
    if (deferred_.empty()) return;
    std::vector<std::uint8_t> held;
    held.swap(deferred_);
    if (complete) {
        // Behind whatever of the frame is still queued.
        queue(held);
        flush();
    } else {
        log("TF", fmt::format("not sent: {} B of automatic frames that would have landed inside "
                              "an unfinished frame",
                              held.size()));
    }
}

void session::write_control(std::uint8_t opcode, std::span<const std::uint8_t> payload) {
    std::vector<std::uint8_t> frame;
    frame_spec spec;
    spec.opcode_nibble = opcode;
    control_frame_ = true;
    spec.mask = automatic_mask();
    control_frame_ = false;
    write_frame(frame, spec, payload);
    count_sent_frame(opcode);
    if (mid_frame_) {
        // Never inside the frame being written: after it (RFC 6455 §5.4, "Control frames MAY be
        // injected in the middle of a fragmented message", between frames, not inside one).
        deferred_.insert(deferred_.end(), frame.begin(), frame.end());
        return;
    }
    queue(frame);
    flush();
}

void session::send_close(std::optional<std::uint16_t> code, std::string_view reason,
                         const catalog::payload* raw_payload) {
    if (close_sent_ || tcp_closed_) return;
    auto body = raw_payload ? raw_payload->materialize() : catalog::close_body(code, reason);
    close_sent_ = true;
    obs_.local_close_code = code;
    if (!close_received_) {
        obs_.closed_by_me = true;
        close_timer_ = clock::now() + opt_.timeouts.close;
    }
    log("TF", fmt::format("close {}", code ? std::to_string(*code) : "(empty)"));
    write_control(0x8, body);
}

void session::drop(std::string why) {
    if (tcp_closed_) return;
    log("TIMER", "drop TCP: " + why);
    obs_.dropped_by_me = true;
    if (!why.empty() && obs_.not_clean_reason.empty() && !obs_.was_clean)
        obs_.not_clean_reason = why;
    s_->close();
    tcp_closed_ = true;
}

void session::record(catalog::event e) {
    obs_.received.push_back(std::move(e));
    finish_when_done();
}

void session::on_violation(codec_error e, std::uint64_t offset) {
    violated_ = true;
    if (e == codec_error::frame_too_large || e == codec_error::message_too_large) {
        // Not the peer's violation: wsspec's own limit, which keeps a hostile peer from
        // making it hold gigabytes.
        obs_.limit_exceeded = fmt::format(
            "the {} sent a {} larger than wsspec's limit of {} bytes for this case ({}; "
            "--max-message BYTES raises it)",
            catalog::to_string(opt_.peer), e == codec_error::frame_too_large ? "frame" : "message",
            opt_.max_message,
            opt_.max_message_is_flag ? "set by --max-message"
                                     : "twice the largest message it expects, plus 64 KiB");
        log("RF", obs_.limit_exceeded);
        obs_.failed_by_me = true;
        if (close_sent_)
            drop("the harness failed the connection: " + obs_.limit_exceeded);
        else
            send_close(1009, "");
        return;
    }
    obs_.violation =
        report::violation{std::string(name(e)), std::string(rfc_section(e)),
                          std::string(describe(e)), offset, std::string(rfc_document(e))};
    log("RF", fmt::format("violation: {} ({} §{}) at byte {}", name(e), rfc_document(e),
                          rfc_section(e), offset));
    // As Autobahn does: fail the connection with 1002 (1007 for UTF-8), or drop if closing.
    obs_.failed_by_me = true;
    if (close_sent_)
        drop("the harness failed the connection after a protocol violation");
    else
        send_close(close_code_for(e), describe(e));
}

void session::take_message_bytes(std::span<const std::uint8_t> bytes) {
    if (message_op_ == opcode::text && !inflated_utf8_bad_ &&
        inflated_utf8_.feed(bytes).status == utf8_status::invalid)
        inflated_utf8_bad_ = true;
    message_.append(bytes);
}

bool session::take_as_sent(const message_result& r) {
    const auto& sent = *sent_compressed_;
    if (matched_ + r.payload.size() <= sent.size() &&
        std::equal(r.payload.begin(), r.payload.end(), sent.begin() + matched_)) {
        matched_ += r.payload.size();
        if (!r.message_end) return true;
        if (matched_ == sent.size()) {
            // The inflater, untouched, stays at the start of a message: no context to keep.
            as_sent_ = false;
            std::uint8_t block[16 * 1024];
            for (std::uint64_t at = 0; at < echo_->size(); at += sizeof block) {
                auto n = static_cast<std::size_t>(
                    std::min<std::uint64_t>(sizeof block, echo_->size() - at));
                echo_->generate(at, std::span(block, n));
                take_message_bytes(std::span(block, n));
            }
            return true;
        }
    }
    return false;
}

bool session::inflate_chunk(const message_result& r) {
    auto sink = [this](std::span<const std::uint8_t> b) { take_message_bytes(b); };
    inflated_utf8_bad_ = false;
    if (as_sent_) {
        if (take_as_sent(r)) return as_sent_ || judge_inflated(deflate::inflate_error::none, true);
        // Not the bytes sent after all: inflate what matched so far, then go on as usual.
        as_sent_ = false;
        auto e = inflater_->feed(std::span(*sent_compressed_).first(matched_), sink);
        if (e != deflate::inflate_error::none) return judge_inflated(e, false);
    }
    auto e = inflater_->feed(r.payload, sink);
    if (e == deflate::inflate_error::none && r.message_end) e = inflater_->finish(sink);
    return judge_inflated(e, r.message_end);
}

// The end of an inflated chunk: a violation fails the connection (false).
bool session::judge_inflated(deflate::inflate_error e, bool message_end) {
    if (e == deflate::inflate_error::none && message_end && message_op_ == opcode::text &&
        !inflated_utf8_bad_ && inflated_utf8_.finish().status != utf8_status::valid)
        inflated_utf8_bad_ = true;
    if (e == deflate::inflate_error::invalid_data) {
        on_violation(codec_error::invalid_compressed_data, assembler_.offset());
    } else if (e == deflate::inflate_error::too_large) {
        on_violation(codec_error::message_too_large, assembler_.offset());
    } else if (inflated_utf8_bad_) {
        // RFC 7692 §6.1 / RFC 6455 §8.1: the UTF-8 rule holds for the message, which is the
        // inflated data.
        on_violation(codec_error::invalid_utf8, assembler_.offset());
    } else {
        return true;
    }
    return false;
}

// The payload the case expects as message `index`, if every expected outcome that has such a
// message agrees on it and it is too large to keep: a large echo is compared with it as it
// arrives instead of hashed.
std::shared_ptr<const catalog::payload> session::expected_message(std::size_t index) const {
    if (echo_) return echo_->size() > catalog::payload_sink::kept_bytes ? echo_ : nullptr;
    if (!case_) return nullptr;
    const catalog::payload* found = nullptr;
    for (const auto& e : case_->expect)
        for (const auto& outcome : e.outcomes) {
            std::size_t k = 0;
            for (const auto& ev : outcome) {
                if (ev.type != catalog::event::kind::text &&
                    ev.type != catalog::event::kind::binary)
                    continue;
                if (k++ != index) continue;
                if (found && !(*found == ev.data)) return nullptr;
                found = &ev.data;
                break;
            }
        }
    if (!found || found->size() <= catalog::payload_sink::kept_bytes) return nullptr;
    return std::make_shared<const catalog::payload>(*found);
}

void session::on_message_chunk(const message_result& r) {
    if (r.frame_begin && logging())
        log("RF", fmt::format("{} fin={} rsv={} len={}", to_string(assembler_.header().op),
                              assembler_.header().fin, assembler_.header().rsv(),
                              assembler_.header().payload_length));
    if (r.frame_begin && assembler_.header().op != opcode::cont) {
        message_op_ = r.op;
        std::size_t index = 0;
        for (const auto& e : obs_.received)
            index += e.type == catalog::event::kind::text || e.type == catalog::event::kind::binary;
        message_.expect(expected_message(index));
        inflated_utf8_.reset();
        as_sent_ = r.compressed && echo_ && sent_compressed_ && sent_valid_for_peer_;
        matched_ = 0;
    }
    if (r.compressed) {
        if (!inflate_chunk(r)) return;
    } else {
        message_.append(r.payload);
    }
    if (!r.message_end) return;
    catalog::event e;
    e.type =
        message_op_ == opcode::binary ? catalog::event::kind::binary : catalog::event::kind::text;
    e.data = message_.finish();
    ++obs_.traffic.incoming.messages;
    obs_.traffic.incoming.app += e.data.size();
    record(std::move(e));
}

void session::on_close(const message_result& r) {
    close_received_ = true;
    obs_.close_received = true;
    if (r.close.has_code) obs_.remote_close_code = r.close.code;
    obs_.remote_close_reason.assign(r.close.reason);
    obs_.was_clean = true;
    if (case_ && case_->observes(catalog::event::kind::close)) {
        catalog::event e;
        e.type = catalog::event::kind::close;
        if (r.close.has_code) e.code = r.close.code;
        e.data = catalog::payload(catalog::bytes(r.close.reason.begin(), r.close.reason.end()));
        obs_.received.push_back(std::move(e));
    }
    if (close_sent_) {
        close_timer_.reset();
        // RFC 6455 §7.1.1: the server closes TCP first. As the server, wsspec does it now; as
        // the client, the server must, in time if wsspec started the closing handshake.
        if (opt_.peer == peer_role::client) {
            close_tcp_as_server();
        } else if (obs_.closed_by_me) {
            drop_timer_ = clock::now() + opt_.timeouts.drop;
        }
    } else {
        // The peer started the closing handshake: echo its code (autobahn-python does).
        send_close(r.close.has_code ? std::optional<std::uint16_t>(r.close.code) : std::nullopt,
                   "");
        if (opt_.peer == peer_role::client && !tcp_closed_) close_tcp_as_server();
    }
}

// RFC 6455 §7.1.1: "the server [...] SHOULD close the underlying TCP connection first"; the
// client "SHOULD wait for the server to close the connection". A case that checks the client
// holds TCP open a while first and sees which side closes.
void session::close_tcp_as_server() {
    if (case_ && case_->client_checks.server_closes_first && !hold_timer_) {
        hold_timer_ = clock::now() + opt_.timeouts.drop;
        return;
    }
    s_->close();
    tcp_closed_ = true;
}

// The client's key of the frame that just began (wsspec is the server), for client_checks.
void session::note_mask_key() {
    const mask_key key = assembler_.header().key;
    ++obs_.masked_frames;
    if (key == mask_key{}) ++obs_.zero_key_frames;
    if (!obs_.first_key)
        obs_.first_key = key;
    else if (*obs_.first_key != key)
        obs_.one_key = false;
}

void session::on_control(const message_result& r) {
    if (logging())
        log("RF", fmt::format("{} len={} {}", to_string(r.op), r.payload.size(),
                              hex_preview(r.payload, 32)));
    if (r.op == opcode::ping) {
        if (!close_sent_) write_control(0xA, r.payload);
    } else if (r.op == opcode::pong) {
        record({catalog::event::kind::pong,
                catalog::payload(catalog::bytes(r.payload.begin(), r.payload.end())),
                {}});
    } else if (r.op == opcode::close) {
        on_close(r);
    }
}

void session::finish_when_done() {
    if (!case_ || finish_held_ || close_sent_ || case_->suppress_close ||
        case_->close.by != catalog::close_expectation::endpoint::harness)
        return;
    if (case_->close_after_events && obs_.received.size() >= case_->close_after_events)
        return send_close(case_->close.codes.front(), "");
    // The peer's close reply comes only once the harness closes: an expected close at the end
    // of an outcome is not waited for.
    auto without_close = [](const catalog::event_list& outcome) {
        auto until = outcome.end();
        while (until != outcome.begin() && (until - 1)->type == catalog::event::kind::close)
            --until;
        return catalog::event_list(outcome.begin(), until);
    };
    // Close once an OK outcome is complete, unless some listed outcome goes on from what has
    // arrived (more events may still come and make it the one that matches).
    const auto& received = obs_.received;
    bool ok = false;
    for (const auto& outcome : case_->expect.front().outcomes)
        ok = ok || outcome_matches(*case_, without_close(outcome), received);
    if (!ok || case_->expect.front().level != report::verdict::ok) return;
    for (const auto& e : case_->expect)
        for (const auto& outcome : e.outcomes) {
            auto events = without_close(outcome);
            if (events.size() <= received.size()) continue;
            events.resize(received.size());
            if (outcome_matches(*case_, events, received)) return;
        }
    send_close(case_->close.codes.front(), "");
}

void session::process(std::span<std::uint8_t> bytes) {
    if (logging()) log("RX", fmt::format("{} B {}", bytes.size(), hex_preview(bytes)));
    while (!bytes.empty() && !violated_) {
        auto r = assembler_.feed(bytes);
        bytes = bytes.subspan(r.consumed);
        switch (r.status) {
        case message_status::need_more: return;
        case message_status::error: on_violation(r.error, assembler_.error_offset()); return;
        case message_status::data:
            if (r.frame_begin) {
                ++obs_.metrics.rx_frames[static_cast<unsigned>(assembler_.header().op)];
                ++obs_.traffic.incoming.frames;
                obs_.traffic.incoming.websocket += assembler_.header().payload_length;
                if (opt_.peer == peer_role::client) note_mask_key();
            }
            on_message_chunk(r);
            break;
        case message_status::control:
            ++obs_.metrics.rx_frames[static_cast<unsigned>(r.op)];
            if (opt_.peer == peer_role::client) note_mask_key();
            on_control(r);
            break;
        }
    }
}

void session::fire_due_timers() {
    auto now = clock::now();
    if (close_timer_ && now >= *close_timer_) {
        close_timer_.reset();
        obs_.was_clean = false;
        obs_.close_timeout = true;
        drop("the peer did not answer the close frame within " +
             std::to_string(opt_.timeouts.close.count()) + " ms");
    }
    if (drop_timer_ && now >= *drop_timer_) {
        drop_timer_.reset();
        obs_.was_clean = false;
        obs_.drop_timeout = true;
        obs_.not_clean_reason.clear();
        drop("the server did not close TCP within " + std::to_string(opt_.timeouts.drop.count()) +
             " ms of the closing handshake");
    }
    if (case_timer_ && now >= *case_timer_) {
        case_timer_.reset();
        log("TIMER", timer_kind_ == catalog::case_def::timer_kind::kill ? "kill" : "close");
        if (timer_kind_ == catalog::case_def::timer_kind::kill) {
            // autobahn failConnection(): close 1001, or drop when a close was already sent.
            obs_.failed_by_me = true;
            if (close_sent_)
                drop("the case timer ended the connection");
            else
                send_close(1001, "Going Away");
        } else if (!close_sent_) {
            send_close(std::nullopt, ""); // closeAfter: an empty close frame
        }
    }
    if (hold_timer_ && now >= *hold_timer_) {
        hold_timer_.reset();
        log("TIMER", "closing TCP: the client waited for it");
        s_->close();
        tcp_closed_ = true;
    }
    if (!tcp_closed_ && !case_timer_ && !close_timer_ && !drop_timer_ && !linger_timer_ &&
        !hold_timer_ && timer_kind_ != catalog::case_def::timer_kind::none)
        linger_timer_ = now + opt_.timeouts.close + opt_.timeouts.drop;
    if (linger_timer_ && now >= *linger_timer_) {
        linger_timer_.reset();
        obs_.failed_by_me = true;
        drop("the peer kept TCP open after the case ended");
    }
}

void session::on_tcp_end(transport::io_status status) {
    tcp_closed_ = true;
    if (hold_timer_) {
        hold_timer_.reset();
        obs_.peer_closed_first = true;
    }
    if (status == transport::io_status::reset) obs_.peer_reset = true;
    log("RX", fmt::format("TCP {}", transport::to_string(status)));
    if (!obs_.was_clean && obs_.not_clean_reason.empty())
        obs_.not_clean_reason = status == transport::io_status::reset
                                    ? "the peer reset the TCP connection"
                                    : "the peer closed TCP without a closing handshake";
}

void session::pump_until(clock::time_point until) {
    while (!tcp_closed_) {
        fire_due_timers();
        if (tcp_closed_) break;
        auto dl = until;
        for (const auto& t : {case_timer_, close_timer_, drop_timer_, linger_timer_, hold_timer_})
            if (t && *t < dl) dl = *t;
        auto now = clock::now();
        if (now >= until) break;
        auto r = s_->read_some(rx_, std::max(dl, now));
        if (r.status == transport::io_status::ok) {
            obs_.metrics.bytes_received += r.bytes;
            if (violated_) continue; // after a violation only the end of TCP matters
            process(std::span<std::uint8_t>(rx_.data(), r.bytes));
            if (wake_at_events_ && obs_.received.size() >= wake_at_events_) break;
        } else if (r.status != transport::io_status::timeout) {
            on_tcp_end(r.status);
        }
    }
}

bool session::pump_until_event(std::size_t before, clock::time_point until) {
    if (obs_.received.size() > before) return true;
    wake_at_events_ = before + 1;
    pump_until(until);
    wake_at_events_ = 0;
    return obs_.received.size() > before;
}

void session::arm_timer(catalog::case_def::timer_kind kind, std::chrono::milliseconds after) {
    timer_kind_ = kind;
    if (kind != catalog::case_def::timer_kind::none) case_timer_ = clock::now() + after;
}

void session::run_to_end() {
    flush();
    // An expectation met before the session saw anything (a case that only judges the
    // handshake response) closes now rather than at the case timer.
    finish_when_done();
    if (!case_timer_) arm_timer(catalog::case_def::timer_kind::kill, std::chrono::seconds(10));
    pump_until(clock::time_point::max());
    obs_.duration_ms = std::chrono::duration<double, std::milli>(clock::now() - t0_).count();
    s_->close();
}

} // namespace wsspec::engine
