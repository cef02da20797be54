#include "harness/live_fuzz/oracle.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "codec/close.hpp"
#include "codec/frame_encoder.hpp"
#include "codec/message_assembler.hpp"
#include "harness/catalog/frame_spec.hpp"

namespace wsspec::live_fuzz {
namespace {

using catalog::bytes;
using catalog::step_def;

void append_frame(bytes& out, const catalog::frame_def& f, std::uint8_t opcode, bool fin,
                  std::span<const std::uint8_t> payload) {
    // The runner draws "auto" keys at run time; generated cases fix theirs (generator.cpp),
    // so this key only stands in for hand-written frames, whose lengths do not lie.
    write_frame(out, catalog::to_frame_spec(f, opcode, fin, mask_key{0x5a, 0xa5, 0x3c, 0xc3}),
                payload);
}

// Did the frame holding byte `at` arrive whole? Framing only: every rule check is waived, so
// the lengths are read as any server would read them.
bool frame_complete_at(bytes wire, std::uint64_t at) {
    parser_options o{role::server};
    o.allowed_rsv = 7;
    o.lenient = ~leniency{0};
    frame_parser p(o);
    std::span<std::uint8_t> in(wire);
    std::uint64_t start = 0;
    while (!in.empty()) {
        auto r = p.feed(in);
        in = in.subspan(r.consumed);
        if (r.status == parse_status::error) return true; // a header no reading can pass
        if (r.status == parse_status::need_more) return false;
        if (r.status == parse_status::header) start = p.offset() - p.header().header_size;
        if (r.frame_complete && at < p.offset()) return at >= start;
    }
    return false;
}

} // namespace

bytes wire_bytes(const catalog::case_def& c) {
    bytes out;
    for (const auto& s : c.steps) {
        switch (s.type) {
        case step_def::kind::send: {
            const auto& f = s.frame;
            const auto payload = f.data.materialize();
            if (!s.fragment) {
                append_frame(out, f, f.opcode, f.fin, payload);
                break;
            }
            // As the runner splits it: first frame with the opcode, then continuations.
            std::span<const std::uint8_t> p(payload);
            std::size_t pos = 0;
            do {
                std::size_t n = std::min(s.fragment, p.size() - pos);
                append_frame(out, f, pos == 0 ? f.opcode : 0x0, pos + n >= p.size(),
                             p.subspan(pos, n));
                pos += n;
            } while (pos < p.size());
            break;
        }
        case step_def::kind::raw: {
            auto raw = s.raw.materialize();
            out.insert(out.end(), raw.begin(), raw.end());
            break;
        }
        case step_def::kind::close: {
            catalog::frame_def f;
            f.opcode = 0x8;
            bytes body = catalog::close_body(s); // as the session sends it
            append_frame(out, f, 0x8, true, body);
            break;
        }
        case step_def::kind::wait: break;
        }
    }
    return out;
}

model_outcome model_server(const catalog::case_def& c) {
    model_outcome m;
    bytes wire = wire_bytes(c);
    message_assembler a(assembler_options{parser_options{role::server}});
    std::span<std::uint8_t> in(wire);
    bytes message;
    bool at_frame_boundary = true; // the last result ended a frame (or nothing was read yet)
    while (true) {
        auto r = a.feed(in);
        in = in.subspan(r.consumed);
        switch (r.status) {
        case message_status::need_more:
            // Between frames the server simply waits; inside one it waits for the rest.
            m.how = at_frame_boundary && r.consumed == 0 ? model_outcome::end::open
                                                         : model_outcome::end::incomplete;
            return m;
        case message_status::data:
            at_frame_boundary = r.frame_end;
            message.insert(message.end(), r.payload.begin(), r.payload.end());
            if (r.message_end) {
                m.events.push_back({r.op == opcode::text ? catalog::event::kind::text
                                                         : catalog::event::kind::binary,
                                    message,
                                    {}});
                message.clear();
            }
            break;
        case message_status::control:
            at_frame_boundary = true;
            if (r.op == opcode::ping)
                m.events.push_back(
                    {catalog::event::kind::pong, bytes(r.payload.begin(), r.payload.end()), {}});
            if (r.op == opcode::close) {
                m.how = model_outcome::end::closed;
                m.close_code = r.close.has_code ? r.close.code : 1000;
                return m;
            }
            break;
        case message_status::error:
            m.how = model_outcome::end::failed;
            m.error = r.error;
            m.error_offset = a.error_offset();
            m.close_code = close_code_for(r.error);
            m.error_frame_complete = frame_complete_at(wire_bytes(c), m.error_offset);
            return m;
        }
    }
}

void set_expectation(catalog::case_def& c, const model_outcome& m, double patience_s) {
    c.expect = {{report::verdict::ok, {m.events}}};
    using endpoint = catalog::close_expectation::endpoint;
    c.pongs_apart = true;
    c.timer = catalog::case_def::timer_kind::kill;
    c.timer_seconds = patience_s;
    switch (m.how) {
    case model_outcome::end::open:
        // Every expected event arrived: the harness closes (Autobahn's finishWhenDone).
        c.close = {endpoint::harness, {1000}, true};
        break;
    case model_outcome::end::failed:
        c.close = {endpoint::peer, {m.close_code}, false};
        // A server that reads whole frames before checking them may wait for this one's rest.
        if (!m.error_frame_complete) c.timer_seconds = std::min(patience_s, 0.5);
        break;
    case model_outcome::end::closed:
        // RFC 6455 §5.5.1: the server echoes the status code it received.
        c.close = {endpoint::peer, {m.close_code}, false};
        break;
    case model_outcome::end::incomplete:
        // Nothing ends this connection but the harness: keep the wait short.
        c.close = {endpoint::harness, {1000}, false};
        c.timer_seconds = std::min(patience_s, 0.5);
        c.suppress_close = true;
        break;
    }
}

std::string describe(const model_outcome& m) {
    switch (m.how) {
    case model_outcome::end::open:
        return fmt::format("{} answers, then the harness closes", m.events.size());
    case model_outcome::end::failed:
        return fmt::format("{} answers, then close {} ({} at byte {})", m.events.size(),
                           m.close_code, name(m.error), m.error_offset);
    case model_outcome::end::closed:
        return fmt::format("{} answers, then close {} echoed", m.events.size(), m.close_code);
    case model_outcome::end::incomplete:
        return fmt::format("{} answers, then a frame left unfinished", m.events.size());
    }
    return "";
}

} // namespace wsspec::live_fuzz
