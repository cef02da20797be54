#include <functional>

#include <gtest/gtest.h>

#include "codec/handshake/accept_key.hpp"
#include "codec/handshake/client_request.hpp"
#include "codec/handshake/server_request.hpp"

namespace wsspec::handshake {
namespace {

constexpr std::string_view rfc_key = "dGhlIHNhbXBsZSBub25jZQ==";

client_request_options fixed() {
    client_request_options o;
    o.host = "server.example.com";
    o.key = std::string(rfc_key);
    return o;
}

TEST(HandshakeClientRequest, DefaultOutputIsExact) {
    EXPECT_EQ(build_client_request(fixed()), "GET / HTTP/1.1\r\n"
                                             "Host: server.example.com\r\n"
                                             "Upgrade: websocket\r\n"
                                             "Connection: Upgrade\r\n"
                                             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                             "Sec-WebSocket-Version: 13\r\n"
                                             "\r\n");
}

TEST(HandshakeClientRequest, EveryOptionalFieldInOrder) {
    auto o = fixed();
    o.target = "/chat";
    o.origin = "http://example.com";
    o.subprotocols = {"chat", "superchat"};
    o.extensions = "permessage-deflate; client_max_window_bits";
    o.extra_headers = {{"Cookie", "a=b"}, {"Cookie", "c=d"}};
    EXPECT_EQ(build_client_request(o),
              "GET /chat HTTP/1.1\r\n"
              "Host: server.example.com\r\n"
              "Upgrade: websocket\r\n"
              "Connection: Upgrade\r\n"
              "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
              "Sec-WebSocket-Version: 13\r\n"
              "Origin: http://example.com\r\n"
              "Sec-WebSocket-Protocol: chat, superchat\r\n"
              "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
              "Cookie: a=b\r\n"
              "Cookie: c=d\r\n"
              "\r\n");
    // What the builder wrote, the server reads back.
    auto r = parse_client_request(build_client_request(o));
    ASSERT_EQ(r.status, handshake_status::complete) << r.detail;
    EXPECT_EQ(r.request.resource_name, "/chat");
    EXPECT_EQ(r.request.origin, "http://example.com");
    EXPECT_EQ(r.request.subprotocols, o.subprotocols);
    EXPECT_EQ(r.request.extensions, o.extensions);
}

struct knob_case {
    std::string label;
    std::function<void(client_request_options&)> turn;
    std::string_view removed; // text the default has and the knob takes out ("" for none)
    std::string_view added;   // text the knob puts in ("" for none)
    handshake_error error;    // what the server validator then reports
};

TEST(HandshakeClientRequest, EachWrongKnobChangesItsFieldAndTripsItsRule) {
    using o_t = client_request_options;
    const knob_case cases[] = {
        {"method", [](o_t& o) { o.method = "POST"; }, "GET / ", "POST / ",
         handshake_error::method_not_get},
        {"http_version", [](o_t& o) { o.http_version = "HTTP/1.0"; }, "HTTP/1.1\r\n",
         "HTTP/1.0\r\n", handshake_error::http_version_too_old},
        {"target", [](o_t& o) { o.target = "*"; }, "GET / ", "GET * ",
         handshake_error::invalid_request_target},
        {"omit_host", [](o_t& o) { o.omit_host = true; }, "Host: ", "",
         handshake_error::missing_host},
        {"empty host", [](o_t& o) { o.host.clear(); }, "Host: server", "Host: \r\n",
         handshake_error::missing_host},
        {"second Host",
         [](o_t& o) {
             o.extra_headers.push_back({"Host", "evil"});
         },
         "", "Host: evil\r\n", handshake_error::duplicate_host},
        {"no upgrade", [](o_t& o) { o.upgrade.reset(); }, "Upgrade: ", "",
         handshake_error::missing_upgrade},
        {"upgrade h2c", [](o_t& o) { o.upgrade = "h2c"; }, "Upgrade: websocket", "Upgrade: h2c",
         handshake_error::upgrade_not_websocket},
        {"no connection", [](o_t& o) { o.connection.reset(); }, "Connection: ", "",
         handshake_error::missing_connection_upgrade},
        {"connection keep-alive", [](o_t& o) { o.connection = "keep-alive"; },
         "Connection: Upgrade", "Connection: keep-alive",
         handshake_error::missing_connection_upgrade},
        {"no key", [](o_t& o) { o.key.reset(); }, "Sec-WebSocket-Key: ", "",
         handshake_error::missing_key},
        {"15-byte key", [](o_t& o) { o.key = "AAECAwQFBgcICQoLDA0O"; }, "", "Key: AAECAwQF",
         handshake_error::key_wrong_length},
        {"key not base64", [](o_t& o) { o.key = "*"; }, "", "Key: *\r\n",
         handshake_error::key_not_base64},
        {"second key",
         [](o_t& o) {
             o.extra_headers.push_back({"Sec-WebSocket-Key", "AAAAAAAAAAAAAAAAAAAAAA=="});
         },
         "", "Sec-WebSocket-Key: AAAA", handshake_error::duplicate_key},
        {"version 8", [](o_t& o) { o.version = "8"; }, "Version: 13", "Version: 8\r\n",
         handshake_error::unsupported_version},
        {"no version", [](o_t& o) { o.version.reset(); }, "Version: ", "",
         handshake_error::missing_version},
        {"second version",
         [](o_t& o) {
             o.extra_headers.push_back({"Sec-WebSocket-Version", "13"});
         },
         "", "13\r\nSec-WebSocket-Version: 13\r\n\r\n", handshake_error::duplicate_version},
        {"repeated subprotocol",
         [](o_t& o) {
             o.subprotocols = {"chat", "chat"};
         },
         "", "Protocol: chat, chat\r\n", handshake_error::invalid_subprotocol_list},
        {"bare LF", [](o_t& o) { o.line_ending = "\n"; }, "\r\n", "HTTP/1.1\nHost",
         handshake_error::malformed_http},
        {"space in method", [](o_t& o) { o.method = "GE T"; }, "GET / ", "GE T / ",
         handshake_error::malformed_http},
    };
    const std::string base = build_client_request(fixed());
    for (const auto& c : cases) {
        auto o = fixed();
        c.turn(o);
        const std::string built = build_client_request(o);
        EXPECT_NE(built, base) << c.label;
        if (!c.removed.empty()) {
            EXPECT_EQ(built.find(c.removed), std::string::npos) << c.label << "\n" << built;
        }
        if (!c.added.empty()) {
            EXPECT_NE(built.find(c.added), std::string::npos) << c.label << "\n" << built;
        }
        auto r = parse_client_request(built);
        EXPECT_EQ(r.status, handshake_status::error) << c.label;
        EXPECT_EQ(name(r.error), name(c.error)) << c.label << ": " << r.detail;
    }
}

TEST(HandshakeClientRequest, DefaultPassesTheServerValidator) {
    const auto o = fixed();
    auto r = parse_client_request(build_client_request(o));
    ASSERT_EQ(r.status, handshake_status::complete) << r.detail;
    EXPECT_EQ(r.http_status, 101);
    EXPECT_EQ(r.request.key, rfc_key);
    EXPECT_EQ(r.request.host, "server.example.com");
    // And our server's answer to it passes our client's validator.
    auto v = validate_server_response(build_accept_response(r.request.key), o);
    EXPECT_EQ(v.status, handshake_status::complete) << v.detail;
}

TEST(HandshakeClientRequest, KeyFromMakeKey) {
    auto o = fixed();
    std::array<std::uint8_t, 16> nonce{};
    for (std::size_t i = 0; i < nonce.size(); ++i)
        nonce[i] = static_cast<std::uint8_t>(0xf0 + i);
    o.key = make_key(nonce);
    auto r = parse_client_request(build_client_request(o));
    ASSERT_EQ(r.status, handshake_status::complete) << r.detail;
    EXPECT_EQ(r.request.key, "8PHy8/T19vf4+fr7/P3+/w==");
    EXPECT_TRUE(r.request.key_canonical);
}

} // namespace
} // namespace wsspec::handshake
