#include <gtest/gtest.h>

#include "codec/handshake/accept_key.hpp"
#include "codec/handshake/http_fields.hpp"
#include "codec/handshake/server_request.hpp"

namespace wsspec::handshake {
namespace {

// RFC 6455 §1.3, the client's opening handshake.
constexpr std::string_view rfc_request = "GET /chat HTTP/1.1\r\n"
                                         "Host: server.example.com\r\n"
                                         "Upgrade: websocket\r\n"
                                         "Connection: Upgrade\r\n"
                                         "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                         "Origin: http://example.com\r\n"
                                         "Sec-WebSocket-Protocol: chat, superchat\r\n"
                                         "Sec-WebSocket-Version: 13\r\n"
                                         "\r\n";

// rfc_request with `from` replaced by `to` (the test fails if `from` is not there).
std::string with(std::string_view from, std::string_view to) {
    std::string s(rfc_request);
    const auto at = s.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) s.replace(at, from.size(), to);
    return s;
}

std::string summary(const request_result& r) {
    return std::to_string(static_cast<int>(r.status)) + "|" + std::string(name(r.error)) + "|" +
           std::to_string(r.http_status) + "|" + std::to_string(r.head_size) + "|" +
           std::to_string(r.error_offset) + "|" + r.detail + "|" + r.request.key + "|" +
           r.request.resource_name;
}

// The first verdict that is not need_more when the bytes arrive with boundaries at `cuts`.
request_result feed(std::string_view all, const std::vector<std::size_t>& cuts,
                    const head_options& o) {
    request_result r;
    for (auto c : cuts) {
        r = parse_client_request(all.substr(0, c), o);
        if (r.status != handshake_status::need_more) break;
    }
    return r;
}

// Whole, byte by byte and split in two at every position must agree.
void expect_split_invariant(std::string_view all, const head_options& o = {}) {
    const auto whole = summary(parse_client_request(all, o));
    std::vector<std::size_t> bytewise;
    for (std::size_t i = 1; i <= all.size(); ++i)
        bytewise.push_back(i);
    EXPECT_EQ(summary(feed(all, bytewise, o)), whole) << "byte by byte";
    for (std::size_t s = 1; s < all.size(); ++s)
        ASSERT_EQ(summary(feed(all, {s, all.size()}, o)), whole) << "split at " << s;
}

TEST(HandshakeServerRequest, AcceptsTheRfcExample) {
    auto r = parse_client_request(rfc_request);
    ASSERT_EQ(r.status, handshake_status::complete) << r.detail;
    EXPECT_EQ(r.error, handshake_error::none);
    EXPECT_EQ(r.http_status, 101);
    EXPECT_EQ(r.head_size, rfc_request.size());
    EXPECT_EQ(r.request.method, "GET");
    EXPECT_EQ(r.request.target, "/chat");
    EXPECT_EQ(r.request.resource_name, "/chat");
    EXPECT_EQ(r.request.host, "server.example.com");
    EXPECT_EQ(r.request.key, "dGhlIHNhbXBsZSBub25jZQ==");
    EXPECT_TRUE(r.request.key_canonical);
    EXPECT_EQ(r.request.version, "13");
    EXPECT_EQ(r.request.origin, "http://example.com");
    EXPECT_EQ(r.request.subprotocols, (std::vector<std::string>{"chat", "superchat"}));
    EXPECT_FALSE(r.request.extensions);
    expect_split_invariant(rfc_request);
}

TEST(HandshakeServerRequest, AnswersTheRfcExample) {
    // RFC 6455 §1.3, the server's handshake, with the subprotocol the client preferred.
    EXPECT_EQ(build_accept_response("dGhlIHNhbXBsZSBub25jZQ==", "chat"),
              "HTTP/1.1 101 Switching Protocols\r\n"
              "Upgrade: websocket\r\n"
              "Connection: Upgrade\r\n"
              "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
              "Sec-WebSocket-Protocol: chat\r\n"
              "\r\n");
    EXPECT_EQ(build_accept_response("k", std::nullopt, "permessage-deflate"),
              "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              "Sec-WebSocket-Accept: " +
                  accept_key("k") + "\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n");
}

TEST(HandshakeServerRequest, AcceptsTolerableVariants) {
    const std::string variants[] = {
        // Header names in any case (RFC 7230 §3.2).
        "GET /chat HTTP/1.1\r\nhost: server.example.com\r\nUPGRADE: websocket\r\n"
        "connection: Upgrade\r\nSEC-WEBSOCKET-KEY: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        "sec-websocket-version: 13\r\n\r\n",
        // Firefox sends a list.
        with("Connection: Upgrade", "Connection: keep-alive, Upgrade"),
        // Tokens compare case-insensitively, in a list, across repeated fields.
        with("Connection: Upgrade", "Connection: keep-alive\r\nConnection: UPGRADE"),
        with("Upgrade: websocket", "Upgrade: WebSocket"),
        with("Upgrade: websocket", "Upgrade: h2c, websocket"),
        // OWS around values and list elements is not part of them.
        with("Host: server.example.com", "Host:   server.example.com \t"),
        with("Connection: Upgrade", "Connection:\t ,keep-alive ,  Upgrade ,"),
        with("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
             "Sec-WebSocket-Key: \t dGhlIHNhbXBsZSBub25jZQ==  "),
        with("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version:13"),
        // RFC 6455 §4.1 item 3: an absolute http/https URI carries the resource name.
        with("GET /chat ", "GET http://server.example.com/chat "),
        // Frames sent before the answer stay unconsumed.
        std::string(rfc_request) + "\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58",
    };
    for (const auto& v : variants) {
        auto r = parse_client_request(v);
        ASSERT_EQ(r.status, handshake_status::complete) << v << r.detail;
        EXPECT_EQ(r.http_status, 101);
        EXPECT_EQ(r.request.key, "dGhlIHNhbXBsZSBub25jZQ==") << v;
        EXPECT_EQ(r.request.host, "server.example.com") << v;
        EXPECT_EQ(r.request.resource_name, "/chat") << v;
        EXPECT_EQ(r.head_size, v.find("\r\n\r\n") + 4) << v;
        expect_split_invariant(v);
    }
}

TEST(HandshakeServerRequest, ResourceNameFromTheTarget) {
    auto rn = [](std::string_view target) {
        return parse_client_request(with("GET /chat ", "GET " + std::string(target) + " "))
            .request.resource_name;
    };
    EXPECT_EQ(rn("/a/b?x=1&y"), "/a/b?x=1&y");
    EXPECT_EQ(rn("https://h:8443/p?q"), "/p?q");
    EXPECT_EQ(rn("HTTP://h"), "/");
    EXPECT_EQ(rn("http://h?q=1"), "/?q=1");
}

TEST(HandshakeServerRequest, SeedDocumentKeyIsAcceptedAsNonCanonical) {
    // Decision: accept. "8ZuOAG3PepR31z9HtJCkso==" decodes to 16 bytes although its last symbol
    // has bits the padding drops; RFC 6455 asks only for a base64 value of 16 bytes, its own
    // §4.1 example key has the same quirk, and Node's ws accepts any 22 symbols + "==". The flag
    // lets a report mention it.
    auto r = parse_client_request(with("dGhlIHNhbXBsZSBub25jZQ==", "8ZuOAG3PepR31z9HtJCkso=="));
    ASSERT_EQ(r.status, handshake_status::complete) << r.detail;
    EXPECT_EQ(r.request.key, "8ZuOAG3PepR31z9HtJCkso==");
    EXPECT_FALSE(r.request.key_canonical);
    const std::string answer = build_accept_response(r.request.key);
    EXPECT_NE(answer.find("Sec-WebSocket-Accept: vQCeyABRRt6oKfebHddaBNvaTR4=\r\n"),
              std::string::npos);
    auto rfc_key =
        parse_client_request(with("dGhlIHNhbXBsZSBub25jZQ==", "AQIDBAUGBwgJCgsMDQ4PEC=="));
    EXPECT_EQ(rfc_key.status, handshake_status::complete);
    EXPECT_FALSE(rfc_key.request.key_canonical);
}

TEST(HandshakeServerRequest, AnyKeyDoesNotWork) {
    // The seed document says any key will do. Any key yields an accept value, but a server must
    // refuse one that is not base64 of exactly 16 bytes (RFC 6455 §4.2.1 item 5).
    for (std::string_view key :
         {"hello", "AAECAwQFBgcICQoLDA0O", "AAECAwQFBgcICQoLDA0ODxA=", "AAECAwQFBgcICQoLDA0ODw"}) {
        auto r = parse_client_request(with("dGhlIHNhbXBsZSBub25jZQ==", key));
        EXPECT_EQ(r.status, handshake_status::error) << key;
        EXPECT_EQ(r.http_status, 400) << key;
        EXPECT_NE(accept_key(key), "") << key;
    }
}

struct reject_case {
    std::string label;
    std::string input;
    handshake_error error;
    std::uint16_t status;
    std::string detail;
};

TEST(HandshakeServerRequest, RejectsEachRule) {
    const std::string k15 = "AAECAwQFBgcICQoLDA0O";
    const std::string k17 = "AAECAwQFBgcICQoLDA0ODxA=";
    const std::string key = "dGhlIHNhbXBsZSBub25jZQ==";
    const reject_case cases[] = {
        {"POST", with("GET /chat", "POST /chat"), handshake_error::method_not_get, 405,
         "method is 'POST'"},
        {"lowercase get", with("GET /chat", "get /chat"), handshake_error::method_not_get, 405,
         "method is 'get'"},
        {"HTTP/1.0", with("HTTP/1.1", "HTTP/1.0"), handshake_error::http_version_too_old, 400,
         "HTTP version is HTTP/1.0"},
        {"asterisk target", with("/chat", "*"), handshake_error::invalid_request_target, 400,
         "request-target is '*'"},
        {"ws scheme target", with("/chat", "ws://server.example.com/chat"),
         handshake_error::invalid_request_target, 400,
         "request-target is 'ws://server.example.com/chat'"},
        {"fragment", with("/chat", "/chat#x"), handshake_error::invalid_request_target, 400,
         "request-target is '/chat#x'"},
        {"no Host", with("Host: server.example.com\r\n", ""), handshake_error::missing_host, 400,
         "no Host header field"},
        {"empty Host", with("Host: server.example.com", "Host: "), handshake_error::missing_host,
         400, "Host is empty"},
        {"two Hosts", with("Host: server.example.com", "Host: a\r\nHost: b"),
         handshake_error::duplicate_host, 400, "2 Host header fields"},
        {"no Upgrade", with("Upgrade: websocket\r\n", ""), handshake_error::missing_upgrade, 400,
         "no Upgrade header field"},
        {"Upgrade: h2c", with("Upgrade: websocket", "Upgrade: h2c"),
         handshake_error::upgrade_not_websocket, 400, "Upgrade is 'h2c'"},
        {"no Connection", with("Connection: Upgrade\r\n", ""),
         handshake_error::missing_connection_upgrade, 400, "no Connection header field"},
        {"Connection without upgrade", with("Connection: Upgrade", "Connection: keep-alive"),
         handshake_error::missing_connection_upgrade, 400, "Connection is 'keep-alive'"},
        {"no key", with("Sec-WebSocket-Key: " + key + "\r\n", ""), handshake_error::missing_key,
         400, "no Sec-WebSocket-Key header field"},
        {"15-byte key", with(key, k15), handshake_error::key_wrong_length, 400,
         "Sec-WebSocket-Key '" + k15 + "' decodes to 15 bytes, expected 16"},
        {"17-byte key", with(key, k17), handshake_error::key_wrong_length, 400,
         "Sec-WebSocket-Key '" + k17 + "' decodes to 17 bytes, expected 16"},
        {"key not base64", with(key, "this is not base64!!"), handshake_error::key_not_base64, 400,
         "Sec-WebSocket-Key 'this is not base64!!' is not base64"},
        {"key without padding", with(key, "dGhlIHNhbXBsZSBub25jZQ"),
         handshake_error::key_not_base64, 400,
         "Sec-WebSocket-Key 'dGhlIHNhbXBsZSBub25jZQ' is not base64"},
        {"two keys", with("Origin:", "Sec-WebSocket-Key: " + key + "\r\nOrigin:"),
         handshake_error::duplicate_key, 400, "2 Sec-WebSocket-Key header fields"},
        {"version 8", with("Version: 13", "Version: 8"), handshake_error::unsupported_version, 426,
         "Sec-WebSocket-Version is '8', expected 13"},
        {"version 013", with("Version: 13", "Version: 013"), handshake_error::unsupported_version,
         426, "Sec-WebSocket-Version is '013', expected 13"},
        {"version list", with("Version: 13", "Version: 13, 8"),
         handshake_error::unsupported_version, 426,
         "Sec-WebSocket-Version is '13, 8', expected 13"},
        {"no version", with("Sec-WebSocket-Version: 13\r\n", ""), handshake_error::missing_version,
         426, "no Sec-WebSocket-Version header field"},
        {"two versions", with("Version: 13", "Version: 13\r\nSec-WebSocket-Version: 13"),
         handshake_error::duplicate_version, 426, "2 Sec-WebSocket-Version header fields"},
        {"repeated subprotocol", with("chat, superchat", "chat, chat"),
         handshake_error::invalid_subprotocol_list, 400, "subprotocol 'chat' is offered twice"},
        {"subprotocol not a token", with("chat, superchat", "chat, super chat"),
         handshake_error::invalid_subprotocol_list, 400, "subprotocol 'super chat' is not a token"},
        {"line without colon", with("Origin: http://example.com", "Origin http://example.com"),
         handshake_error::malformed_http, 400,
         "line 6: whitespace after the field name (RFC 7230 §3.2.4 requires a 400)"},
        {"line without colon or space", with("Origin: http://example.com", "Origin"),
         handshake_error::malformed_http, 400, "line 6: header field without ':'"},
        {"garbage", std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11),
         handshake_error::malformed_http, 400,
         "line 1: request line does not start with a method token (found 0x16)"},
        {"bare LF", with("\r\nHost", "\nHost"), handshake_error::malformed_http, 400,
         "line 1: line ends in LF without CR"},
    };
    for (const auto& c : cases) {
        auto r = parse_client_request(c.input);
        EXPECT_EQ(r.status, handshake_status::error) << c.label;
        EXPECT_EQ(name(r.error), name(c.error)) << c.label;
        EXPECT_EQ(r.http_status, c.status) << c.label;
        EXPECT_EQ(r.detail, c.detail) << c.label;
        expect_split_invariant(c.input);
    }
}

TEST(HandshakeServerRequest, GarbageIsRefusedAtOnce) {
    auto r = parse_client_request(std::string_view("\x16\x03", 2));
    EXPECT_EQ(r.status, handshake_status::error);
    EXPECT_EQ(r.error, handshake_error::malformed_http);
    EXPECT_EQ(r.error_offset, 0u);
}

TEST(HandshakeServerRequest, OversizedHeadIs431) {
    const std::string big = with("Origin:", "X-Pad: " + std::string(300, 'p') + "\r\nOrigin:");
    head_options o;
    o.max_head_size = 256;
    auto r = parse_client_request(big, o);
    EXPECT_EQ(r.status, handshake_status::error);
    EXPECT_EQ(r.error, handshake_error::head_too_large);
    EXPECT_EQ(r.http_status, 431);
    EXPECT_EQ(r.detail, "head exceeds 256 bytes without an empty line");
    EXPECT_EQ(r.error_offset, 256u);
    expect_split_invariant(big, o);
    // The default limit is 16 KiB.
    const std::string huge = with("Origin:", "X-Pad: " + std::string(17000, 'p') + "\r\nOrigin:");
    EXPECT_EQ(parse_client_request(huge).error, handshake_error::head_too_large);
    EXPECT_EQ(parse_client_request(big).status, handshake_status::complete);
}

TEST(HandshakeServerRequest, RejectResponses) {
    EXPECT_EQ(build_reject_response(handshake_error::unsupported_version),
              "HTTP/1.1 426 Upgrade Required\r\n"
              "Sec-WebSocket-Version: 13\r\n"
              "Upgrade: websocket\r\n"
              "Connection: Upgrade, close\r\n"
              "Content-Type: text/plain\r\n"
              "Content-Length: 32\r\n"
              "\r\n"
              "Sec-WebSocket-Version is not 13\n");
    EXPECT_EQ(build_reject_response(handshake_error::missing_key),
              "HTTP/1.1 400 Bad Request\r\n"
              "Connection: close\r\n"
              "Content-Type: text/plain\r\n"
              "Content-Length: 50\r\n"
              "\r\n"
              "the request has no Sec-WebSocket-Key header field\n");
    const std::string r405 = build_reject_response(handshake_error::method_not_get);
    EXPECT_EQ(r405.rfind("HTTP/1.1 405 Method Not Allowed\r\n", 0), 0u);
    EXPECT_NE(r405.find("\r\nAllow: GET\r\n"), std::string::npos);
    EXPECT_EQ(
        build_reject_response(403, handshake_error::none).rfind("HTTP/1.1 403 Forbidden\r\n", 0),
        0u);
    // A client error has no server status; the builder falls back to 400.
    EXPECT_EQ(build_reject_response(handshake_error::response_accept_mismatch)
                  .rfind("HTTP/1.1 400 Bad Request\r\n", 0),
              0u);
}

TEST(HandshakeServerRequest, VersionRejectionEndToEnd) {
    auto r = parse_client_request(with("Version: 13", "Version: 8"));
    ASSERT_EQ(r.status, handshake_status::error);
    const std::string answer = build_reject_response(r.http_status, r.error);
    auto head = parse_http_head(answer, head_kind::response);
    ASSERT_EQ(head.status, handshake_status::complete) << head.message;
    EXPECT_EQ(head.head.status_code, 426);
    EXPECT_EQ(find_field(head.head, "Sec-WebSocket-Version"), "13");
    EXPECT_EQ(find_field(head.head, "Upgrade"), "websocket");
    EXPECT_EQ(answer.substr(head.head_size), "Sec-WebSocket-Version is not 13\n");
}

TEST(HandshakeServerRequest, ReasonPhrases) {
    EXPECT_EQ(reason_phrase(101), "Switching Protocols");
    EXPECT_EQ(reason_phrase(400), "Bad Request");
    EXPECT_EQ(reason_phrase(426), "Upgrade Required");
    EXPECT_EQ(reason_phrase(431), "Request Header Fields Too Large");
    EXPECT_EQ(reason_phrase(599), "Error");
}

TEST(HandshakeServerRequest, ExtensionsStayRaw) {
    auto r = parse_client_request(
        with("Origin:", "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
                        "Sec-WebSocket-Extensions: x-foo\r\nOrigin:"));
    ASSERT_EQ(r.status, handshake_status::complete) << r.detail;
    EXPECT_EQ(r.request.extensions, "permessage-deflate; client_max_window_bits, x-foo");
}

TEST(HandshakeServerRequest, EmptyExtensionsFieldsAddNothing) {
    // Found by handshake_request_fuzzer (fuzz/regressions/handshake_request_fuzzer/): an empty
    // field used to leave a dangling ", " in the joined value, which no field can carry.
    auto r = parse_client_request(with("Origin:", "Sec-WebSocket-Extensions:\r\n"
                                                  "Sec-WebSocket-Extensions: x-foo\r\n"
                                                  "Sec-WebSocket-Extensions: \r\nOrigin:"));
    ASSERT_EQ(r.status, handshake_status::complete) << r.detail;
    EXPECT_EQ(r.request.extensions, "x-foo");
    auto empty = parse_client_request(with("Origin:", "Sec-WebSocket-Extensions:\r\nOrigin:"));
    ASSERT_EQ(empty.status, handshake_status::complete) << empty.detail;
    EXPECT_EQ(empty.request.extensions, "");
}

} // namespace
} // namespace wsspec::handshake
