#include "harness/engine/step_runner.hpp"

#include <algorithm>

#include "harness/catalog/frame_spec.hpp"

namespace wsspec::engine {
namespace {

using catalog::step_def;
using clock = std::chrono::steady_clock;

std::vector<std::uint8_t> encode(session& s, const catalog::frame_def& f, std::uint8_t opcode,
                                 bool fin, std::span<const std::uint8_t> payload) {
    // A key is drawn only for a frame whose mask is "auto": the run's key sequence stays what
    // it was for cases with fixed or no masks.
    std::optional<mask_key> key;
    if (f.mask == catalog::frame_def::mask_mode::automatic) key = s.automatic_mask();
    auto spec = catalog::to_frame_spec(f, opcode, fin, key);
    std::vector<std::uint8_t> out;
    write_frame(out, spec, payload);
    return out;
}

void run_wait(session& s, const catalog::wait_def& w, std::chrono::milliseconds settle,
              observation& obs) {
    s.flush();
    auto d = w.settle ? settle
                      : std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::duration<double>(w.seconds));
    s.pump_until(clock::now() + d);
    // A marker is not an answer of the peer: it does not trigger finishWhenDone.
    if (!w.record.empty() && s.open())
        obs.received.push_back({catalog::event::kind::timeout, {}, w.record});
}

void run_pieces(session& s, const step_def& step, std::chrono::milliseconds settle,
                observation& obs) {
    s.flush();
    auto payload = step.frame.data.materialize();
    auto wire = encode(s, step.frame, step.frame.opcode, step.frame.fin, payload);
    std::size_t header = wire.size() - payload.size();
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

void write_frames(session& s, const step_def& step,
                  const std::vector<std::vector<std::uint8_t>>& frames) {
    for (const auto& w : frames) {
        if (step.chop) {
            s.write_chopped(w, step.chop);
        } else if (step.sync) {
            s.flush();
            s.queue(w);
            s.flush();
        } else {
            s.queue(w);
        }
    }
}

double percentile(std::vector<double>& sorted, double p) {
    if (sorted.empty()) return 0;
    auto i = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
    return sorted[std::min(i, sorted.size() - 1)];
}

// `repeat` round trips: send, wait for the echo, check it, next. One summary event on success;
// the first wrong or missing echo stops the step and stays recorded as it came.
void run_repeat(session& s, const step_def& step, observation& obs) {
    catalog::event want;
    want.type =
        step.frame.opcode == 0x2 ? catalog::event::kind::binary : catalog::event::kind::text;
    want.data = step.frame.data;
    auto end = clock::now() + std::chrono::duration_cast<clock::duration>(
                                  std::chrono::duration<double>(step.within));
    std::vector<double> rtt;
    rtt.reserve(step.repeat);
    for (std::uint32_t i = 0; i < step.repeat; ++i) {
        if (!s.open()) return;
        auto frames = encode_send(s, step);
        const auto before = obs.received.size();
        auto sent = clock::now();
        write_frames(s, step, frames);
        s.flush();
        if (!s.pump_until_event(before, end)) {
            if (s.open()) s.record({catalog::event::kind::timeout, {}, "repeat"});
            return;
        }
        if (obs.received.size() != before + 1 || !catalog::event_matches(want, obs.received.back()))
            return;
        rtt.push_back(std::chrono::duration<double, std::milli>(clock::now() - sent).count());
        obs.received.pop_back();
    }
    std::sort(rtt.begin(), rtt.end());
    auto& m = obs.metrics;
    m.round_trips += rtt.size();
    m.rtt_p50_ms = percentile(rtt, 0.5);
    m.rtt_p90_ms = percentile(rtt, 0.9);
    m.rtt_p99_ms = percentile(rtt, 0.99);
    m.rtt_max_ms = rtt.empty() ? 0 : rtt.back();
    catalog::event done;
    done.type = catalog::event::kind::echoes;
    done.count = step.repeat;
    s.record(std::move(done));
}

} // namespace

std::vector<std::vector<std::uint8_t>> encode_send(session& s, const step_def& step) {
    const auto& f = step.frame;
    auto payload = f.data.materialize();
    std::vector<std::vector<std::uint8_t>> frames;
    if (!step.fragment) {
        frames.push_back(encode(s, f, f.opcode, f.fin, payload));
        return frames;
    }
    std::span<const std::uint8_t> p(payload);
    std::size_t pos = 0;
    do {
        std::size_t n = std::min(step.fragment, p.size() - pos);
        bool last = pos + n >= p.size();
        frames.push_back(encode(s, f, pos == 0 ? f.opcode : 0x0, last, p.subspan(pos, n)));
        pos += n;
    } while (pos < p.size());
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
            if (step.repeat)
                run_repeat(s, step, obs);
            else if (!step.pieces.empty())
                run_pieces(s, step, settle, obs);
            else
                write_frames(s, step, encode_send(s, step));
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
