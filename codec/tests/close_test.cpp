#include "codec/close.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <string>
#include <vector>

namespace wsspec {
namespace {

using cls = close_code_class;

std::vector<std::uint8_t> bytes(std::initializer_list<int> list) {
    std::vector<std::uint8_t> v;
    for (int b : list)
        v.push_back(static_cast<std::uint8_t>(b));
    return v;
}

std::vector<std::uint8_t> from_hex(const std::string& hex) {
    std::vector<std::uint8_t> v;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
        v.push_back(static_cast<std::uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    return v;
}

std::vector<std::uint8_t> with_code(std::uint16_t code, const std::vector<std::uint8_t>& reason) {
    // Sized up front: GCC 12 warns falsely (-Warray-bounds) on vector::insert here.
    std::vector<std::uint8_t> v(2 + reason.size());
    v[0] = static_cast<std::uint8_t>(code >> 8);
    v[1] = static_cast<std::uint8_t>(code & 0xFF);
    std::copy(reason.begin(), reason.end(), v.begin() + 2);
    return v;
}

std::vector<std::uint8_t> with_code(std::uint16_t code, std::string_view reason) {
    return with_code(code, std::vector<std::uint8_t>(reason.begin(), reason.end()));
}

struct class_row {
    std::uint16_t code;
    close_code_class expected;
};

TEST(CloseClassify, EveryRangeBoundary) {
    // RFC 6455 §7.4.1, §7.4.2 and the IANA registry.
    const class_row rows[] = {
        {0, cls::out_of_range},   {999, cls::out_of_range},  {1000, cls::defined},
        {1003, cls::defined},     {1004, cls::reserved},     {1005, cls::not_on_wire},
        {1006, cls::not_on_wire}, {1007, cls::defined},      {1011, cls::defined},
        {1012, cls::registered},  {1013, cls::registered},   {1014, cls::registered},
        {1015, cls::not_on_wire}, {1016, cls::reserved},     {2999, cls::reserved},
        {3000, cls::registered},  {3999, cls::registered},   {4000, cls::private_use},
        {4999, cls::private_use}, {5000, cls::out_of_range}, {65535, cls::out_of_range},
    };
    for (const auto& row : rows) {
        EXPECT_EQ(classify_close_code(row.code), row.expected) << row.code;
    }
}

TEST(CloseClassify, ExhaustiveAgreesWithValidity) {
    int valid = 0;
    for (std::uint32_t c = 0; c <= 0xFFFF; ++c) {
        const auto code = static_cast<std::uint16_t>(c);
        if (is_valid_close_code(code)) ++valid;
    }
    // 1000-1003, 1007-1014 (12) + 3000-4999 (2000).
    EXPECT_EQ(valid, 12 + 2000);
}

TEST(CloseValidity, AutobahnValidCodes7_7) {
    // Autobahn 7.7.1-7.7.13: a peer must accept these and echo or close 1000.
    for (std::uint16_t code :
         {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999}) {
        EXPECT_TRUE(is_valid_close_code(code)) << code;
        const auto payload = with_code(code, std::string_view{});
        const auto r = parse_close_payload(payload);
        EXPECT_EQ(r.error, codec_error::none) << code;
        EXPECT_TRUE(r.payload.has_code);
        EXPECT_EQ(r.payload.code, code);
    }
}

TEST(CloseValidity, AutobahnInvalidCodes7_9And7_13) {
    // Autobahn 7.9.1-7.9.9 must be failed with 1002; 7.13.1/7.13.2 (5000, 65535) are
    // informational there, but nothing defines them so we reject them too.
    for (std::uint16_t code : {0, 999, 1004, 1005, 1006, 1016, 1100, 2000, 2999, 5000, 65535}) {
        EXPECT_FALSE(is_valid_close_code(code)) << code;
        const auto payload = with_code(code, std::string_view{});
        const auto r = parse_close_payload(payload);
        EXPECT_EQ(r.error, codec_error::invalid_close_code) << code;
        EXPECT_EQ(r.error_offset, 0u);
        EXPECT_EQ(r.payload.code, code);
    }
}

TEST(CloseValidity, MaySend) {
    // §7.4.1: 1010 is a client-only code.
    EXPECT_TRUE(may_send_close_code(1010, false));
    EXPECT_FALSE(may_send_close_code(1010, true));
    EXPECT_TRUE(may_send_close_code(1000, true));
    EXPECT_TRUE(may_send_close_code(1011, true));
    EXPECT_TRUE(may_send_close_code(4000, true));
    EXPECT_TRUE(may_send_close_code(1012, false));
    // Never on the wire, whoever sends.
    for (std::uint16_t code : {1005, 1006, 1015, 1004, 999, 5000}) {
        EXPECT_FALSE(may_send_close_code(code, false)) << code;
        EXPECT_FALSE(may_send_close_code(code, true)) << code;
    }
}

TEST(CloseName, EveryNamedCode) {
    const std::pair<std::uint16_t, std::string_view> names[] = {
        {1000, "normal"},
        {1001, "going_away"},
        {1002, "protocol_error"},
        {1003, "unsupported_data"},
        {1004, "reserved"},
        {1005, "no_status_received"},
        {1006, "abnormal_closure"},
        {1007, "invalid_payload"},
        {1008, "policy_violation"},
        {1009, "message_too_big"},
        {1010, "mandatory_extension"},
        {1011, "internal_error"},
        {1012, "service_restart"},
        {1013, "try_again_later"},
        {1014, "bad_gateway"},
        {1015, "tls_handshake"},
    };
    for (const auto& [code, name] : names)
        EXPECT_EQ(close_code_name(code), name) << code;
    for (std::uint16_t code : {0, 999, 1016, 3000, 4000, 65535})
        EXPECT_EQ(close_code_name(code), "") << code;
}

TEST(CloseParse, Empty) {
    const auto r = parse_close_payload({});
    EXPECT_EQ(r.error, codec_error::none);
    EXPECT_FALSE(r.payload.has_code);
    EXPECT_EQ(r.payload.code, 0);
    EXPECT_TRUE(r.payload.reason.empty());
}

TEST(CloseParse, OneByte) {
    // §5.5.1: a body must start with a 2-byte code.
    const auto payload = bytes({0x03});
    const auto r = parse_close_payload(payload);
    EXPECT_EQ(r.error, codec_error::close_payload_size_1);
    EXPECT_EQ(r.error_offset, 0u);
    EXPECT_FALSE(r.payload.has_code);
}

TEST(CloseParse, CodeOnlyIsBigEndian) {
    const auto payload = bytes({0x03, 0xE9}); // 1001
    const auto r = parse_close_payload(payload);
    EXPECT_EQ(r.error, codec_error::none);
    EXPECT_TRUE(r.payload.has_code);
    EXPECT_EQ(r.payload.code, 1001);
    EXPECT_EQ(r.payload.reason, "");
}

TEST(CloseParse, CodeAndReason) {
    const auto payload = with_code(4321, "bye \xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5");
    const auto r = parse_close_payload(payload);
    EXPECT_EQ(r.error, codec_error::none);
    EXPECT_EQ(r.payload.code, 4321);
    EXPECT_EQ(r.payload.reason, "bye \xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5");
    // A view into the payload, not a copy.
    EXPECT_EQ(static_cast<const void*>(r.payload.reason.data()),
              static_cast<const void*>(payload.data() + 2));
}

TEST(CloseParse, InvalidCodeIsReportedBeforeReason) {
    const auto payload = with_code(1005, bytes({0xFF}));
    const auto r = parse_close_payload(payload);
    EXPECT_EQ(r.error, codec_error::invalid_close_code);
    EXPECT_EQ(r.error_offset, 0u);
}

TEST(CloseParse, Autobahn7_5_1InvalidUtf8Reason) {
    // "κόσμε" then ED A0 80 (a UTF-16 surrogate, U+D800) then "edited": the A0 at reason
    // offset 12 is the first byte that cannot continue ED.
    const auto payload = with_code(1000, from_hex("cebae1bdb9cf83cebcceb5eda080656469746564"));
    ASSERT_EQ(payload.size(), 22u);
    const auto r = parse_close_payload(payload);
    EXPECT_EQ(r.error, codec_error::invalid_close_reason_utf8);
    EXPECT_EQ(r.error_offset, 14u);
    EXPECT_EQ(r.payload.code, 1000);
}

TEST(CloseParse, InvalidUtf8AtReasonStart) {
    const auto payload = with_code(1000, bytes({0x80, 'a'}));
    const auto r = parse_close_payload(payload);
    EXPECT_EQ(r.error, codec_error::invalid_close_reason_utf8);
    EXPECT_EQ(r.error_offset, 2u);
}

TEST(CloseParse, TruncatedCodePointAtEndIsInvalid) {
    // The reason ends inside "κ" (CE BA): a close frame is a whole message, so incomplete
    // means invalid.
    const auto payload = with_code(1000, bytes({'a', 'b', 0xCE}));
    const auto r = parse_close_payload(payload);
    EXPECT_EQ(r.error, codec_error::invalid_close_reason_utf8);
    // utf8_validator::finish() points where the missing continuation byte should have been.
    EXPECT_EQ(r.error_offset, 5u);
}

TEST(CloseParse, MaximumControlPayload) {
    // §5.5: 125 bytes, i.e. a 123-byte reason.
    const auto payload = with_code(1000, std::string(123, 'x'));
    ASSERT_EQ(payload.size(), 125u);
    const auto r = parse_close_payload(payload);
    EXPECT_EQ(r.error, codec_error::none);
    EXPECT_EQ(r.payload.code, 1000);
    EXPECT_EQ(r.payload.reason.size(), 123u);
}

TEST(CloseWrite, RoundTrip) {
    std::array<std::uint8_t, 125> out{};
    const std::size_t n = write_close_payload(1001, "going \xce\xba", out);
    ASSERT_EQ(n, 10u);
    EXPECT_EQ(out[0], 0x03);
    EXPECT_EQ(out[1], 0xE9);
    const auto r = parse_close_payload(std::span<const std::uint8_t>(out.data(), n));
    EXPECT_EQ(r.error, codec_error::none);
    EXPECT_EQ(r.payload.code, 1001);
    EXPECT_EQ(r.payload.reason, "going \xce\xba");
}

TEST(CloseWrite, WritesInvalidCodesAsGiven) {
    std::array<std::uint8_t, 4> out{};
    EXPECT_EQ(write_close_payload(65535, "", out), 2u);
    EXPECT_EQ(out[0], 0xFF);
    EXPECT_EQ(out[1], 0xFF);
}

TEST(CloseWrite, TruncatesAt125) {
    std::array<std::uint8_t, 200> out{};
    const std::string reason(300, 'r');
    EXPECT_EQ(write_close_payload(1000, reason, out), 125u);
    EXPECT_EQ(out[124], 'r');
    EXPECT_EQ(out[125], 0); // untouched
}

TEST(CloseWrite, TruncatesToOutputSize) {
    std::array<std::uint8_t, 10> out{};
    EXPECT_EQ(write_close_payload(1000, "0123456789abcdef", out), 10u);
    EXPECT_EQ(std::string(out.begin() + 2, out.end()), "01234567");
    std::array<std::uint8_t, 1> tiny{};
    EXPECT_EQ(write_close_payload(1000, "x", tiny), 0u);
}

TEST(CloseWrite, TruncatesAtUtf8Boundary) {
    // 122 ASCII bytes then "κ" (CE BA): the cut at 123 would split it, so it is dropped.
    std::array<std::uint8_t, 200> out{};
    const std::string two_byte = std::string(122, 'a') + "\xce\xba";
    EXPECT_EQ(write_close_payload(1000, two_byte, out), 124u);
    // 121 ASCII then a 4-byte character (F0 9F 98 80) of which only two bytes fit: both go.
    const std::string four_byte = std::string(121, 'a') + "\xf0\x9f\x98\x80" + "zz";
    EXPECT_EQ(write_close_payload(1000, four_byte, out), 123u);
    auto r = parse_close_payload(std::span<const std::uint8_t>(out.data(), 123));
    EXPECT_EQ(r.error, codec_error::none);
    // A character ending exactly at the limit is kept.
    const std::string exact = std::string(121, 'a') + "\xce\xba" + "tail";
    EXPECT_EQ(write_close_payload(1000, exact, out), 125u);
    EXPECT_EQ(out[123], 0xCE);
    EXPECT_EQ(out[124], 0xBA);
}

TEST(CloseWrite, InvalidReasonIsCutBytewise) {
    // An invalid reason is the harness lying on purpose: no backing up.
    std::array<std::uint8_t, 200> out{};
    const std::string reason = std::string(122, 'a') + "\xce\xba" + "\xff";
    EXPECT_EQ(write_close_payload(1000, reason, out), 125u);
    EXPECT_EQ(out[124], 0xCE);
}

} // namespace
} // namespace wsspec
