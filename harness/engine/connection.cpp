#include "harness/engine/connection.hpp"

#include <fmt/format.h>

#include "codec/close.hpp"
#include "codec/frame_encoder.hpp"
#include "harness/engine/verdict.hpp"

namespace wsspec::engine {
namespace {

std::string hex_preview(std::span<const std::uint8_t> b, std::size_t max = 64) {
    std::string s;
    for (std::size_t i = 0; i < std::min(b.size(), max); ++i)
        s += fmt::format("{:02x}", b[i]);
    if (b.size() > max) s += " ...";
    return s;
}

assembler_options client_side() {
    assembler_options o;
    o.frame.local_role = role::client;
    o.frame.max_frame_payload = std::uint64_t{1} << 31;
    o.max_message_size = std::uint64_t{1} << 31;
    return o;
}

} // namespace

connection::connection(std::unique_ptr<transport::stream> s, observation& obs, std::uint64_t seed,
                       connection_timeouts t, std::vector<report::wire_entry>* wirelog)
    : s_(std::move(s)), obs_(obs), rng_(seed), t_(t), wirelog_(wirelog), assembler_(client_side()),
      rx_(64 * 1024), t0_(clock::now()) {}

void connection::log(const char* what, std::string text) {
    if (!wirelog_) return;
    double ms = std::chrono::duration<double, std::milli>(clock::now() - t0_).count();
    wirelog_->push_back({ms, what, std::move(text)});
}

mask_key connection::next_mask() noexcept {
    auto v = rng_();
    return {static_cast<std::uint8_t>(v), static_cast<std::uint8_t>(v >> 8),
            static_cast<std::uint8_t>(v >> 16), static_cast<std::uint8_t>(v >> 24)};
}

void connection::feed_initial(std::span<const std::uint8_t> bytes) {
    std::vector<std::uint8_t> copy(bytes.begin(), bytes.end());
    if (!copy.empty()) process(copy);
}

void connection::write_now(std::span<const std::uint8_t> bytes) {
    if (tcp_closed_ || bytes.empty()) return;
    log("TX", fmt::format("{} B {}", bytes.size(), hex_preview(bytes)));
    auto r = s_->write_all(bytes, clock::now() + t_.write);
    if (r.status == transport::io_status::timeout) {
        drop("the server stopped reading (write timed out)");
    } else if (!r.ok()) {
        tcp_closed_ = true; // the server is gone; what it sent before still counts
        if (obs_.not_clean_reason.empty() && !obs_.was_clean)
            obs_.not_clean_reason =
                "the server closed the connection while the harness was writing (" +
                std::string(transport::to_string(r.status)) + ")";
    }
}

void connection::flush() {
    if (pending_.empty()) return;
    std::vector<std::uint8_t> out;
    out.swap(pending_);
    write_now(out);
}

void connection::write_chopped(std::span<const std::uint8_t> bytes, std::size_t chop) {
    flush();
    for (std::size_t pos = 0; pos < bytes.size() && !tcp_closed_; pos += chop) {
        write_now(bytes.subspan(pos, std::min(chop, bytes.size() - pos)));
        // Autobahn re-enters its reactor between chops; taking in what arrived keeps the
        // event order right and gives every chop its own TCP segment.
        pump_until(clock::now() + std::chrono::microseconds(20));
    }
}

void connection::send_close(std::optional<std::uint16_t> code, std::string_view reason,
                            const std::vector<std::uint8_t>* raw_payload) {
    if (close_sent_ || tcp_closed_) return;
    std::vector<std::uint8_t> body;
    if (raw_payload) {
        body = *raw_payload;
    } else if (code) {
        body.resize(2 + std::min<std::size_t>(reason.size(), 123));
        body.resize(write_close_payload(*code, reason, body));
    }
    std::vector<std::uint8_t> frame;
    frame_spec spec;
    spec.opcode_nibble = 0x8;
    spec.mask = next_mask();
    write_frame(frame, spec, body);
    close_sent_ = true;
    obs_.local_close_code = code;
    if (!close_received_) {
        obs_.closed_by_me = true;
        close_timer_ = clock::now() + t_.close;
    }
    log("TF", fmt::format("close {}", code ? std::to_string(*code) : "(empty)"));
    queue(frame);
    flush();
}

void connection::drop(std::string why) {
    if (tcp_closed_) return;
    log("TIMER", "drop TCP: " + why);
    obs_.dropped_by_me = true;
    if (!why.empty() && obs_.not_clean_reason.empty() && !obs_.was_clean)
        obs_.not_clean_reason = why;
    s_->close();
    tcp_closed_ = true;
}

void connection::on_violation(codec_error e, std::uint64_t offset) {
    violated_ = true;
    obs_.violation = report::violation{std::string(name(e)), std::string(rfc_section(e)),
                                       std::string(describe(e)), offset};
    log("RF",
        fmt::format("violation: {} (RFC 6455 §{}) at byte {}", name(e), rfc_section(e), offset));
    // As Autobahn does: fail the connection with 1002 (1007 for UTF-8), or drop if closing.
    obs_.failed_by_me = true;
    if (close_sent_)
        drop("the harness failed the connection after a protocol violation");
    else
        send_close(close_code_for(e), describe(e));
}

void connection::on_message_chunk(const message_result& r) {
    if (r.frame_begin)
        log("RF", fmt::format("{} fin={} rsv={} len={}", to_string(assembler_.header().op),
                              assembler_.header().fin, assembler_.header().rsv(),
                              assembler_.header().payload_length));
    if (r.frame_begin && assembler_.header().op != opcode::cont) {
        message_.clear();
        message_op_ = r.op;
    }
    message_.insert(message_.end(), r.payload.begin(), r.payload.end());
    if (!r.message_end) return;
    catalog::event e;
    e.type =
        message_op_ == opcode::binary ? catalog::event::kind::binary : catalog::event::kind::text;
    e.payload = std::move(message_);
    message_.clear();
    obs_.received.push_back(std::move(e));
    finish_when_done();
}

void connection::on_control(const message_result& r) {
    log("RF",
        fmt::format("{} len={} {}", to_string(r.op), r.payload.size(), hex_preview(r.payload, 32)));
    if (r.op == opcode::ping) {
        if (close_sent_) return;
        std::vector<std::uint8_t> frame;
        frame_spec spec;
        spec.opcode_nibble = 0xA;
        spec.mask = next_mask();
        write_frame(frame, spec, r.payload);
        queue(frame);
        flush();
    } else if (r.op == opcode::pong) {
        obs_.received.push_back(
            {catalog::event::kind::pong, {r.payload.begin(), r.payload.end()}, {}});
        finish_when_done();
    } else if (r.op == opcode::close) {
        close_received_ = true;
        if (r.close.has_code) obs_.remote_close_code = r.close.code;
        obs_.remote_close_reason.assign(r.close.reason);
        obs_.was_clean = true;
        if (close_sent_) {
            // The reply to our close: the server must now close TCP, in time if we started.
            close_timer_.reset();
            if (obs_.closed_by_me) drop_timer_ = clock::now() + t_.drop;
        } else {
            // The server started the closing handshake: echo its code (autobahn-python does).
            send_close(r.close.has_code ? std::optional<std::uint16_t>(r.close.code) : std::nullopt,
                       "");
        }
    }
}

void connection::finish_when_done() {
    if (!case_ || close_sent_ || case_->suppress_close || !case_->close.by_harness) return;
    for (const auto& e : case_->expect)
        for (const auto& outcome : e.outcomes)
            if (!matches(*case_, outcome, obs_.received)) return;
    send_close(case_->close.codes.front(), "");
}

void connection::process(std::span<std::uint8_t> bytes) {
    log("RX", fmt::format("{} B {}", bytes.size(), hex_preview(bytes)));
    while (!bytes.empty() && !violated_) {
        auto r = assembler_.feed(bytes);
        bytes = bytes.subspan(r.consumed);
        switch (r.status) {
        case message_status::need_more: return;
        case message_status::error: on_violation(r.error, assembler_.error_offset()); return;
        case message_status::data: on_message_chunk(r); break;
        case message_status::control: on_control(r); break;
        }
    }
}

void connection::fire_due_timers() {
    auto now = clock::now();
    if (close_timer_ && now >= *close_timer_) {
        close_timer_.reset();
        obs_.was_clean = false;
        drop("the server did not answer the close frame within " +
             std::to_string(t_.close.count()) + " ms");
    }
    if (drop_timer_ && now >= *drop_timer_) {
        drop_timer_.reset();
        obs_.was_clean = false;
        obs_.not_clean_reason.clear();
        drop("the server did not close TCP within " + std::to_string(t_.drop.count()) +
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
    if (!tcp_closed_ && !case_timer_ && !close_timer_ && !drop_timer_ && !linger_timer_ &&
        timer_kind_ != catalog::case_def::timer_kind::none)
        linger_timer_ = now + t_.close + t_.drop;
    if (linger_timer_ && now >= *linger_timer_) {
        linger_timer_.reset();
        obs_.failed_by_me = true;
        drop("the server kept TCP open after the case ended");
    }
}

void connection::pump_until(clock::time_point until) {
    while (!tcp_closed_) {
        fire_due_timers();
        if (tcp_closed_) break;
        auto dl = until;
        for (const auto& t : {case_timer_, close_timer_, drop_timer_, linger_timer_})
            if (t && *t < dl) dl = *t;
        auto now = clock::now();
        if (now >= until) break;
        auto r = s_->read_some(rx_, std::max(dl, now));
        if (r.status == transport::io_status::ok) {
            if (violated_) continue; // after a violation only the end of TCP matters
            process(std::span<std::uint8_t>(rx_.data(), r.bytes));
        } else if (r.status == transport::io_status::timeout) {
            continue;
        } else {
            tcp_closed_ = true;
            log("RX", fmt::format("TCP {}", transport::to_string(r.status)));
            if (!obs_.was_clean && obs_.not_clean_reason.empty())
                obs_.not_clean_reason = r.status == transport::io_status::reset
                                            ? "the server reset the TCP connection"
                                            : "the server closed TCP without a closing handshake";
        }
    }
}

void connection::arm_timer(catalog::case_def::timer_kind kind, std::chrono::milliseconds after) {
    timer_kind_ = kind;
    if (kind != catalog::case_def::timer_kind::none) case_timer_ = clock::now() + after;
}

void connection::run_to_end() {
    flush();
    if (!case_timer_) arm_timer(catalog::case_def::timer_kind::kill, std::chrono::seconds(10));
    pump_until(clock::time_point::max());
    obs_.duration_ms = std::chrono::duration<double, std::milli>(clock::now() - t0_).count();
    s_->close();
}

} // namespace wsspec::engine
