#include "harness/engine/step_runner.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "codec/opcode.hpp"
#include "harness/engine/frame_stream.hpp"

namespace wsspec::engine {
namespace {

using catalog::step_def;
using clock = std::chrono::steady_clock;

void run_wait(session& s, const catalog::wait_def& w, std::chrono::milliseconds settle,
              observation& obs) {
    s.flush();
    auto d = w.settle ? settle
                      : std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::duration<double>(w.seconds));
    const auto end = clock::now() + d;
    if (!w.until_pong) {
        s.pump_until(end);
    } else {
        constexpr auto ping = static_cast<unsigned>(opcode::ping);
        constexpr auto pong = static_cast<unsigned>(opcode::pong);
        const auto count = [](const auto& by_opcode, unsigned op) -> std::uint64_t {
            auto it = by_opcode.find(op);
            return it == by_opcode.end() ? 0 : it->second;
        };
        const auto& m = obs.metrics;
        while (count(m.rx_frames, pong) < count(m.tx_frames, ping) &&
               s.pump_until_event(obs.received.size(), end)) {
        }
    }
    // A marker is not an answer of the peer: it does not trigger finishWhenDone.
    if (!w.record.empty() && s.open())
        obs.received.push_back({catalog::event::kind::timeout, {}, w.record});
}

void run_pieces(session& s, const step_def& step, std::chrono::milliseconds settle,
                observation& obs) {
    s.flush();
    auto wire = std::move(encode_send(s, step).front());
    const std::size_t header = wire.size() - static_cast<std::size_t>(step.frame.data.size());
    std::size_t pos = 0;
    s.begin_partial_frame();
    for (std::size_t i = 0; i < step.pieces.size() && s.open(); ++i) {
        std::size_t n = step.pieces[i] + (i == 0 ? header : 0);
        s.queue(std::span(wire).subspan(pos, n));
        s.flush();
        pos += n;
        if (i < step.between.size()) run_wait(s, step.between[i], settle, obs);
    }
    s.end_partial_frame(pos >= wire.size());
}

// Pending bytes past this go out before more frames are queued: consecutive small frames
// still share a write, a 4 MiB message in 64-byte frames does not wait whole in memory.
constexpr std::size_t flush_at = 256 * 1024;

// A send step's frames, a block at a time: chopped (each chop its own write), each frame its
// own write (sync), or queued with the frames around them.
void write_frames(session& s, const step_def& step) {
    frame_stream frames(s, step);
    // A multiple of the chop size, so that chops run on across blocks.
    const std::size_t block =
        step.chop ? std::max<std::size_t>(1, (64 * 1024) / step.chop) * step.chop : 64 * 1024;
    std::vector<std::uint8_t> buf(block);
    while (!s.tcp_closed() && frames.next_frame()) {
        if (step.chop || step.sync) s.flush();
        // A frame that goes out in several writes: what the harness sends on its own (pongs,
        // close replies) waits until it is complete.
        const bool in_parts = step.chop || frames.frame_size() > block;
        if (in_parts) s.begin_partial_frame();
        while (!s.tcp_closed()) {
            const std::size_t n = frames.read(buf);
            if (n == 0) break;
            auto part = std::span(buf).first(n);
            if (step.chop) {
                s.write_chopped(part, step.chop);
                continue;
            }
            s.queue(part);
            if (step.sync || s.queued() >= flush_at) s.flush();
        }
        if (step.sync) s.flush();
        if (in_parts) s.end_partial_frame(frames.frame_done());
    }
}

double percentile(std::vector<double>& sorted, double p) {
    if (sorted.empty()) return 0;
    auto i = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
    return sorted[std::min(i, sorted.size() - 1)];
}

std::string wrong_echo(const catalog::event& want, const catalog::event& got) {
    if (got.type != want.type)
        return "the echo was " + catalog::describe(catalog::event_list{got}) + ", not a " +
               (want.type == catalog::event::kind::binary ? "binary" : "text") + " message";
    if (got.data.size() != want.data.size())
        return fmt::format("the echo has {} bytes, {} were sent", got.data.size(),
                           want.data.size());
    if (auto d = catalog::first_difference(want.data, got.data))
        return fmt::format("the echo differs from what was sent at byte {} (sent 0x{:02x}, "
                           "received 0x{:02x})",
                           d->offset, d->expected, d->received);
    return "the echo differs from what was sent";
}

// `repeat` round trips: send, wait for the echo, check it, next. One summary event on success;
// the first wrong or missing echo stops the step and stays recorded as it came.
void run_repeat(session& s, const step_def& step, observation& obs) {
    catalog::event want;
    want.type =
        step.frame.opcode == 0x2 ? catalog::event::kind::binary : catalog::event::kind::text;
    want.data = step.frame.data;
    catalog::step_def current = step; // with slide: this round trip's window
    auto end = clock::now() + std::chrono::duration_cast<clock::duration>(
                                  std::chrono::duration<double>(step.within));
    std::vector<double> rtt;
    rtt.reserve(step.repeat);
    for (std::uint32_t i = 0; i < step.repeat; ++i) {
        if (!s.open()) {
            obs.step_detail =
                fmt::format("the connection closed after {} of {} round trips", i, step.repeat);
            return;
        }
        if (step.slide) want.data = current.frame.data = step.frame.data.window_after(i);
        if (step.grow) want.data = current.frame.data = step.payload_of_round(i);
        if (i == 0 || step.slide || step.grow)
            s.expect_messages(std::make_shared<const catalog::payload>(want.data));
        const auto before = obs.received.size();
        auto sent = clock::now();
        write_frames(s, current);
        s.flush();
        if (!s.pump_until_event(before, end)) {
            obs.step_detail =
                s.open() ? fmt::format("round trip {} of {}: no echo within the step's {} s", i + 1,
                                       step.repeat, step.within)
                         : fmt::format("the connection closed after {} of {} round trips", i,
                                       step.repeat);
            if (s.open()) s.record({catalog::event::kind::timeout, {}, "repeat"});
            return;
        }
        if (obs.received.size() != before + 1 ||
            !catalog::event_matches(want, obs.received.back())) {
            obs.step_detail = fmt::format("round trip {} of {}: {}", i + 1, step.repeat,
                                          wrong_echo(want, obs.received.back()));
            return;
        }
        rtt.push_back(std::chrono::duration<double, std::milli>(clock::now() - sent).count());
        obs.metrics.largest_echo_bytes =
            std::max<unsigned long long>(obs.metrics.largest_echo_bytes, want.data.size());
        obs.received.pop_back();
    }
    std::sort(rtt.begin(), rtt.end());
    auto& m = obs.metrics;
    m.round_trips += rtt.size();
    m.rtt_p50_ms = percentile(rtt, 0.5);
    m.rtt_p90_ms = percentile(rtt, 0.9);
    m.rtt_p99_ms = percentile(rtt, 0.99);
    m.rtt_max_ms = rtt.empty() ? 0 : rtt.back();
    // Autobahn copies its traffic counters when the last echo is in, before it closes.
    m.traffic = obs.traffic;
    m.traffic->outgoing.wire = m.bytes_sent;
    m.traffic->incoming.wire = m.bytes_received;
    catalog::event done;
    done.type = catalog::event::kind::echoes;
    done.count = step.repeat;
    s.record(std::move(done)); // judged when the step releases the finish rule
}

} // namespace

std::vector<std::vector<std::uint8_t>> encode_send(session& s, const step_def& step) {
    frame_stream stream(s, step);
    std::vector<std::vector<std::uint8_t>> frames;
    while (stream.next_frame()) {
        auto& f = frames.emplace_back(static_cast<std::size_t>(stream.frame_size()));
        stream.read(f);
    }
    return frames;
}

void run_steps(session& s, const catalog::case_def& c, std::size_t first,
               std::chrono::milliseconds settle, observation& obs) {
    for (std::size_t i = first; i < c.steps.size(); ++i) {
        const auto& step = c.steps[i];
        if (s.tcp_closed()) break;
        switch (step.type) {
        case step_def::kind::send:
            // A close frame sent with `send` is only bytes (Autobahn's sendFrame); the `close`
            // step is the closing handshake (its sendCloseFrame).
            if (step.repeat) {
                s.hold_finish(true);
                run_repeat(s, step, obs);
                s.expect_messages(nullptr);
                s.hold_finish(false);
            } else if (!step.pieces.empty())
                run_pieces(s, step, settle, obs);
            else
                write_frames(s, step);
            break;
        case step_def::kind::raw: s.queue(step.raw.materialize()); break;
        case step_def::kind::close:
            s.flush();
            if (step.close_payload)
                s.send_close(std::nullopt, "", &*step.close_payload);
            else
                s.send_close(step.close_code, step.close_reason);
            break;
        case step_def::kind::wait:
            run_wait(s, step.wait, settle, obs);
            if (!s.open()) return; // Autobahn's continueLater runs only while open
            break;
        }
    }
}

} // namespace wsspec::engine
