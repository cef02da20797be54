#include <gtest/gtest.h>

#include "codec/handshake/http_fields.hpp"
#include "codec/handshake/http_head.hpp"

namespace wsspec::handshake {
namespace {

head_result req(std::string_view s, const head_options& o = {}) {
    return parse_http_head(s, head_kind::request, o);
}
head_result resp(std::string_view s, const head_options& o = {}) {
    return parse_http_head(s, head_kind::response, o);
}

TEST(HandshakeHttpHead, ParsesRequestLineAndFields) {
    const std::string_view in = "GET /chat?x=1 HTTP/1.1\r\nHost: a.example\r\nX-Empty:\r\n"
                                "X-Pad: \t v a l \t \r\n\r\nFRAMES";
    auto r = req(in);
    ASSERT_EQ(r.status, handshake_status::complete) << r.message;
    EXPECT_EQ(r.head.method, "GET");
    EXPECT_EQ(r.head.target, "/chat?x=1");
    EXPECT_EQ(r.head.version, "HTTP/1.1");
    EXPECT_EQ(r.head.version_major, 1);
    EXPECT_EQ(r.head.version_minor, 1);
    ASSERT_EQ(r.head.fields.size(), 3u);
    EXPECT_EQ(r.head.fields[0].name, "Host");
    EXPECT_EQ(r.head.fields[0].value, "a.example");
    EXPECT_EQ(r.head.fields[1].name, "X-Empty");
    EXPECT_EQ(r.head.fields[1].value, "");
    EXPECT_EQ(r.head.fields[2].value, "v a l");
    EXPECT_EQ(r.head_size, in.size() - 6);
    EXPECT_FALSE(r.head.bare_lf);
}

TEST(HandshakeHttpHead, ParsesStatusLine) {
    auto r = resp("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n");
    ASSERT_EQ(r.status, handshake_status::complete) << r.message;
    EXPECT_EQ(r.head.status_code, 101);
    EXPECT_EQ(r.head.reason, "Switching Protocols");
    EXPECT_EQ(r.head.version, "HTTP/1.1");
    // No reason phrase and no SP: accepted (RFC 7230 §3.1.2 says to ignore the reason anyway).
    auto bare = resp("HTTP/1.1 101\r\n\r\n");
    ASSERT_EQ(bare.status, handshake_status::complete) << bare.message;
    EXPECT_EQ(bare.head.status_code, 101);
    EXPECT_EQ(bare.head.reason, "");
    auto empty_reason = resp("HTTP/1.0 404 \r\n\r\n");
    ASSERT_EQ(empty_reason.status, handshake_status::complete);
    EXPECT_EQ(empty_reason.head.status_code, 404);
    EXPECT_EQ(empty_reason.head.version_minor, 0);
}

TEST(HandshakeHttpHead, NeedMoreUntilTheEmptyLine) {
    const std::string_view in = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
    for (std::size_t n = 0; n < in.size(); ++n)
        EXPECT_EQ(req(in.substr(0, n)).status, handshake_status::need_more) << "prefix " << n;
    EXPECT_EQ(req(in).status, handshake_status::complete);
    EXPECT_EQ(req(in).head_size, in.size());
}

struct bad_head {
    std::string_view input;
    head_kind kind;
    std::string_view message;
    std::size_t offset;
};

TEST(HandshakeHttpHead, RejectsWithLineAndOffset) {
    const bad_head cases[] = {
        {"GET / HTTP/1.1\r\nHost: a\r\nNoColonHere\r\n\r\n", head_kind::request,
         "line 3: header field without ':'", 36},
        {"GET / HTTP/1.1\r\nHost: a\r\n continued\r\n\r\n", head_kind::request,
         "line 3: obs-fold (line starts with whitespace)", 25},
        {"GET / HTTP/1.1\r\nHost : a\r\n\r\n", head_kind::request,
         "line 2: whitespace after the field name (RFC 7230 §3.2.4 requires a 400)", 20},
        {"GET / HTTP/1.1\r\nHost: a\x01\r\n\r\n", head_kind::request,
         "line 2: invalid character 0x01 in field value", 23},
        {"GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n", head_kind::request,
         "line 2: invalid character 0x0d in field value", 23},
        {"GET / HTTP/1.1\nHost: a\r\n\r\n", head_kind::request,
         "line 1: line ends in LF without CR", 14},
        {"\r\nGET / HTTP/1.1\r\n\r\n", head_kind::request,
         "line 1: empty line before the start line", 0},
        {"GET  / HTTP/1.1\r\n\r\n", head_kind::request, "line 1: empty request-target", 4},
        {"GET / HTTP/1.1x\r\n\r\n", head_kind::request, "line 1: text after the HTTP version", 14},
        {"GET / HTTP/11\r\n\r\n", head_kind::request,
         "line 1: invalid HTTP version (expected HTTP/x.y)", 12},
        {"GET / HTTP/1.\r\n\r\n", head_kind::request, "line 1: truncated HTTP version", 13},
        {"GET /\r\n\r\n", head_kind::request, "line 1: request line without an HTTP version", 5},
        {"GET\r\n\r\n", head_kind::request, "line 1: request line without a request-target", 3},
        {"G(T / HTTP/1.1\r\n\r\n", head_kind::request, "line 1: invalid character 0x28 in method",
         1},
        {"\x16\x03\x01\x02\x00", head_kind::request,
         "line 1: request line does not start with a method token (found 0x16)", 0},
        {"GET / HTTP/1.1\r\n: v\r\n\r\n", head_kind::request,
         "line 2: header field with an empty name", 16},
        {"GET / HTTP/1.1\r\nA\"b: v\r\n\r\n", head_kind::request,
         "line 2: invalid character 0x22 in field name", 17},
        {"HTTP/1.1 1O1 OK\r\n\r\n", head_kind::response, "line 1: status code is not 3 digits", 10},
        {"HTTP/1.1 1011 OK\r\n\r\n", head_kind::response,
         "line 1: expected SP after the status code", 12},
        {"HTTP/1.1\r\n\r\n", head_kind::response, "line 1: status line without a status code", 8},
        {"HTTP/1.1 101 OK\x7f\r\n\r\n", head_kind::response,
         "line 1: invalid character 0x7f in reason phrase", 15},
        {"ICY 200 OK\r\n\r\n", head_kind::response,
         "line 1: invalid HTTP version (expected HTTP/x.y)", 0},
    };
    for (const auto& c : cases) {
        auto r = parse_http_head(c.input, c.kind);
        EXPECT_EQ(r.status, handshake_status::error) << c.input;
        EXPECT_EQ(r.error, head_error::malformed) << c.input;
        EXPECT_EQ(r.message, c.message) << c.input;
        EXPECT_EQ(r.error_offset, c.offset) << c.input;
        // The same verdict at every split: no prefix completes, and the first prefix that fails
        // fails the same way.
        for (std::size_t n = 0; n <= c.input.size(); ++n) {
            auto p = parse_http_head(c.input.substr(0, n), c.kind);
            ASSERT_NE(p.status, handshake_status::complete) << c.input;
            if (p.status == handshake_status::error) {
                EXPECT_EQ(p.message, c.message) << c.input << " prefix " << n;
                EXPECT_EQ(p.error_offset, c.offset) << c.input << " prefix " << n;
                EXPECT_GT(n, c.offset) << c.input;
                break;
            }
        }
    }
}

TEST(HandshakeHttpHead, GarbageFailsOnTheFirstByte) {
    // A TLS ClientHello sent to a plain-text port must not wait for 16 KiB.
    auto r = req(std::string_view("\x16", 1));
    EXPECT_EQ(r.status, handshake_status::error);
    EXPECT_EQ(r.error_offset, 0u);
    EXPECT_EQ(req(std::string_view("\0", 1)).status, handshake_status::error);
}

TEST(HandshakeHttpHead, BareLfIsAnOptInLeniency) {
    const std::string_view in = "GET / HTTP/1.1\nHost: a\r\n\n";
    EXPECT_EQ(req(in).status, handshake_status::error);
    head_options lenient;
    lenient.allow_bare_lf = true;
    auto r = req(in, lenient);
    ASSERT_EQ(r.status, handshake_status::complete) << r.message;
    EXPECT_TRUE(r.head.bare_lf);
    EXPECT_EQ(r.head_size, in.size());
    ASSERT_EQ(r.head.fields.size(), 1u);
    EXPECT_EQ(r.head.fields[0].value, "a");
    auto crlf = req("GET / HTTP/1.1\r\nHost: a\r\n\r\n", lenient);
    ASSERT_EQ(crlf.status, handshake_status::complete);
    EXPECT_FALSE(crlf.head.bare_lf);
}

TEST(HandshakeHttpHead, SizeLimitIsInclusive) {
    const std::string in = "GET / HTTP/1.1\r\nX: " + std::string(40, 'v') + "\r\n\r\n";
    head_options o;
    o.max_head_size = in.size();
    EXPECT_EQ(req(in, o).status, handshake_status::complete);
    o.max_head_size = in.size() - 1;
    auto r = req(in, o);
    EXPECT_EQ(r.status, handshake_status::error);
    EXPECT_EQ(r.error, head_error::too_large);
    EXPECT_EQ(r.message,
              "head exceeds " + std::to_string(in.size() - 1) + " bytes without an empty line");
    EXPECT_EQ(r.error_offset, in.size() - 1);
    // Exactly max bytes without the end is still need_more: the next byte may be the last LF.
    EXPECT_EQ(req(std::string_view(in).substr(0, in.size() - 1), o).status,
              handshake_status::need_more);
}

TEST(HandshakeHttpHead, DefaultLimitIs16KiB) {
    // 100 fields of 150 bytes stay under both limits; one more long field crosses 16 KiB.
    std::string in = "GET / HTTP/1.1\r\n";
    for (int i = 0; i < 100; ++i)
        in += "X-Pad: " + std::string(140, 'p') + "\r\n";
    in += "\r\n";
    ASSERT_LT(in.size(), 16u * 1024);
    EXPECT_EQ(req(in).status, handshake_status::complete);
    in.insert(in.size() - 2, "X-Long: " + std::string(16 * 1024, 'l') + "\r\n");
    auto r = req(in);
    EXPECT_EQ(r.status, handshake_status::error);
    EXPECT_EQ(r.error, head_error::too_large);
    EXPECT_EQ(r.error_offset, 16384u);
}

TEST(HandshakeHttpHead, FieldCountLimit) {
    head_options o;
    o.max_fields = 2;
    EXPECT_EQ(req("GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\n\r\n", o).status, handshake_status::complete);
    auto r = req("GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", o);
    EXPECT_EQ(r.status, handshake_status::error);
    EXPECT_EQ(r.error, head_error::too_large);
    EXPECT_EQ(r.message, "line 4: more than 2 header fields");
}

TEST(HandshakeHttpFields, LookupIsCaseInsensitive) {
    auto r = req("GET / HTTP/1.1\r\nhOsT: a\r\nX-Dup: 1\r\nx-dup: 2\r\n\r\n");
    ASSERT_EQ(r.status, handshake_status::complete);
    EXPECT_EQ(find_field(r.head, "Host"), "a");
    EXPECT_EQ(find_field(r.head, "HOST"), "a");
    EXPECT_FALSE(find_field(r.head, "Hos"));
    EXPECT_EQ(count_fields(r.head, "X-DUP"), 2u);
    EXPECT_EQ(field_values(r.head, "x-dup"), (std::vector<std::string_view>{"1", "2"}));
    EXPECT_TRUE(field_values(r.head, "Origin").empty());
}

TEST(HandshakeHttpFields, SplitListFollowsTheListRule) {
    using v = std::vector<std::string_view>;
    EXPECT_EQ(split_list("keep-alive, Upgrade"), (v{"keep-alive", "Upgrade"}));
    EXPECT_EQ(split_list(" a ,\t,, b\t,"), (v{"a", "b"}));
    EXPECT_EQ(split_list(""), v{});
    EXPECT_EQ(split_list(",,"), v{});
    EXPECT_EQ(split_list("x; p=\"a,b\", y"), (v{"x; p=\"a,b\"", "y"}));
    EXPECT_EQ(split_list("x; p=\"a\\\",b\", y"), (v{"x; p=\"a\\\",b\"", "y"}));
}

TEST(HandshakeHttpFields, TokenListAcrossRepeatedFields) {
    auto r = req("GET / HTTP/1.1\r\nConnection: keep-alive\r\nConnection: UPGRADE\r\n\r\n");
    ASSERT_EQ(r.status, handshake_status::complete);
    EXPECT_TRUE(list_has_token(r.head, "connection", "upgrade"));
    EXPECT_FALSE(list_has_token(r.head, "connection", "close"));
    EXPECT_FALSE(list_has_token(r.head, "Upgrade", "websocket"));
    EXPECT_EQ(list_elements(r.head, "Connection"),
              (std::vector<std::string_view>{"keep-alive", "UPGRADE"}));
    // "Upgrade2" is not the token "Upgrade".
    auto near = req("GET / HTTP/1.1\r\nConnection: Upgrade2, xUpgrade\r\n\r\n");
    EXPECT_FALSE(list_has_token(near.head, "Connection", "Upgrade"));
}

TEST(HandshakeHttpFields, TokenHelpers) {
    EXPECT_TRUE(is_token("permessage-deflate"));
    EXPECT_TRUE(is_token("!#$%&'*+-.^_`|~09azAZ"));
    EXPECT_FALSE(is_token(""));
    EXPECT_FALSE(is_token("a b"));
    EXPECT_FALSE(is_token("a,b"));
    EXPECT_FALSE(is_token("a\"b"));
    EXPECT_TRUE(iequals("WebSocket", "websocket"));
    EXPECT_FALSE(iequals("websockets", "websocket"));
    EXPECT_FALSE(iequals("websocke\xf4", "websocke\xd4")); // only ASCII letters fold
}

} // namespace
} // namespace wsspec::handshake
