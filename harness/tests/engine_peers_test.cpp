// The engine against scripted peers that say exactly the bytes a test needs: a server whose 101
// negotiates an extension (RSV1 then legal) or not (RSV1 a violation); a client, with wsspec as
// the server, that sends an unmasked frame or a broken opening request.
#include <gtest/gtest.h>

#include <functional>
#include <thread>

#include "codec/frame_encoder.hpp"
#include "codec/handshake/accept_key.hpp"
#include "codec/handshake/http_fields.hpp"
#include "codec/handshake/http_head.hpp"
#include "harness/catalog/case_loader.hpp"
#include "harness/engine/case_runner.hpp"
#include "harness/engine/opening_handshake.hpp"
#include "harness/transport/connect.hpp"
#include "harness/transport/listener.hpp"

namespace wsspec {
namespace {

using namespace std::chrono_literals;
using report::verdict;

std::span<const std::uint8_t> as_bytes(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

catalog::case_def load_one(const std::string& json_case) {
    auto r = catalog::load_case_file(R"({"group": "t", "cases": [)" + json_case + "]}", "t.json");
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
    return r ? r->front() : catalog::case_def{};
}

// Reads an HTTP head off `s` (and whatever came with it).
std::string read_head(transport::stream& s) {
    std::string buf;
    std::uint8_t chunk[4096];
    auto dl = transport::deadline_after(5s);
    while (buf.find("\r\n\r\n") == std::string::npos) {
        auto r = s.read_some(chunk, dl);
        if (!r.ok()) break;
        buf.append(reinterpret_cast<const char*>(chunk), r.bytes);
    }
    return buf;
}

std::vector<std::uint8_t> frame(std::uint8_t op, std::string_view payload, std::uint8_t rsv,
                                std::optional<mask_key> mask) {
    std::vector<std::uint8_t> out;
    frame_spec spec;
    spec.opcode_nibble = op;
    spec.rsv = rsv;
    spec.mask = mask;
    write_frame(out, spec, as_bytes(payload));
    return out;
}

// The payload of the first frame the client sent (after `have`, what came with the head).
std::vector<std::uint8_t> read_client_frame(transport::stream& s, std::string have) {
    std::uint8_t chunk[4096];
    auto dl = transport::deadline_after(5s);
    auto need = [&]() -> std::size_t {
        if (have.size() < 2) return 2;
        std::size_t len = static_cast<std::uint8_t>(have[1]) & 0x7f, at = 2;
        if (len == 126) {
            if (have.size() < 4) return 4;
            len = (static_cast<std::uint8_t>(have[2]) << 8) | static_cast<std::uint8_t>(have[3]);
            at = 4;
        }
        return at + 4 + len;
    };
    while (have.size() < need()) {
        auto r = s.read_some(chunk, dl);
        if (!r.ok()) return {};
        have.append(reinterpret_cast<const char*>(chunk), r.bytes);
    }
    const std::size_t header = (static_cast<std::uint8_t>(have[1]) & 0x7f) == 126 ? 8 : 6;
    std::vector<std::uint8_t> payload(have.begin() + static_cast<std::ptrdiff_t>(header),
                                      have.begin() + static_cast<std::ptrdiff_t>(need()));
    for (std::size_t i = 0; i < payload.size(); ++i)
        payload[i] ^= static_cast<std::uint8_t>(have[header - 4 + i % 4]);
    return payload;
}

using echo_script = std::function<std::vector<std::uint8_t>(std::vector<std::uint8_t>)>;

// One connection: answers the opening handshake with 101 (+ `extensions`), sends `frames` (or,
// with `echo`, reads the client's first frame and sends what `echo` makes of its payload), then
// echoes the client's close and closes TCP.
class scripted_server {
public:
    scripted_server(std::string extensions, std::vector<std::uint8_t> frames,
                    echo_script echo = nullptr) {
        auto l = transport::listener::bind("127.0.0.1", 0);
        EXPECT_TRUE(l.has_value());
        listener_.emplace(std::move(*l));
        thread_ = std::thread([this, extensions, frames, echo] {
            auto s = listener_->accept(transport::deadline_after(5s));
            if (!s || !*s) return;
            auto head = read_head(**s);
            auto h = handshake::parse_http_head(head, handshake::head_kind::request);
            auto key = handshake::find_field(h.head, "Sec-WebSocket-Key");
            std::string answer = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                                 "Connection: Upgrade\r\nSec-WebSocket-Accept: " +
                                 handshake::accept_key(key ? *key : "") + "\r\n";
            if (!extensions.empty()) answer += "Sec-WebSocket-Extensions: " + extensions + "\r\n";
            answer += "\r\n";
            auto dl = transport::deadline_after(5s);
            (*s)->write_all(as_bytes(answer), dl);
            (*s)->write_all(frames, dl);
            if (echo)
                (*s)->write_all(
                    echo(read_client_frame(**s, head.substr(head.find("\r\n\r\n") + 4))), dl);
            // Wait for the client's close, echo an empty close, close TCP.
            std::uint8_t buf[1024];
            (*s)->read_some(buf, dl);
            auto close = frame(0x8, "", 0, std::nullopt);
            (*s)->write_all(close, dl);
            (*s)->close();
        });
    }
    ~scripted_server() { thread_.join(); }
    std::string url() const { return "ws://127.0.0.1:" + std::to_string(listener_->port()) + "/"; }

private:
    std::optional<transport::listener> listener_;
    std::thread thread_;
};

const char* rsv1_case(bool offer) {
    return offer ? R"({"id": "t.1", "title": "t", "rfc": "9", "quote": "q",
                      "extensions": {"offer": "permessage-deflate", "require": "permessage-deflate"},
                      "steps": [], "timer": {"close": 0.5},
                      "expect": {"OK": [[{"message": {"text": "Hi"}}]]},
                      "close": {"by": "harness", "codes": [1000], "clean": true}})"
                 : R"({"id": "t.1", "title": "t", "rfc": "9", "quote": "q",
                      "steps": [], "timer": {"close": 0.5},
                      "expect": {"OK": [[{"message": {"text": "Hi"}}]]},
                      "close": {"by": "harness", "codes": [1000], "clean": true}})";
}

engine::run_options to(const std::string& url) {
    engine::run_options o;
    o.target = *transport::parse_url(url);
    return o;
}

TEST(EnginePeers, NegotiatedExtensionsDecideTheRsvBitsAndAreCheckedAgainstTheOffer) {
    const char* offer = "permessage-deflate; client_max_window_bits";
    auto use = engine::extension_use(offer, "permessage-deflate; client_max_window_bits=10");
    EXPECT_EQ(use.rsv, 0x4);
    ASSERT_TRUE(use.deflate.has_value());
    EXPECT_EQ(use.deflate->client_max_window_bits, 10);
    EXPECT_FALSE(use.violation.has_value());
    EXPECT_EQ(engine::extension_use(offer, "x-unknown").rsv, 0);
    EXPECT_EQ(engine::extension_use(offer, "").rsv, 0);
    // RFC 7692 §7.1.2.2: no client_max_window_bits in the offer, none in the response.
    use = engine::extension_use("permessage-deflate",
                                "permessage-deflate; client_max_window_bits=10");
    ASSERT_TRUE(use.violation.has_value());
    EXPECT_EQ(use.violation->rule, "not_offered");
    EXPECT_EQ(use.violation->document, "RFC 7692");
    EXPECT_EQ(use.violation->section, "7.1.2.2");
    use = engine::extension_use("permessage-deflate", "permessage-deflate, permessage-deflate");
    ASSERT_TRUE(use.violation.has_value());
    EXPECT_EQ(use.violation->rule, "conflicting_extensions");
    // Several offers: the response answers one of them (Autobahn 13.7).
    use = engine::extension_use(
        "permessage-deflate; server_no_context_takeover; server_max_window_bits=9, "
        "permessage-deflate",
        "permessage-deflate");
    EXPECT_FALSE(use.violation.has_value()) << "it answers the second offer";
}

TEST(EnginePeers, ACompressedMessageIsInflatedAndJudged) {
    // RFC 7692 §7.2.3.1: "Hello" compressed, RSV1 on its one frame.
    const std::string hello = "\xf2\x48\xcd\xc9\xc9\x07\x00";
    scripted_server srv("permessage-deflate", frame(0x1, hello, 0x4, std::nullopt));
    auto c = load_one(rsv1_case(true));
    c.expect = {{verdict::ok,
                 {{{catalog::event::kind::text,
                    catalog::payload(catalog::bytes{'H', 'e', 'l', 'l', 'o'}),
                    {}}}}}};
    auto r = engine::run_case(c, to(srv.url()));
    EXPECT_FALSE(r.server_violation.has_value()) << r.reason;
    EXPECT_EQ(r.behavior, verdict::ok) << r.reason;
}

// A repeat step's echo that comes back as the very bytes wsspec sent is taken as the message
// sent without inflating; one that only starts with them is inflated from its first byte.
TEST(EnginePeers, AnEchoOfTheBytesSentIsTheMessageSentAndAnyOtherIsInflated) {
    const char* the_case = R"({"id": "t.1", "title": "t", "rfc": "9", "quote": "q",
        "extensions": {"offer": "permessage-deflate; client_no_context_takeover",
                       "require": "permessage-deflate"},
        "steps": [{"send": {"opcode": "text", "payload": {"corpus": "json", "size": 100},
                            "compressed": true}, "repeat": 1}],
        "timer": {"close": 0.5}, "expect": {"OK": [[{"echoes": 1}]]},
        "close": {"by": "harness", "codes": [1000], "clean": true}})";
    const std::string terms = "permessage-deflate; server_no_context_takeover";
    auto run = [&](echo_script echo) {
        scripted_server srv(terms, {}, std::move(echo));
        return engine::run_case(load_one(the_case), to(srv.url()));
    };
    auto compressed_frame = [](const std::vector<std::uint8_t>& b) {
        return frame(0x1, std::string(b.begin(), b.end()), 0x4, std::nullopt);
    };
    auto same = run(compressed_frame);
    EXPECT_EQ(same.behavior, verdict::ok) << same.reason;
    // The same bytes and an empty stored block (RFC 7692 §7.2.3.6): the same message, but not
    // the bytes sent, so all of it must be inflated, including the part that matched.
    auto longer = run([&](std::vector<std::uint8_t> b) {
        b.insert(b.end(), {0x00, 0x00, 0xff, 0xff});
        return compressed_frame(b);
    });
    EXPECT_EQ(longer.behavior, verdict::ok) << longer.reason;
    // In two frames: the first half of the bytes sent, then the rest (and the `tail`).
    auto in_two = [&](std::vector<std::uint8_t> tail) {
        return [tail](std::vector<std::uint8_t> b) {
            const std::size_t half = b.size() / 2;
            b.insert(b.end(), tail.begin(), tail.end());
            std::vector<std::uint8_t> out;
            frame_spec first;
            first.rsv = 0x4;
            first.fin = false;
            write_frame(out, first, std::span(b).first(half));
            frame_spec rest;
            rest.opcode_nibble = 0x0;
            write_frame(out, rest, std::span(b).subspan(half));
            return out;
        };
    };
    auto split = run(in_two({}));
    EXPECT_EQ(split.behavior, verdict::ok) << split.reason;
    // Half of it matched before it turned out longer: that half is inflated too.
    auto split_longer = run(in_two({0x00, 0x00, 0xff, 0xff}));
    EXPECT_EQ(split_longer.behavior, verdict::ok) << split_longer.reason;
    // One byte changed in the middle (the last one ends in padding bits): inflated, and then
    // not the message sent, or not DEFLATE.
    auto changed = run([&](std::vector<std::uint8_t> b) {
        b[b.size() / 2] ^= 0x40;
        return compressed_frame(b);
    });
    EXPECT_EQ(changed.behavior, verdict::failed) << changed.reason;
}

TEST(EnginePeers, InvalidDeflateDataIsTheServersViolation) {
    scripted_server srv("permessage-deflate", frame(0x1, "\xff\xff\xff", 0x4, std::nullopt));
    auto r = engine::run_case(load_one(rsv1_case(true)), to(srv.url()));
    ASSERT_TRUE(r.server_violation.has_value()) << r.reason;
    EXPECT_EQ(r.server_violation->rule, "invalid_compressed_data");
    EXPECT_NE(r.reason.find("RFC 7692 §7.2.2"), std::string::npos) << r.reason;
    EXPECT_EQ(r.behavior, verdict::failed);
}

TEST(EnginePeers, InflatedTextMustBeUtf8) {
    // 0xff alone, stored (no compression): valid DEFLATE, invalid UTF-8 once inflated.
    scripted_server srv(
        "permessage-deflate",
        frame(0x1, std::string("\x00\x01\x00\xfe\xff\xff\x00", 7), 0x4, std::nullopt));
    auto r = engine::run_case(load_one(rsv1_case(true)), to(srv.url()));
    ASSERT_TRUE(r.server_violation.has_value()) << r.reason;
    EXPECT_EQ(r.server_violation->rule, "invalid_utf8");
}

TEST(EnginePeers, AResponseThatBreaksRfc7692FailsTheCaseByItsRule) {
    scripted_server srv("permessage-deflate; client_max_window_bits=10", {});
    auto r = engine::run_case(load_one(rsv1_case(true)), to(srv.url()));
    ASSERT_TRUE(r.server_violation.has_value()) << r.reason;
    EXPECT_EQ(r.behavior, verdict::failed);
    EXPECT_NE(r.reason.find("RFC 7692 §7.1.2.2"), std::string::npos) << r.reason;
    EXPECT_EQ(r.local_close_code, 1002) << "the harness fails the connection";
}

// Every offer was invalid (RFC 7692 §7: a leading zero), and the server accepted one anyway.
TEST(EnginePeers, AcceptingAnOfferThatMustBeDeclinedIsNamedAsThat) {
    scripted_server srv("permessage-deflate; client_max_window_bits=10", {});
    auto c = load_one(rsv1_case(true));
    c.extensions.offer = "permessage-deflate; client_max_window_bits=010";
    auto r = engine::run_case(c, to(srv.url()));
    ASSERT_TRUE(r.server_violation.has_value()) << r.reason;
    EXPECT_EQ(r.server_violation->rule, "invalid_offer_accepted");
    EXPECT_NE(r.reason.find("client_max_window_bits=010"), std::string::npos) << r.reason;
    EXPECT_EQ(r.behavior, verdict::failed);
}

// still_serves: a case that went well is still FAILED when no new connection is served after it
// (the scripted server answers one connection; the probe's handshake gets no answer).
TEST(EnginePeers, StillServesFailsACaseAfterWhichTheServerServesNoOne) {
    std::string the_case = R"({"id": "t.1", "title": "t", "rfc": "4.2.1", "quote": "q",
        "steps": [], "timer": {"close": 0.5},
        "expect": {"OK": [[{"message": {"text": "Hi"}}]]},
        "close": {"by": "harness", "codes": [1000], "clean": true}, "still_serves": true})";
    scripted_server srv("", frame(0x1, "Hi", 0, std::nullopt));
    auto o = to(srv.url());
    o.timeouts.open = 1s;
    auto r = engine::run_case(load_one(the_case), o);
    EXPECT_EQ(r.behavior, verdict::failed);
    EXPECT_NE(r.reason.find("after this case the server did not serve a new connection"),
              std::string::npos)
        << r.reason;
}

TEST(EnginePeers, Rsv1WithoutNegotiationIsAViolation) {
    scripted_server srv("", frame(0x1, "Hi", 0x4, std::nullopt));
    auto r = engine::run_case(load_one(rsv1_case(false)), to(srv.url()));
    ASSERT_TRUE(r.server_violation.has_value()) << r.reason;
    EXPECT_EQ(r.server_violation->rule, "reserved_bits_set");
    EXPECT_EQ(r.behavior, verdict::failed);
}

TEST(EnginePeers, AnExtensionTheCaseDidNotOfferIsAHandshakeViolation) {
    scripted_server srv("permessage-deflate", {});
    auto r = engine::run_case(load_one(rsv1_case(false)), to(srv.url()));
    ASSERT_TRUE(r.server_violation.has_value()) << r.reason;
    EXPECT_EQ(r.behavior, verdict::failed);
    EXPECT_NE(r.reason.find("§4.1"), std::string::npos) << r.reason;
}

// wsspec as the server: a case with roles ["client"] run on an accepted connection.
struct server_side {
    transport::listener listener = std::move(transport::listener::bind("127.0.0.1", 0)).value();

    report::case_result run(const catalog::case_def& c,
                            const std::function<void(transport::stream&)>& client) {
        std::thread peer([&] {
            auto s =
                transport::connect_tcp("127.0.0.1", listener.port(), transport::deadline_after(5s));
            if (s) client(**s);
        });
        auto s = listener.accept(transport::deadline_after(5s));
        report::case_result r;
        if (s && *s) r = engine::run_case_accepted(c, std::move(*s), engine::run_options{});
        peer.join();
        return r;
    }
};

const char* echo_from_client = R"({"id": "t.2", "title": "t", "rfc": "5.1", "quote": "q",
    "roles": ["client"], "steps": [{"send": {"opcode": "text", "payload": "Hi"}}],
    "timer": {"kill": 1.0}, "expect": {"OK": [[{"message": {"text": "Hi"}}]]},
    "close": {"by": "harness", "codes": [1000], "clean": true}})";

const std::string good_request = "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                                 "Connection: Upgrade\r\nSec-WebSocket-Key: "
                                 "dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

TEST(EnginePeers, AsTheServerWsspecSendsUnmaskedAndJudgesTheEcho) {
    server_side srv;
    std::vector<std::uint8_t> seen;
    auto r = srv.run(load_one(echo_from_client), [&](transport::stream& s) {
        auto dl = transport::deadline_after(5s);
        s.write_all(as_bytes(good_request), dl);
        auto head = read_head(s);
        seen.assign(head.begin() + static_cast<std::ptrdiff_t>(head.find("\r\n\r\n") + 4),
                    head.end());
        std::uint8_t buf[64];
        if (seen.empty()) {
            auto n = s.read_some(buf, dl); // the server's "Hi": 81 02 'H' 'i', unmasked
            if (n.ok()) seen.assign(buf, buf + n.bytes);
        }
        auto echo = frame(0x1, "Hi", 0, mask_key{1, 2, 3, 4});
        s.write_all(echo, dl);
        s.read_some(buf, dl); // its close
        s.write_all(frame(0x8, "\x03\xe8", 0, mask_key{1, 2, 3, 4}), dl);
        s.read_some(buf, dl); // the server closes TCP
    });
    EXPECT_EQ(r.role, "client");
    EXPECT_EQ(r.behavior, verdict::ok) << r.reason;
    EXPECT_EQ(r.behavior_close, verdict::ok) << r.reason;
    ASSERT_GE(seen.size(), 4u);
    EXPECT_EQ(seen[0], 0x81);
    EXPECT_EQ(seen[1], 0x02) << "RFC 6455 §5.1: a server MUST NOT mask";
}

TEST(EnginePeers, AnUnmaskedClientFrameIsTheClientsViolation) {
    server_side srv;
    auto r = srv.run(load_one(echo_from_client), [&](transport::stream& s) {
        auto dl = transport::deadline_after(5s);
        s.write_all(as_bytes(good_request), dl);
        read_head(s);
        s.write_all(frame(0x1, "Hi", 0, std::nullopt), dl);
        std::uint8_t buf[64];
        while (s.read_some(buf, dl).ok()) {
        }
    });
    ASSERT_TRUE(r.server_violation.has_value()) << r.reason;
    EXPECT_EQ(r.server_violation->rule, "unmasked_client_frame");
    EXPECT_EQ(r.reason.rfind("the client broke RFC 6455 §5.1", 0), 0u) << r.reason;
}

TEST(EnginePeers, ABrokenOpeningRequestIsRefusedAndNamed) {
    server_side srv;
    std::string answer;
    auto r = srv.run(load_one(echo_from_client), [&](transport::stream& s) {
        auto dl = transport::deadline_after(5s);
        std::string bad = good_request;
        bad.replace(bad.find("Sec-WebSocket-Version: 13"), 25, "Sec-WebSocket-Version: 8");
        s.write_all(as_bytes(bad), dl);
        answer = read_head(s);
    });
    EXPECT_EQ(answer.rfind("HTTP/1.1 426", 0), 0u) << answer;
    EXPECT_FALSE(r.upgraded);
    EXPECT_EQ(r.behavior, verdict::failed);
    ASSERT_TRUE(r.server_violation.has_value());
    EXPECT_EQ(r.server_violation->rule, "unsupported_version");
}

TEST(EnginePeers, TheCaseCanAnswerTheClientWithAnythingElse) {
    auto c = load_one(R"({"id": "t.3", "title": "t", "rfc": "4.1", "quote": "q",
        "roles": ["client"], "handshake": {"response": {"status": 200, "remove": ["Upgrade"]}},
        "steps": [], "expect": {"OK": [[{"http_request": {"method": "GET"}}]]},
        "close": {"by": "none"}})");
    server_side srv;
    std::string answer;
    auto r = srv.run(c, [&](transport::stream& s) {
        s.write_all(as_bytes(good_request), transport::deadline_after(5s));
        answer = read_head(s);
    });
    EXPECT_EQ(answer.rfind("HTTP/1.1 200 Switching Protocols\r\n", 0), 0u) << answer;
    EXPECT_EQ(answer.find("Upgrade:"), std::string::npos) << answer;
    EXPECT_EQ(r.behavior, verdict::ok) << r.reason;
    EXPECT_EQ(r.behavior_close, verdict::ok) << r.reason;
}

// A server that refuses a large message as it starts: close 1009, FIN, a short drain, then RST
// while wsspec is still sending. The close frame arrived long before the RST, which discards
// what wsspec had not read yet: wsspec must have read it between the blocks of its message, as
// Autobahn's event loop would have.
TEST(EnginePeers, ACloseThatArrivesWhileALargeMessageIsWrittenIsRead) {
    auto l = transport::listener::bind("127.0.0.1", 0);
    ASSERT_TRUE(l.has_value());
    std::thread peer([&] {
        auto s = l->accept(transport::deadline_after(5s));
        if (!s || !*s) return;
        auto head = read_head(**s);
        auto h = handshake::parse_http_head(head, handshake::head_kind::request);
        auto key = handshake::find_field(h.head, "Sec-WebSocket-Key");
        auto dl = transport::deadline_after(5s);
        (*s)->write_all(as_bytes("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                                 "Connection: Upgrade\r\nSec-WebSocket-Accept: " +
                                 handshake::accept_key(key ? *key : "") + "\r\n\r\n"),
                        dl);
        std::uint8_t buf[64 * 1024];
        (*s)->read_some(buf, dl); // the start of the message is enough to refuse it
        (*s)->write_all(frame(0x8, "\x03\xf1too big", 0, std::nullopt), dl);
        (*s)->shutdown_write();
        const auto drain_end = transport::deadline_after(20ms);
        while ((*s)->read_some(buf, drain_end).ok()) {
        }
        (*s)->abort();
    });
    auto c = load_one(R"({"id": "t.1", "title": "t", "rfc": "10.4", "quote": "q",
        "steps": [{"send": {"opcode": "binary", "payload": {"pattern": "*", "size": 268435456}}}],
        "timer": {"kill": 2},
        "expect": {"OK": [[{"close": {"code": 1009}}]]},
        "close": {"by": "peer", "codes": [1009], "clean": false}})");
    auto r = engine::run_case(c, to("ws://127.0.0.1:" + std::to_string(l->port()) + "/"));
    peer.join();
    EXPECT_EQ(r.remote_close_code, 1009) << r.reason;
    EXPECT_EQ(r.behavior, verdict::ok) << r.reason;
}

} // namespace
} // namespace wsspec
