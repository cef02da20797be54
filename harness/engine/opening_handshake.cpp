#include "harness/engine/opening_handshake.hpp"

#include <random>
#include <sstream>

#include <fmt/format.h>

#include "codec/handshake/accept_key.hpp"
#include "codec/handshake/extensions.hpp"
#include "codec/handshake/http_fields.hpp"
#include "codec/handshake/server_request.hpp"

namespace wsspec::engine {
namespace {

using clock = std::chrono::steady_clock;
using handshake::handshake_status;

std::span<const std::uint8_t> as_bytes(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// The HTTP message as an event: status or method, and every field as sent.
catalog::event http_event(const handshake::http_head& head, catalog::event::kind kind) {
    catalog::event e;
    e.type = kind;
    if (kind == catalog::event::kind::http_response)
        e.http.status = head.status_code;
    else
        e.http.method = std::string(head.method);
    for (const auto& f : head.fields)
        e.http.fields.push_back({std::string(f.name), std::string(f.value), true});
    return e;
}

void record_head(std::string_view bytes, handshake::head_kind kind, const catalog::case_def& c,
                 observation& obs) {
    auto ev_kind = kind == handshake::head_kind::response ? catalog::event::kind::http_response
                                                          : catalog::event::kind::http_request;
    if (!c.observes(ev_kind)) return;
    auto h = handshake::parse_http_head(bytes, kind);
    if (h.status == handshake_status::complete) obs.received.push_back(http_event(h.head, ev_kind));
}

bool negotiated(std::string_view extensions, std::string_view name) {
    auto list = handshake::parse_extensions(extensions);
    if (!list) return false;
    for (const auto& e : *list)
        if (e.name == name) return true;
    return false;
}

// wsspec as the server: its answer to the client's permessage-deflate offers under a case's
// `accept` terms, tried in order, each on the first offer that lets it ask what it asks (a
// client window only of an offer carrying client_max_window_bits, RFC 7692 §7.1.2.2), as
// Autobahn's accept functions pick. Offers that break §7 are declined (skipped).
std::optional<deflate::params> answer_offers(std::string_view offers,
                                             std::span<const std::string> accept) {
    auto list = handshake::parse_extensions(offers);
    if (!list) return std::nullopt;
    for (const auto& entry : accept) {
        auto terms = catalog::accept_terms(entry);
        if (!terms) continue; // the loader refused it already
        for (const auto& e : *list) {
            if (e.name != deflate::extension_name) continue;
            auto offer = deflate::parse_offer(e);
            if (!offer) continue;
            if (terms->client_max_window_bits && !offer->client_max_window_bits_offered) continue;
            if (auto p = deflate::accept(*offer, *terms)) return p;
        }
    }
    return std::nullopt;
}

// A raw request says itself what was offered; the answer is validated against that.
void offered_by_raw(std::string_view raw, handshake::client_request_options& req) {
    auto h = handshake::parse_http_head(raw, handshake::head_kind::request);
    if (h.status != handshake_status::complete) return;
    auto field = [&](std::string_view n) -> std::optional<std::string> {
        auto v = handshake::find_field(h.head, n);
        return v ? std::optional<std::string>(std::string(*v)) : std::nullopt;
    };
    req.key = field("Sec-WebSocket-Key");
    req.extensions = handshake::combined_value(h.head, "Sec-WebSocket-Extensions");
    req.subprotocols.clear();
    for (auto p : handshake::list_elements(h.head, "Sec-WebSocket-Protocol"))
        req.subprotocols.emplace_back(p);
}

handshake::client_request_options request_for(const client_hello& hello, const catalog::case_def& c,
                                              std::uint64_t seed) {
    std::mt19937_64 rng(seed ^ 0x9e3779b97f4a7c15ull);
    std::array<std::uint8_t, 16> nonce;
    for (auto& b : nonce)
        b = static_cast<std::uint8_t>(rng());
    handshake::client_request_options req;
    req.target = hello.target;
    req.host = hello.host;
    req.key = handshake::make_key(nonce);
    req.origin = hello.origin;
    req.subprotocols = hello.subprotocols;
    if (!c.extensions.offer.empty()) req.extensions = c.extensions.offer;
    req.extra_headers = hello.headers;
    req.extra_headers.insert(req.extra_headers.end(), c.headers.begin(), c.headers.end());
    return req;
}

// How writing the request ended: whole, or cut short by the peer (an answer or a close while
// it was still being written, as a server that times out a trickle does) or by the deadline.
struct written {
    transport::io_result io;  // the write's failure, or the read that cut it short
    std::size_t bytes = 0;    // of the request written
    std::string early_answer; // bytes the peer sent before the request was complete
};

// Why no answer came, when the request was not even written whole.
std::string unwritten(const transport::io_result& r, const written& w, std::size_t total,
                      std::chrono::milliseconds timeout) {
    if (r.status == transport::io_status::timeout)
        return fmt::format("the request was still being written ({} of {} bytes) when the "
                           "handshake's {} ms ran out: the peer was still reading it",
                           w.bytes, total, timeout.count());
    return fmt::format("the peer {} the connection after {} of the request's {} bytes, without "
                       "an answer",
                       r.status == transport::io_status::reset ? "reset" : "closed", w.bytes,
                       total);
}

// With an interval, each pause after a chop watches for the peer's answer or close: a server
// that gives up on a trickling request must be seen doing it, not found out by a failed write.
written write_request(transport::stream& s, std::string_view bytes, std::size_t chop,
                      std::chrono::duration<double> interval, clock::time_point dl) {
    written out;
    const std::size_t step = chop ? chop : bytes.size();
    std::vector<std::uint8_t> chunk(16 * 1024);
    for (std::size_t pos = 0; pos < bytes.size(); pos += step) {
        auto piece = bytes.substr(pos, step);
        out.io = s.write_all(as_bytes(piece), dl);
        out.bytes += out.io.ok() ? piece.size() : out.io.bytes;
        if (!out.io.ok()) return out;
        if (interval.count() <= 0 || pos + step >= bytes.size()) continue;
        auto pause_end = clock::now() + std::chrono::duration_cast<clock::duration>(interval);
        auto r = s.read_some(chunk, std::min(pause_end, dl));
        if (r.ok()) {
            out.early_answer.assign(reinterpret_cast<const char*>(chunk.data()), r.bytes);
            return out;
        }
        if (r.status != transport::io_status::timeout || clock::now() >= dl) {
            out.io = r;
            return out;
        }
    }
    return out;
}

std::string read_failure(const transport::io_result& r, std::size_t got,
                         std::chrono::milliseconds timeout, const char* what) {
    if (r.status == transport::io_status::timeout)
        return fmt::format("no complete {} within {} ms", what, timeout.count());
    return fmt::format("the peer {} the connection during the opening handshake{}",
                       r.status == transport::io_status::reset ? "reset" : "closed",
                       got ? fmt::format(" (after {} bytes)", got) : "");
}

bool split_line(std::string_view& rest, std::string_view& line) {
    auto eol = rest.find("\r\n");
    if (eol == std::string_view::npos) return false;
    line = rest.substr(0, eol);
    rest.remove_prefix(eol + 2);
    return true;
}

std::string edit_start_line(std::string_view line, const catalog::http_edits& e, bool response) {
    std::vector<std::string> parts;
    std::istringstream in{std::string(line)};
    for (std::string p; in >> p && parts.size() < 2;)
        parts.push_back(p);
    std::string tail = parts.size() == 2 && line.size() > parts[0].size() + parts[1].size() + 2
                           ? std::string(line.substr(parts[0].size() + parts[1].size() + 2))
                           : "";
    parts.resize(2);
    if (response) {
        if (e.version) parts[0] = *e.version;
        if (e.status) parts[1] = std::to_string(*e.status);
        if (e.reason_phrase) tail = *e.reason_phrase;
        return parts[0] + " " + parts[1] + (tail.empty() ? "" : " " + tail);
    }
    if (e.method) parts[0] = *e.method;
    if (e.target) {
        auto t = e.target->materialize();
        parts[1].assign(t.begin(), t.end());
    }
    if (e.version) tail = *e.version;
    return parts[0] + " " + parts[1] + " " + tail;
}

// Reads until `buf` holds a complete (or certainly broken) response head; none when a read
// failed first, with that read in `failure`. Bytes already in `buf` (an answer that came while
// the request was still being written) are looked at before anything is read.
std::optional<handshake::response_result> read_answer(transport::stream& s, std::string& buf,
                                                      const handshake::client_request_options& req,
                                                      clock::time_point dl,
                                                      transport::io_result& failure) {
    std::vector<std::uint8_t> chunk(16 * 1024);
    for (;;) {
        if (!buf.empty()) {
            auto v = handshake::validate_server_response(buf, req);
            if (v.status != handshake_status::need_more) return v;
        }
        auto r = s.read_some(chunk, dl);
        if (!r.ok()) {
            failure = r;
            return std::nullopt;
        }
        buf.append(reinterpret_cast<const char*>(chunk.data()), r.bytes);
    }
}

// No complete answer: why, in words, and as the case sees it. No answer in time is an outcome
// a case can name ({"timeout": "handshake"}); a close without an answer is the empty outcome.
void no_answer(const transport::io_result& r, const written& w, std::size_t total,
               std::chrono::milliseconds timeout, const std::string& buf,
               const catalog::case_def& c, handshake_outcome& h, observation& obs) {
    obs.handshake_error =
        w.bytes < total && buf.empty()
            ? unwritten(r, w, total, timeout)
            : read_failure(r, buf.size(), timeout, "response to the upgrade request");
    obs.peer_reset = r.status == transport::io_status::reset;
    obs.open_timeout = r.status == transport::io_status::timeout;
    if (!buf.empty()) h.response = buf;
    if (r.status == transport::io_status::timeout && buf.empty() &&
        c.observes(catalog::event::kind::http_response)) {
        catalog::event e;
        e.type = catalog::event::kind::timeout;
        e.tag = "handshake";
        obs.received.push_back(std::move(e));
    }
}

} // namespace

negotiated_use extension_use(std::string_view offered, std::string_view negotiated) {
    negotiated_use use;
    auto list = handshake::parse_extensions(negotiated);
    if (!list) return use;
    auto broke = [&](std::string rule, std::string section, std::string text) {
        use.violation =
            report::violation{std::move(rule), std::move(section), std::move(text), 0, "RFC 7692"};
    };
    std::vector<deflate::params> offers;
    std::optional<deflate::negotiation_failure> invalid_offer; // the first offer §7 declines
    if (auto o = handshake::parse_extensions(offered))
        for (const auto& e : *o)
            if (e.name == deflate::extension_name) {
                auto p = deflate::parse_offer(e);
                if (p)
                    offers.push_back(*p);
                else if (!invalid_offer)
                    invalid_offer = p.error();
            }
    for (const auto& e : *list) {
        if (e.name != deflate::extension_name) continue;
        use.rsv |= 0x4; // RFC 7692 §6: the "Per-Message Compressed" bit is RSV1
        if (use.deflate) {
            // Both would use RSV1 for their own meaning.
            broke("conflicting_extensions", "5",
                  "the response accepts permessage-deflate twice: \"A server MUST NOT accept a "
                  "PMCE extension negotiation offer together with another extension if the PMCE "
                  "will conflict with the extension on their use of the RSV1 bit.\"");
            return use;
        }
        // The response answers one of the offers: it is wrong only if it fits none of them.
        std::optional<deflate::negotiation_failure> first_failure;
        for (const auto& offer : offers) {
            auto r = deflate::parse_response(e, offer);
            if (r) {
                use.deflate = *r;
                // RFC 7692 §7.1.1.2: offering client_no_context_takeover, the client told the
                // server "the client is not going to use context takeover", answered or not.
                use.deflate->client_no_context_takeover |= offer.client_no_context_takeover;
                break;
            }
            if (!first_failure) first_failure = r.error();
        }
        if (use.deflate) continue;
        if (!first_failure && invalid_offer) {
            broke("invalid_offer_accepted", "7",
                  "its Sec-WebSocket-Extensions response accepts permessage-deflate, but every "
                  "offer was one a server MUST decline (" +
                      invalid_offer->parameter + ": " +
                      std::string(deflate::describe(invalid_offer->error)) + ")");
            return use;
        }
        if (!first_failure) { // offered nothing wsspec could read: the response alone
            auto r = deflate::parse_response(e, deflate::params{});
            if (r) {
                use.deflate = *r;
                continue;
            }
            first_failure = r.error();
        }
        broke(std::string(deflate::name(first_failure->error)),
              std::string(deflate::rfc_section(first_failure->error)),
              "its Sec-WebSocket-Extensions response, " + first_failure->parameter + ": " +
                  std::string(deflate::describe(first_failure->error)));
        return use;
    }
    return use;
}

std::string apply_edits(std::string_view head, const catalog::http_edits& e, bool response) {
    std::string_view rest = head, line;
    if (!split_line(rest, line)) return std::string(head);
    std::string out = edit_start_line(line, e, response) + "\r\n";
    std::vector<handshake::header_pair> fields;
    while (split_line(rest, line) && !line.empty())
        if (auto f = handshake::parse_header_line(line)) fields.push_back(std::move(*f));
    std::erase_if(fields, [&](const handshake::header_pair& f) {
        return std::any_of(e.remove.begin(), e.remove.end(),
                           [&](const std::string& n) { return handshake::iequals(n, f.name); });
    });
    for (const auto& r : e.replace) {
        auto it = std::find_if(fields.begin(), fields.end(), [&](const handshake::header_pair& f) {
            return handshake::iequals(f.name, r.name);
        });
        if (it != fields.end())
            it->value = r.value;
        else
            fields.push_back(r);
    }
    for (const auto& f : fields)
        out += f.name + ": " + f.value + "\r\n";
    for (const auto& a : e.add) {
        if (a.line) {
            out += *a.line + "\r\n";
            continue;
        }
        auto v = a.value.materialize();
        out += a.name + ": " + std::string(v.begin(), v.end()) + "\r\n";
    }
    return out + "\r\n";
}

handshake_outcome client_handshake(transport::stream& s, const client_hello& hello,
                                   const catalog::case_def& c, std::uint64_t seed,
                                   std::span<const std::uint8_t> first_frames, observation& obs) {
    handshake_outcome h;
    auto req = request_for(hello, c, seed);
    const auto& hs = c.handshake;
    if (hs.raw) {
        auto raw = hs.raw->materialize();
        h.request.assign(raw.begin(), raw.end());
        offered_by_raw(h.request, req);
    } else {
        h.request = apply_edits(handshake::build_client_request(req), hs.request, false);
        offered_by_raw(h.request, req); // the answer is judged against what was really sent
    }
    auto start = clock::now();
    const auto timeout = hs.within
                             ? std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::duration<double>(*hs.within * hello.timer_scale))
                             : hello.timeout;
    auto dl = start + timeout;
    std::string wire = h.request;
    wire.append(first_frames.begin(), first_frames.end());
    auto w = write_request(s, wire, hs.chop, std::chrono::duration<double>(hs.interval), dl);
    std::string buf = w.early_answer;
    transport::io_result failed_write;
    if (!w.io.ok()) {
        // The peer stopped reading: it may have answered first (a 4xx for a request it will not
        // read to the end), so what it sent is still read, briefly.
        failed_write = w.io;
        dl = std::min(dl, clock::now() + std::chrono::milliseconds(500));
    }
    transport::io_result last_read;
    auto answer = read_answer(s, buf, req, dl, last_read);
    if (!answer) {
        // A failed write says more than the read after it, unless an answer began to arrive.
        if (!failed_write.ok() && buf.empty() &&
            failed_write.status != transport::io_status::timeout)
            last_read = failed_write;
        no_answer(last_read, w, wire.size(), timeout, buf, c, h, obs);
        return h;
    }
    const auto& v = *answer;
    obs.metrics.handshake_rtt_ms =
        std::chrono::duration<double, std::milli>(clock::now() - start).count();
    bool complete = v.head_size > 0;
    h.response = buf.substr(0, complete ? v.head_size : buf.size());
    record_head(buf, handshake::head_kind::response, c, obs);
    if (v.status == handshake_status::error) {
        obs.handshake_error = fmt::format("{} (RFC 6455 §{}): {}", handshake::name(v.error),
                                          handshake::rfc_section(v.error), v.detail);
        // A 101 that breaks §4.1 is the server's violation; any other status is a refusal.
        if (v.status_code == 101)
            obs.violation = report::violation{std::string(handshake::name(v.error)),
                                              std::string(handshake::rfc_section(v.error)),
                                              v.detail, v.error_offset};
        return h;
    }
    obs.upgraded = true;
    obs.negotiated_extensions = v.extensions.value_or("");
    auto use = extension_use(req.extensions.value_or(""), obs.negotiated_extensions);
    h.allowed_rsv = use.rsv;
    h.deflate = use.deflate;
    if (use.violation) obs.violation = use.violation; // the harness fails the connection
    if (!c.extensions.require.empty() &&
        !negotiated(obs.negotiated_extensions, c.extensions.require))
        obs.unimplemented = true;
    h.leftover.assign(buf.begin() + static_cast<std::ptrdiff_t>(v.head_size), buf.end());
    return h;
}

handshake_outcome server_handshake(transport::stream& s, const catalog::case_def& c,
                                   std::chrono::milliseconds timeout, observation& obs) {
    handshake_outcome h;
    auto start = clock::now();
    auto dl = start + timeout;
    std::string buf;
    std::vector<std::uint8_t> chunk(16 * 1024);
    handshake::request_result v;
    for (;;) {
        auto r = s.read_some(chunk, dl);
        if (!r.ok()) {
            obs.handshake_error = read_failure(r, buf.size(), timeout, "upgrade request");
            obs.peer_reset = r.status == transport::io_status::reset;
            obs.open_timeout = r.status == transport::io_status::timeout;
            h.request = buf;
            return h;
        }
        buf.append(reinterpret_cast<const char*>(chunk.data()), r.bytes);
        v = handshake::parse_client_request(buf);
        if (v.status != handshake_status::need_more) break;
    }
    obs.metrics.handshake_rtt_ms =
        std::chrono::duration<double, std::milli>(clock::now() - start).count();
    h.request = buf.substr(0, v.head_size ? v.head_size : buf.size());
    record_head(buf, handshake::head_kind::request, c, obs);
    std::string answer;
    if (v.status == handshake_status::error) {
        // RFC 6455 §4.1 binds the client: a request that breaks it is the client's violation.
        obs.handshake_error = fmt::format("{} (RFC 6455 §{}): {}", handshake::name(v.error),
                                          handshake::rfc_section(v.error), v.detail);
        obs.violation = report::violation{std::string(handshake::name(v.error)),
                                          std::string(handshake::rfc_section(v.error)), v.detail,
                                          v.error_offset};
        answer = handshake::build_reject_response(v.http_status, v.error);
    } else {
        // The client's client_no_context_takeover in an offer is only a hint (RFC 7692
        // §7.1.1.2): wsspec holds it to what the response asked, as Autobahn does.
        h.deflate = answer_offers(v.request.extensions.value_or(""), c.extensions.accept);
        const auto extensions =
            h.deflate ? std::optional<std::string>(deflate::format(*h.deflate)) : std::nullopt;
        answer = apply_edits(
            handshake::build_accept_response(
                v.request.key, std::nullopt,
                extensions ? std::optional<std::string_view>(*extensions) : std::nullopt),
            c.handshake.response, true);
        auto head = handshake::parse_http_head(answer, handshake::head_kind::response);
        obs.upgraded = head.status == handshake_status::complete && head.head.status_code == 101;
        // (A case that wants no connection, "by": "none", ends with the answer.)
        h.answered_otherwise = !obs.upgraded && c.handshake.response.status.has_value() &&
                               c.close.by != catalog::close_expectation::endpoint::none;
        if (!obs.upgraded && !h.answered_otherwise)
            obs.handshake_error = "the case answered the request without a 101";
        if (obs.upgraded) {
            obs.negotiated_extensions = extensions.value_or("");
            if (h.deflate) h.allowed_rsv = 0x4; // RFC 7692 §6: RSV1 marks a compressed message
            if (!c.extensions.require.empty() &&
                !negotiated(obs.negotiated_extensions, c.extensions.require))
                obs.unimplemented = true;
        } else {
            h.deflate.reset();
        }
    }
    h.response = answer;
    if (auto w = s.write_all(as_bytes(answer), dl); !w.ok()) {
        obs.upgraded = false;
        obs.handshake_error = "sending the handshake response failed: " + w.message;
        return h;
    }
    h.leftover.assign(buf.begin() + static_cast<std::ptrdiff_t>(h.request.size()), buf.end());
    return h;
}

} // namespace wsspec::engine
