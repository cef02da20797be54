#include <cctype>

#include <gtest/gtest.h>

#include "codec/handshake/extensions.hpp"
#include "codec/handshake/http_fields.hpp"

namespace wsspec::handshake {
namespace {

using list = std::vector<extension>;

extension ext(std::string name, std::vector<extension_param> params = {}) {
    return {std::move(name), std::move(params)};
}
extension_param flag(std::string name) {
    return {std::move(name), std::nullopt};
}
extension_param param(std::string name, std::string value) {
    return {std::move(name), std::move(value)};
}

std::string test_name(std::string n) {
    for (auto& ch : n)
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
    return n;
}

struct valid_case {
    const char* what;
    std::string_view value;
    list expected;
};

class ExtensionsValid : public ::testing::TestWithParam<valid_case> {};

TEST_P(ExtensionsValid, Parses) {
    const auto& c = GetParam();
    auto r = parse_extensions(c.value);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(*r, c.expected);
    // The canonical form reads back the same, and split_list agrees on the element count.
    auto again = parse_extensions(format_extensions(*r));
    ASSERT_TRUE(again) << again.error().message;
    EXPECT_EQ(*again, *r);
    EXPECT_EQ(split_list(c.value).size(), r->size());
}

INSTANTIATE_TEST_SUITE_P(
    Rfc, ExtensionsValid,
    ::testing::Values(
        valid_case{"one name", "permessage-deflate", {ext("permessage-deflate")}},
        // RFC 7692 §5: a parameter without a value.
        valid_case{"flag",
                   "permessage-deflate; client_max_window_bits",
                   {ext("permessage-deflate", {flag("client_max_window_bits")})}},
        // RFC 7692 §5.2 offer: two offers of one extension, in preference order.
        valid_case{"two offers",
                   "permessage-deflate; client_max_window_bits; server_max_window_bits=10, "
                   "permessage-deflate; client_max_window_bits",
                   {ext("permessage-deflate",
                        {flag("client_max_window_bits"), param("server_max_window_bits", "10")}),
                    ext("permessage-deflate", {flag("client_max_window_bits")})}},
        // RFC 6455 §9.1 examples.
        valid_case{
            "rfc6455 foo bar", "foo, bar; baz=2", {ext("foo"), ext("bar", {param("baz", "2")})}},
        valid_case{"rfc6455 mux",
                   "mux; max-channels=4; flow-control, deflate-stream",
                   {ext("mux", {param("max-channels", "4"), flag("flow-control")}),
                    ext("deflate-stream")}},
        // §9.1: a quoted value is allowed when it unescapes to a token.
        valid_case{"quoted",
                   "permessage-deflate; client_max_window_bits=\"10\"",
                   {ext("permessage-deflate", {param("client_max_window_bits", "10")})}},
        valid_case{"quoted pair", "x; a=\"1\\0\"", {ext("x", {param("a", "10")})}},
        valid_case{"ows everywhere",
                   " \tfoo ; a = 1 ;\tb= \"2\" , bar ",
                   {ext("foo", {param("a", "1"), param("b", "2")}), ext("bar")}},
        valid_case{
            "no ows", "foo;a=1;b,bar", {ext("foo", {param("a", "1"), flag("b")}), ext("bar")}},
        // RFC 7230 §7: empty list elements are ignored.
        valid_case{"empty elements", ", foo,, ,bar,", {ext("foo"), ext("bar")}},
        valid_case{"duplicate params kept", "x; a; a=1", {ext("x", {flag("a"), param("a", "1")})}},
        valid_case{"tchar", "!#$%&'*+-.^_`|~09azAZ", {ext("!#$%&'*+-.^_`|~09azAZ")}}),
    [](const auto& p) { return test_name(p.param.what); });

struct invalid_case {
    const char* what;
    std::string_view value;
    std::size_t offset;
    std::string_view rule;
};

class ExtensionsInvalid : public ::testing::TestWithParam<invalid_case> {};

TEST_P(ExtensionsInvalid, NamesRuleAndOffset) {
    const auto& c = GetParam();
    auto r = parse_extensions(c.value);
    ASSERT_FALSE(r) << "parsed " << format_extensions(*r);
    EXPECT_EQ(r.error().rule, c.rule) << r.error().message;
    EXPECT_EQ(r.error().offset, c.offset) << r.error().message;
    EXPECT_NE(r.error().message.find(std::string(c.rule)), std::string::npos);
    EXPECT_NE(r.error().message.find("offset " + std::to_string(c.offset)), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(
    Rfc, ExtensionsInvalid,
    ::testing::Values(
        // 1#extension needs one extension.
        invalid_case{"empty", "", 0, "extension-list"},
        invalid_case{"only commas", " , ,", 4, "extension-list"},
        invalid_case{"space inside name", "foo bar", 4, "extension-list"},
        invalid_case{"leading semicolon", ";foo", 0, "extension-token"},
        invalid_case{"non token name", "f@o", 1, "extension-list"},
        invalid_case{"quoted name", "\"foo\"", 0, "extension-token"},
        invalid_case{"param missing", "foo;", 4, "extension-param"},
        invalid_case{"param missing before comma", "foo; , bar", 5, "extension-param"},
        invalid_case{"value missing", "foo; a=", 7, "extension-param"},
        invalid_case{"value missing before semicolon", "foo; a= ;b", 8, "extension-param"},
        invalid_case{"two equals", "foo; a=b=c", 8, "extension-list"},
        invalid_case{"value with space", "foo; a=b c", 9, "extension-list"},
        // §9.1: the unescaped quoted value must be a token.
        invalid_case{"quoted space", "foo; a=\"b c\"", 7, "extension-param"},
        invalid_case{"quoted empty", "foo; a=\"\"", 7, "extension-param"},
        invalid_case{"quoted comma", "foo; a=\"1,2\"", 7, "extension-param"},
        invalid_case{"unterminated", "foo; a=\"10", 10, "quoted-string"},
        invalid_case{"unterminated escape", "foo; a=\"10\\", 11, "quoted-string"},
        invalid_case{"control in quotes", "foo; a=\"1\x01\"", 9, "quoted-string"},
        invalid_case{"escaped control", "foo; a=\"1\\\x01\"", 10, "quoted-string"},
        invalid_case{"control outside", "foo\x01", 3, "extension-list"},
        invalid_case{"param is quoted", "foo; \"a\"=1", 5, "extension-param"}),
    [](const auto& p) { return test_name(p.param.what); });

TEST(Extensions, FormatIsCanonical) {
    const list l{ext("permessage-deflate",
                     {flag("client_no_context_takeover"), param("server_max_window_bits", "10")}),
                 ext("x")};
    EXPECT_EQ(format_extensions(l),
              "permessage-deflate; client_no_context_takeover; server_max_window_bits=10, x");
    EXPECT_EQ(format_extensions(list{}), "");
}

TEST(Extensions, MessageNamesWhatWasFound) {
    auto r = parse_extensions("foo bar");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message,
              "extension-list at offset 4: expected ',' or ';' after extension 'foo', found 'b'");
}

} // namespace
} // namespace wsspec::handshake
