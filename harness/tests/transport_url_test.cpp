#include <gtest/gtest.h>

#include "harness/transport/url.hpp"

namespace wsspec::transport {
namespace {

url parse_ok(std::string_view text) {
    auto u = parse_url(text);
    EXPECT_TRUE(u.has_value()) << text << ": " << (u ? "" : u.error().message);
    return u ? *u : url{};
}

std::string parse_error(std::string_view text) {
    auto u = parse_url(text);
    EXPECT_FALSE(u.has_value()) << text << " parsed as " << (u ? u->to_string() : "");
    return u ? std::string() : u.error().message;
}

TEST(TransportUrl, WsDefaultsToPort80AndRootResource) {
    const url u = parse_ok("ws://example.com");
    EXPECT_EQ(u.scheme, "ws");
    EXPECT_EQ(u.host, "example.com");
    EXPECT_EQ(u.port, 80);
    EXPECT_EQ(u.resource, "/");
    EXPECT_FALSE(u.secure());
    EXPECT_FALSE(u.ipv6_literal);
    EXPECT_EQ(u.host_header(), "example.com");
    EXPECT_EQ(u.authority(), "example.com:80");
    EXPECT_EQ(u.to_string(), "ws://example.com/");
}

TEST(TransportUrl, WssDefaultsToPort443) {
    const url u = parse_ok("WSS://Example.com/chat");
    EXPECT_EQ(u.scheme, "wss");
    EXPECT_EQ(u.port, 443);
    EXPECT_EQ(u.resource, "/chat");
    EXPECT_TRUE(u.secure());
    EXPECT_EQ(u.host_header(), "Example.com");
}

TEST(TransportUrl, ExplicitPortAppearsInHostHeaderUnlessDefault) {
    EXPECT_EQ(parse_ok("ws://127.0.0.1:9001/").host_header(), "127.0.0.1:9001");
    EXPECT_EQ(parse_ok("ws://h:80/").host_header(), "h");
    EXPECT_EQ(parse_ok("wss://h:443/").host_header(), "h");
    EXPECT_EQ(parse_ok("wss://h:80/").host_header(), "h:80");
    EXPECT_EQ(parse_ok("ws://h:/").port, 80); // RFC 3986: an empty port is the default
}

TEST(TransportUrl, Ipv6LiteralWithPortPathAndQuery) {
    const url u = parse_ok("ws://[::1]:9001/x?y");
    EXPECT_EQ(u.host, "::1");
    EXPECT_TRUE(u.ipv6_literal);
    EXPECT_EQ(u.port, 9001);
    EXPECT_EQ(u.resource, "/x?y");
    EXPECT_EQ(u.host_header(), "[::1]:9001");
    EXPECT_EQ(u.authority(), "[::1]:9001");
    EXPECT_EQ(u.to_string(), "ws://[::1]:9001/x?y");
}

TEST(TransportUrl, Ipv6LiteralWithoutPort) {
    const url u = parse_ok("wss://[2001:db8::7]");
    EXPECT_EQ(u.host, "2001:db8::7");
    EXPECT_EQ(u.port, 443);
    EXPECT_EQ(u.host_header(), "[2001:db8::7]");
}

TEST(TransportUrl, QueryWithoutPathGetsSlash) {
    // RFC 6455 §3: the resource name is "/" when the path is empty, then "?" and the query.
    EXPECT_EQ(parse_ok("ws://h?a=1&b=2").resource, "/?a=1&b=2");
    EXPECT_EQ(parse_ok("ws://h:81?q").resource, "/?q");
    EXPECT_EQ(parse_ok("ws://h:81?q").port, 81);
}

TEST(TransportUrl, RejectsOtherSchemes) {
    EXPECT_EQ(parse_error("http://example.com/"),
              "bad URL 'http://example.com/': scheme must be ws:// or wss://");
    EXPECT_EQ(parse_error("example.com:80"),
              "bad URL 'example.com:80': scheme must be ws:// or wss://");
    EXPECT_NE(parse_error("wsx://h/").find("scheme must be"), std::string::npos);
}

TEST(TransportUrl, RejectsMissingHost) {
    EXPECT_EQ(parse_error("ws:///path"), "bad URL 'ws:///path': missing host");
    EXPECT_EQ(parse_error("ws://:9001/"), "bad URL 'ws://:9001/': missing host");
    EXPECT_NE(parse_error("ws://[]:1/").find("invalid IPv6 address"), std::string::npos);
}

TEST(TransportUrl, RejectsBadPorts) {
    EXPECT_EQ(parse_error("ws://h:0/"), "bad URL 'ws://h:0/': port must be 1..65535, got '0'");
    EXPECT_EQ(parse_error("ws://h:99999/"),
              "bad URL 'ws://h:99999/': port must be 1..65535, got '99999'");
    EXPECT_EQ(parse_error("ws://h:abc/"),
              "bad URL 'ws://h:abc/': port must be 1..65535, got 'abc'");
    EXPECT_NE(parse_error("ws://h:80x/").find("port must be"), std::string::npos);
    EXPECT_NE(parse_error("ws://h:-1/").find("port must be"), std::string::npos);
    EXPECT_EQ(parse_ok("ws://h:65535/").port, 65535);
}

TEST(TransportUrl, RejectsMalformedIpv6) {
    EXPECT_NE(parse_error("ws://[::1/").find("missing ']'"), std::string::npos);
    EXPECT_NE(parse_error("ws://[::1]x/").find("junk after ']'"), std::string::npos);
    EXPECT_NE(parse_error("ws://[zz::1]/").find("invalid IPv6 address 'zz::1'"), std::string::npos);
    EXPECT_NE(parse_error("ws://::1:9001/").find("must be written in brackets"), std::string::npos);
}

TEST(TransportUrl, RejectsFragmentUserInfoAndSpaces) {
    EXPECT_EQ(parse_error("ws://h/a#frag"),
              "bad URL 'ws://h/a#frag': fragment not allowed (RFC 6455 §3)");
    EXPECT_NE(parse_error("ws://user@h/").find("user info"), std::string::npos);
    EXPECT_NE(parse_error("ws://h/a b").find("space or control"), std::string::npos);
    EXPECT_NE(parse_error("ws://h/a\r\nX: y").find("space or control"), std::string::npos);
}

TEST(TransportUrl, IpLiteralDetection) {
    EXPECT_TRUE(is_ip_literal("127.0.0.1"));
    EXPECT_TRUE(is_ip_literal("::1"));
    EXPECT_TRUE(is_ip_literal("2001:db8::1"));
    EXPECT_FALSE(is_ip_literal("localhost"));
    EXPECT_FALSE(is_ip_literal("1.2.3"));
    EXPECT_FALSE(is_ip_literal("[::1]"));
}

} // namespace
} // namespace wsspec::transport
