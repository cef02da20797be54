// The client's validation of the server's answer (RFC 6455 §4.1, "The client MUST validate the
// server's response").
#include <gtest/gtest.h>

#include "codec/handshake/accept_key.hpp"
#include "codec/handshake/client_request.hpp"
#include "codec/handshake/server_request.hpp"

namespace wsspec::handshake {
namespace {

// RFC 6455 §1.3, the server's handshake.
constexpr std::string_view rfc_response = "HTTP/1.1 101 Switching Protocols\r\n"
                                          "Upgrade: websocket\r\n"
                                          "Connection: Upgrade\r\n"
                                          "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
                                          "Sec-WebSocket-Protocol: chat\r\n"
                                          "\r\n";

client_request_options offered() {
    client_request_options o;
    o.host = "server.example.com";
    o.target = "/chat";
    o.key = "dGhlIHNhbXBsZSBub25jZQ==";
    o.origin = "http://example.com";
    o.subprotocols = {"chat", "superchat"};
    return o;
}

std::string with(std::string_view from, std::string_view to) {
    std::string s(rfc_response);
    const auto at = s.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) s.replace(at, from.size(), to);
    return s;
}

std::string summary(const response_result& r) {
    return std::to_string(static_cast<int>(r.status)) + "|" + std::string(name(r.error)) + "|" +
           r.detail + "|" + std::to_string(r.status_code) + "|" + r.subprotocol.value_or("<null>") +
           "|" + r.extensions.value_or("<null>") + "|" + std::to_string(r.head_size) + "|" +
           std::to_string(r.error_offset);
}

void expect_split_invariant(std::string_view all, const client_request_options& o) {
    const auto whole = summary(validate_server_response(all, o));
    for (std::size_t s = 1; s < all.size(); ++s) {
        // A reader that received `s` bytes first: whatever it saw then, the final verdict (after
        // the rest arrived, if it needed it) is the whole-input verdict.
        auto first = validate_server_response(all.substr(0, s), o);
        if (first.status == handshake_status::need_more) first = validate_server_response(all, o);
        ASSERT_EQ(summary(first), whole) << "split at " << s;
    }
}

TEST(HandshakeServerResponse, AcceptsTheRfcExample) {
    const auto o = offered();
    auto r = validate_server_response(rfc_response, o);
    ASSERT_EQ(r.status, handshake_status::complete) << r.detail;
    EXPECT_EQ(r.error, handshake_error::none);
    EXPECT_EQ(r.status_code, 101);
    EXPECT_EQ(r.subprotocol, "chat");
    EXPECT_FALSE(r.extensions);
    EXPECT_EQ(r.head_size, rfc_response.size());
    EXPECT_EQ(r.detail, "");
    // Byte by byte: need_more until the last byte.
    for (std::size_t n = 0; n < rfc_response.size(); ++n)
        ASSERT_EQ(validate_server_response(rfc_response.substr(0, n), o).status,
                  handshake_status::need_more)
            << n;
    expect_split_invariant(rfc_response, o);
}

TEST(HandshakeServerResponse, FramesAfterTheHeadAreNotConsumed) {
    const std::string in = std::string(rfc_response) + "\x81\x05hello";
    auto r = validate_server_response(in, offered());
    ASSERT_EQ(r.status, handshake_status::complete) << r.detail;
    EXPECT_EQ(r.head_size, rfc_response.size());
    EXPECT_EQ(in.substr(r.head_size), "\x81\x05hello");
    expect_split_invariant(in, offered());
}

TEST(HandshakeServerResponse, AcceptsTolerableVariants) {
    const std::string variants[] = {
        with("Upgrade: websocket", "Upgrade: WebSocket"),
        with("Upgrade: websocket", "upgrade:websocket  "),
        with("Connection: Upgrade", "Connection: keep-alive, upgrade"),
        with("Sec-WebSocket-Accept: s3pP", "SEC-WEBSOCKET-ACCEPT:  \t s3pP"),
        with("Sec-WebSocket-Protocol: chat\r\n", ""), // the server may pick none
        with("chat\r\n", "superchat\r\n"),
        with("HTTP/1.1 101 Switching Protocols", "HTTP/1.1 101"),
    };
    for (const auto& v : variants) {
        auto r = validate_server_response(v, offered());
        EXPECT_EQ(r.status, handshake_status::complete) << v << r.detail;
        expect_split_invariant(v, offered());
    }
    EXPECT_FALSE(validate_server_response(variants[4], offered()).subprotocol);
    EXPECT_EQ(validate_server_response(variants[5], offered()).subprotocol, "superchat");
}

struct bad_response {
    std::string label;
    std::string input;
    handshake_error error;
    std::string detail;
};

TEST(HandshakeServerResponse, RejectsEachRule) {
    const bad_response cases[] = {
        {"200", with("101 Switching Protocols", "200 OK"), handshake_error::response_status_not_101,
         "status 200 'OK', expected 101"},
        {"426", build_reject_response(handshake_error::unsupported_version),
         handshake_error::response_status_not_101, "status 426 'Upgrade Required', expected 101"},
        {"HTTP/1.0", with("HTTP/1.1", "HTTP/1.0"), handshake_error::response_http_version,
         "HTTP version is HTTP/1.0, expected HTTP/1.1"},
        {"no Upgrade", with("Upgrade: websocket\r\n", ""),
         handshake_error::response_missing_upgrade, "no Upgrade header field"},
        {"Upgrade list", with("Upgrade: websocket", "Upgrade: websocket, h2c"),
         handshake_error::response_upgrade_not_websocket,
         "Upgrade is 'websocket, h2c', expected 'websocket'"},
        {"Upgrade other", with("Upgrade: websocket", "Upgrade: websockets"),
         handshake_error::response_upgrade_not_websocket,
         "Upgrade is 'websockets', expected 'websocket'"},
        {"no Connection", with("Connection: Upgrade\r\n", ""),
         handshake_error::response_missing_connection_upgrade, "no Connection header field"},
        {"Connection without upgrade", with("Connection: Upgrade", "Connection: keep-alive"),
         handshake_error::response_missing_connection_upgrade, "Connection is 'keep-alive'"},
        {"no accept", with("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n", ""),
         handshake_error::response_missing_accept, "no Sec-WebSocket-Accept header field"},
        {"wrong accept", with("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", "abc"),
         handshake_error::response_accept_mismatch,
         "Sec-WebSocket-Accept is 'abc', expected 's3pPLMBiTxaQ9kYGzzhZRbK+xOo='"},
        {"accept in lower case",
         with("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", "s3pplmbitxaq9kygzzhzrbk+xoo="),
         handshake_error::response_accept_mismatch,
         "Sec-WebSocket-Accept is 's3pplmbitxaq9kygzzhzrbk+xoo=', expected "
         "'s3pPLMBiTxaQ9kYGzzhZRbK+xOo='"},
        {"accept of the key itself",
         with("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", "dGhlIHNhbXBsZSBub25jZQ=="),
         handshake_error::response_accept_mismatch,
         "Sec-WebSocket-Accept is 'dGhlIHNhbXBsZSBub25jZQ==', expected "
         "'s3pPLMBiTxaQ9kYGzzhZRbK+xOo='"},
        {"two accepts",
         with("Sec-WebSocket-Protocol:",
              "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol:"),
         handshake_error::response_duplicate_accept, "2 Sec-WebSocket-Accept header fields"},
        {"unrequested extension",
         with("Sec-WebSocket-Protocol:", "Sec-WebSocket-Extensions: permessage-deflate\r\n"
                                         "Sec-WebSocket-Protocol:"),
         handshake_error::response_unrequested_extension,
         "extension 'permessage-deflate' was not offered"},
        {"unrequested subprotocol", with("Protocol: chat", "Protocol: mqtt"),
         handshake_error::response_unrequested_subprotocol, "subprotocol 'mqtt' was not offered"},
        {"subprotocol differs in case", with("Protocol: chat", "Protocol: CHAT"),
         handshake_error::response_unrequested_subprotocol, "subprotocol 'CHAT' was not offered"},
        {"empty subprotocol", with("Protocol: chat", "Protocol: "),
         handshake_error::response_unrequested_subprotocol, "subprotocol '' was not offered"},
        {"two subprotocols in one field", with("Protocol: chat", "Protocol: chat, superchat"),
         handshake_error::response_multiple_subprotocols, "2 subprotocols selected"},
        {"two subprotocol fields",
         with("Protocol: chat", "Protocol: chat\r\nSec-WebSocket-Protocol: chat"),
         handshake_error::response_multiple_subprotocols, "2 subprotocols selected"},
        {"malformed", with("Upgrade: websocket", "Upgrade websocket"),
         handshake_error::malformed_http,
         "line 2: whitespace after the field name (RFC 7230 §3.2.4 requires a 400)"},
        {"not HTTP", "SSH-2.0-OpenSSH_9.6\r\n", handshake_error::malformed_http,
         "line 1: invalid HTTP version (expected HTTP/x.y)"},
    };
    for (const auto& c : cases) {
        auto r = validate_server_response(c.input, offered());
        EXPECT_EQ(r.status, handshake_status::error) << c.label;
        EXPECT_EQ(name(r.error), name(c.error)) << c.label;
        EXPECT_EQ(r.detail, c.detail) << c.label;
        expect_split_invariant(c.input, offered());
    }
}

TEST(HandshakeServerResponse, StatusIsReportedEvenOnError) {
    auto r = validate_server_response(with("101 Switching Protocols", "302 Found"), offered());
    EXPECT_EQ(r.status, handshake_status::error);
    EXPECT_EQ(r.status_code, 302);
    EXPECT_EQ(r.head_size, rfc_response.size() - std::string_view("Switching Protocols").size() +
                               std::string_view("Found").size());
}

TEST(HandshakeServerResponse, SubprotocolIsTheListElementJudged) {
    // Found by handshake_response_fuzzer (fuzz/regressions/handshake_response_fuzzer/): with
    // empty list elements around it, the selected subprotocol was reported as the raw value.
    auto r = validate_server_response(with("Protocol: chat", "Protocol: , chat ,"), offered());
    ASSERT_EQ(r.status, handshake_status::complete) << r.detail;
    EXPECT_EQ(r.subprotocol, "chat");
    auto two =
        validate_server_response(with("Protocol: chat", "Protocol: chat, superchat"), offered());
    EXPECT_EQ(two.error, handshake_error::response_multiple_subprotocols);
    EXPECT_EQ(two.subprotocol, "chat, superchat"); // reported as sent
}

TEST(HandshakeServerResponse, OfferedExtensionIsAcceptedByName) {
    auto o = offered();
    o.subprotocols.clear();
    o.extensions = "permessage-deflate; client_max_window_bits, x-webkit-deflate-frame";
    const std::string answer = build_accept_response(
        *o.key, std::nullopt, "permessage-deflate; server_no_context_takeover");
    auto r = validate_server_response(answer, o);
    ASSERT_EQ(r.status, handshake_status::complete) << r.detail;
    EXPECT_EQ(r.extensions, "permessage-deflate; server_no_context_takeover");
    EXPECT_FALSE(r.subprotocol);

    const std::string other = build_accept_response(*o.key, std::nullopt, "x-foo");
    auto bad = validate_server_response(other, o);
    EXPECT_EQ(bad.error, handshake_error::response_unrequested_extension);
    EXPECT_EQ(bad.detail, "extension 'x-foo' was not offered");
    // Any subprotocol is unrequested when none was offered.
    auto proto = validate_server_response(build_accept_response(*o.key, "chat"), o);
    EXPECT_EQ(proto.error, handshake_error::response_unrequested_subprotocol);
}

TEST(HandshakeServerResponse, AcceptIsCheckedAgainstTheKeySent) {
    auto o = offered();
    o.key = "8ZuOAG3PepR31z9HtJCkso==";
    o.subprotocols.clear();
    const std::string seed_answer = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                                    "Connection: Upgrade\r\n"
                                    "Sec-WebSocket-Accept: vQCeyABRRt6oKfebHddaBNvaTR4=\r\n\r\n";
    EXPECT_EQ(validate_server_response(seed_answer, o).status, handshake_status::complete);
    // The RFC's answer does not fit this key.
    auto r = validate_server_response(with("Sec-WebSocket-Protocol: chat\r\n", ""), o);
    EXPECT_EQ(r.error, handshake_error::response_accept_mismatch);
    EXPECT_EQ(r.detail, "Sec-WebSocket-Accept is 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=', expected "
                        "'vQCeyABRRt6oKfebHddaBNvaTR4='");
    o.key.reset();
    auto no_key = validate_server_response(seed_answer, o);
    EXPECT_EQ(no_key.error, handshake_error::response_accept_mismatch);
    EXPECT_EQ(no_key.detail,
              "Sec-WebSocket-Accept is 'vQCeyABRRt6oKfebHddaBNvaTR4=' but no Sec-WebSocket-Key "
              "was sent");
}

TEST(HandshakeServerResponse, OversizedResponseHead) {
    head_options small;
    small.max_head_size = 64;
    auto r = validate_server_response(rfc_response, offered(), small);
    EXPECT_EQ(r.status, handshake_status::error);
    EXPECT_EQ(r.error, handshake_error::head_too_large);
    EXPECT_EQ(r.error_offset, 64u);
}

} // namespace
} // namespace wsspec::handshake
