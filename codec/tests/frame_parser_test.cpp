// frame_parser: RFC 6455 §5.7 examples and one vector per header rule, each run whole, byte by
// byte, at every split point and in random chunkings; every run must give the same transcript.
#include "codec/frame_parser.hpp"

#include <gtest/gtest.h>

#include "codec/tests/test_util.hpp"

namespace wsspec {
namespace {

using test::hex;
using test::unhex;

// "F text fin=1 rsv=0 mask=1 len=5 48656c6c6f;" per frame, "E name@offset;" on error.
std::string run_frames(const parser_options& opt, std::vector<std::uint8_t> input,
                       const std::vector<std::size_t>& chunks) {
    frame_parser p(opt);
    std::string out, payload;
    std::size_t pos = 0;
    auto flush_frame = [&] {
        const auto& h = p.header();
        out += "F " + std::string(to_string(h.op)) + " fin=" + std::to_string(h.fin) +
               " rsv=" + std::to_string(h.rsv()) + " mask=" + std::to_string(h.masked) +
               " len=" + std::to_string(h.payload_length) + " " + payload + ";";
        payload.clear();
    };
    for (std::size_t c : chunks) {
        std::span<std::uint8_t> in(input.data() + pos, c);
        pos += c;
        for (;;) {
            auto r = p.feed(in);
            EXPECT_LE(r.consumed, in.size());
            in = in.subspan(r.consumed);
            if (r.status == parse_status::need_more) {
                EXPECT_TRUE(in.empty()) << "need_more must consume everything";
                break;
            }
            if (r.status == parse_status::error) {
                out += "E " + std::string(name(r.error)) + "@" + std::to_string(p.error_offset()) +
                       ";";
                // Sticky: feeding again reports the same error and consumes nothing.
                auto again = p.feed(in);
                EXPECT_EQ(again.status, parse_status::error);
                EXPECT_EQ(again.error, r.error);
                EXPECT_EQ(again.consumed, 0u);
                return out;
            }
            if (r.status == parse_status::payload) payload += hex(r.payload);
            if (r.frame_complete) flush_frame();
        }
    }
    if (p.remaining() || p.offset() != input.size()) out += "partial;";
    return out;
}

struct frame_vector {
    const char* name;
    role local_role;
    const char* input_hex;
    const char* expected;
    std::uint64_t max_frame = std::uint64_t{1} << 62;
};

const frame_vector vectors[] = {
    // RFC 6455 §5.7 examples.
    {"rfc_single_unmasked_text", role::client, "81 05 48656c6c6f",
     "F text fin=1 rsv=0 mask=0 len=5 48656c6c6f;"},
    {"rfc_single_masked_text", role::server, "81 85 37fa213d 7f9f4d5158",
     "F text fin=1 rsv=0 mask=1 len=5 48656c6c6f;"},
    {"rfc_fragmented_unmasked_text", role::client, "01 03 48656c 80 02 6c6f",
     "F text fin=0 rsv=0 mask=0 len=3 48656c;F continuation fin=1 rsv=0 mask=0 len=2 6c6f;"},
    {"rfc_unmasked_ping", role::client, "89 05 48656c6c6f",
     "F ping fin=1 rsv=0 mask=0 len=5 48656c6c6f;"},
    {"rfc_masked_pong", role::server, "8a 85 37fa213d 7f9f4d5158",
     "F pong fin=1 rsv=0 mask=1 len=5 48656c6c6f;"},
    {"empty_frames", role::client, "81 00 82 00 89 00 8a 00 88 00",
     "F text fin=1 rsv=0 mask=0 len=0 ;F binary fin=1 rsv=0 mask=0 len=0 ;F ping fin=1 rsv=0 "
     "mask=0 len=0 ;"
     "F pong fin=1 rsv=0 mask=0 len=0 ;F close fin=1 rsv=0 mask=0 len=0 ;"},
    {"masked_empty", role::server, "81 80 01020304", "F text fin=1 rsv=0 mask=1 len=0 ;"},
    // One vector per rule, with the stream position of the offending byte.
    {"rsv1_without_extension", role::client, "c1 00", "E reserved_bits_set@0;"},
    {"rsv3_on_second_frame", role::client, "81 01 41 91 00",
     "F text fin=1 rsv=0 mask=0 len=1 41;E reserved_bits_set@3;"},
    {"reserved_opcode_3", role::client, "83 00", "E reserved_opcode@0;"},
    {"reserved_opcode_f", role::client, "8f 00", "E reserved_opcode@0;"},
    {"fragmented_ping", role::client, "09 00", "E control_frame_fragmented@0;"},
    {"ping_126_bytes", role::client, "89 7e 007e", "E control_payload_too_long@1;"},
    {"close_127_form", role::client, "88 7f 0000000000000001", "E control_payload_too_long@1;"},
    {"non_minimal_16", role::client, "82 7e 0005 0102030405", "E non_minimal_length@2;"},
    {"non_minimal_64_short", role::client, "82 7f 0000000000000005 0102030405",
     "E non_minimal_length@2;"},
    {"non_minimal_64_for_65535", role::client, "82 7f 000000000000ffff", "E non_minimal_length@2;"},
    {"length_msb_set", role::client, "82 7f 8000000000000000", "E length_msb_set@2;"},
    {"masked_server_frame", role::client, "81 85 37fa213d 7f9f4d5158", "E masked_server_frame@1;"},
    {"unmasked_client_frame", role::server, "81 05 48656c6c6f", "E unmasked_client_frame@1;"},
    {"frame_too_large_7bit", role::client, "82 05 0102030405", "E frame_too_large@1;", 4},
    {"frame_too_large_16bit", role::client, "82 7e 0100", "E frame_too_large@2;", 255},
    {"header_after_payload_split", role::server, "82 82 00000000 0102 09 80",
     "F binary fin=1 rsv=0 mask=1 len=2 0102;E control_frame_fragmented@8;"},
};

std::vector<std::uint8_t> input_of(const frame_vector& v) {
    return unhex(v.input_hex);
}

// Calls check(vector, options, input, chunking) for every vector at every split point.
template <class Check>
void at_every_split(Check&& check) {
    for (const auto& v : vectors) {
        parser_options opt;
        opt.local_role = v.local_role;
        opt.max_frame_payload = v.max_frame;
        auto input = input_of(v);
        for (const auto& c : test::chunkings(input.size()))
            check(v, opt, input, c);
    }
}

TEST(FrameParser, VectorsAgreeAtEverySplit) {
    at_every_split([](const frame_vector& v, const parser_options& opt,
                      std::vector<std::uint8_t>& input, const auto& c) {
        EXPECT_EQ(run_frames(opt, input, c), v.expected)
            << v.name << " chunking " << test::describe_chunking(c);
    });
}

TEST(FrameParser, LengthBoundaries) {
    // §5.2: 0-125 in 7 bits, 126-65535 in 16 bits, more in 64 bits.
    for (std::size_t len : {0u, 1u, 125u, 126u, 127u, 65535u, 65536u, 70000u}) {
        std::vector<std::uint8_t> in{0x82};
        if (len < 126) {
            in.push_back(static_cast<std::uint8_t>(len));
        } else if (len <= 0xFFFF) {
            in.insert(in.end(),
                      {126, static_cast<std::uint8_t>(len >> 8), static_cast<std::uint8_t>(len)});
        } else {
            in.push_back(127);
            for (int i = 7; i >= 0; --i)
                in.push_back(static_cast<std::uint8_t>(std::uint64_t{len} >> (8 * i)));
        }
        std::string payload;
        for (std::size_t i = 0; i < len; ++i)
            in.push_back(static_cast<std::uint8_t>(i * 7));
        payload = hex(in.data() + (in.size() - len), len);
        std::string expected =
            "F binary fin=1 rsv=0 mask=0 len=" + std::to_string(len) + " " + payload + ";";
        parser_options opt;
        opt.local_role = role::client;
        auto runs =
            len <= 300
                ? test::chunkings(in.size(), 2)
                : std::vector<std::vector<std::size_t>>{
                      {in.size()}, std::vector<std::size_t>(in.size(), 1), {3, in.size() - 3}};
        for (const auto& c : runs)
            EXPECT_EQ(run_frames(opt, in, c), expected) << len << " " << test::describe_chunking(c);
    }
}

TEST(FrameParser, ZeroCopyPayloadPointsIntoInput) {
    auto in = unhex("81 85 37fa213d 7f9f4d5158");
    frame_parser p;
    auto r = p.feed(in);
    ASSERT_EQ(r.status, parse_status::header);
    auto rest = std::span<std::uint8_t>(in).subspan(r.consumed);
    r = p.feed(rest);
    ASSERT_EQ(r.status, parse_status::payload);
    EXPECT_EQ(r.payload.data(), in.data() + 6); // unmasked in place, no copy
    EXPECT_EQ(hex(in.data() + 6, 5), "48656c6c6f");
}

TEST(FrameParser, SplitControlPayloadIsDeliveredWhole) {
    auto in = unhex("89 05 48656c6c6f");
    frame_parser p({role::client});
    std::span<std::uint8_t> all(in);
    auto r = p.feed(all.first(4));
    EXPECT_EQ(r.status, parse_status::header);
    r = p.feed(all.subspan(2, 2));
    EXPECT_EQ(r.status, parse_status::need_more);
    r = p.feed(all.subspan(4));
    ASSERT_EQ(r.status, parse_status::payload);
    EXPECT_EQ(hex(r.payload), "48656c6c6f");
    EXPECT_TRUE(r.frame_complete);
}

TEST(FrameParser, LeniencySkipsExactlyTheNamedRule) {
    parser_options opt;
    opt.local_role = role::client;
    opt.lenient = lenient(codec_error::reserved_bits_set);
    auto in = unhex("c1 01 41");
    EXPECT_EQ(run_frames(opt, in, {in.size()}), "F text fin=1 rsv=4 mask=0 len=1 41;");
    opt.lenient = lenient(codec_error::reserved_opcode);
    EXPECT_EQ(run_frames(opt, in, {in.size()}), "E reserved_bits_set@0;");
    opt.lenient = lenient(codec_error::masked_server_frame);
    in = unhex("81 85 37fa213d 7f9f4d5158");
    EXPECT_EQ(run_frames(opt, in, {in.size()}), "F text fin=1 rsv=0 mask=1 len=5 48656c6c6f;");
    // A 64-bit length with its top bit set is read, leniently, as its 63 low bits (the
    // reference server's quirk length-msb-ignored); still not "non-minimal", as sent it is not.
    opt.lenient = lenient(codec_error::length_msb_set);
    in = unhex("82 7f 8000000000000002 4142");
    EXPECT_EQ(run_frames(opt, in, {in.size()}), "F binary fin=1 rsv=0 mask=0 len=2 4142;");
}

TEST(FrameParser, AllowedRsvForNegotiatedExtension) {
    parser_options opt;
    opt.local_role = role::client;
    opt.allowed_rsv = 4; // permessage-deflate uses RSV1 (RFC 7692 §6)
    auto in = unhex("c1 01 41 a1 00");
    EXPECT_EQ(run_frames(opt, in, {in.size()}),
              "F text fin=1 rsv=4 mask=0 len=1 41;E reserved_bits_set@3;");
}

TEST(FrameParser, EveryHeaderRuleHasAVector) {
    for (auto e : {codec_error::reserved_bits_set, codec_error::reserved_opcode,
                   codec_error::control_frame_fragmented, codec_error::control_payload_too_long,
                   codec_error::non_minimal_length, codec_error::length_msb_set,
                   codec_error::unmasked_client_frame, codec_error::masked_server_frame,
                   codec_error::frame_too_large}) {
        bool found = false;
        for (const auto& v : vectors)
            if (std::string(v.expected).find("E " + std::string(name(e)) + "@") !=
                std::string::npos)
                found = true;
        EXPECT_TRUE(found) << name(e);
    }
}

} // namespace
} // namespace wsspec

namespace wsspec {
namespace {

// A lenient parser must not gather an over-long control payload into its 125-byte buffer:
// the payload streams through in place, whatever the chunking.
TEST(FrameParser, LenientLongControlFrameStreamsSafely) {
    parser_options opt;
    opt.local_role = role::client;
    opt.lenient = lenient(codec_error::control_payload_too_long);
    std::vector<std::uint8_t> in{0x89, 126, 0x01, 0x2c}; // ping, 300 bytes
    for (int i = 0; i < 300; ++i)
        in.push_back(static_cast<std::uint8_t>(i));
    std::string expected = "F ping fin=1 rsv=0 mask=0 len=300 " + hex(in.data() + 4, 300) + ";";
    EXPECT_EQ(run_frames(opt, in, {in.size()}), expected);
    EXPECT_EQ(run_frames(opt, in, std::vector<std::size_t>(in.size(), 1)), expected);
    EXPECT_EQ(run_frames(opt, in, {10, 200, in.size() - 210}), expected);
}

} // namespace
} // namespace wsspec

namespace wsspec {
namespace {

// feed_frame() with an `admit` that accepts every frame: the same transcript as feed() for
// every vector at every split point, with a frame that lies whole in a chunk taken in one
// call. Each header is put to `admit` exactly once.
std::string run_whole_frames(const parser_options& opt, std::vector<std::uint8_t> input,
                             const std::vector<std::size_t>& chunks, std::size_t& admitted) {
    frame_parser p(opt);
    std::string out, payload;
    std::size_t pos = 0;
    admitted = 0;
    for (std::size_t c : chunks) {
        std::span<std::uint8_t> in(input.data() + pos, c);
        pos += c;
        for (;;) {
            const std::uint64_t before = p.offset();
            bool asked = false;
            auto r = p.feed_frame(in, [&](const frame_header& h) {
                EXPECT_EQ(&h, &p.header());
                EXPECT_FALSE(asked) << "admit asked twice in one call";
                asked = true;
                ++admitted;
                return true;
            });
            EXPECT_LE(r.consumed, in.size());
            in = in.subspan(r.consumed);
            if (r.status == parse_status::need_more) {
                EXPECT_TRUE(in.empty());
                break;
            }
            if (r.status == parse_status::error) {
                out += "E " + std::string(name(r.error)) + "@" + std::to_string(p.error_offset()) +
                       ";";
                return out;
            }
            EXPECT_EQ(p.offset(), before + r.consumed);
            if (r.status == parse_status::payload) payload += hex(r.payload);
            if (r.frame_complete) {
                const auto& h = p.header();
                out += "F " + std::string(to_string(h.op)) + " fin=" + std::to_string(h.fin) +
                       " rsv=" + std::to_string(h.rsv()) + " mask=" + std::to_string(h.masked) +
                       " len=" + std::to_string(h.payload_length) + " " + payload + ";";
                payload.clear();
            }
        }
    }
    if (p.remaining() || p.offset() != input.size()) out += "partial;";
    return out;
}

TEST(FrameParser, FeedFrameAgreesWithFeedAtEverySplit) {
    at_every_split([](const frame_vector& v, const parser_options& opt,
                      std::vector<std::uint8_t>& input, const auto& c) {
        std::size_t admitted = 0;
        EXPECT_EQ(run_whole_frames(opt, input, c, admitted), v.expected)
            << v.name << " chunking " << test::describe_chunking(c);
        // Every header decoded was put to admit once: one per frame reported, plus none
        // for a frame whose header broke a rule.
        std::size_t frames = 0;
        for (const char* s = v.expected; *s; ++s)
            frames += *s == 'F';
        EXPECT_EQ(admitted, frames) << v.name << " chunking " << test::describe_chunking(c);
    });
}

TEST(FrameParser, FeedFrameTakesAWholeFrameInOneCall) {
    auto in = unhex("82 85 37fa213d 7f9f4d5158 81 80 01020304");
    frame_parser p;
    auto r = p.feed_frame(in, [](const frame_header&) { return true; });
    ASSERT_EQ(r.status, parse_status::payload);
    EXPECT_EQ(r.consumed, 11u);
    EXPECT_TRUE(r.frame_complete);
    EXPECT_EQ(r.payload.data(), in.data() + 6); // unmasked in place
    EXPECT_EQ(hex(r.payload), "48656c6c6f");
    EXPECT_EQ(p.header().op, opcode::binary);
    EXPECT_EQ(p.offset(), 11u);
    // An empty frame is its header event, complete.
    r = p.feed_frame(std::span<std::uint8_t>(in).subspan(11),
                     [](const frame_header&) { return true; });
    EXPECT_EQ(r.status, parse_status::header);
    EXPECT_EQ(r.consumed, 6u);
    EXPECT_TRUE(r.frame_complete);
}

TEST(FrameParser, FeedFrameRefusedLeavesThePayloadUntouched) {
    auto in = unhex("82 85 37fa213d 7f9f4d5158");
    const auto original = in;
    frame_parser p;
    auto r = p.feed_frame(in, [](const frame_header& h) { return h.op != opcode::binary; });
    ASSERT_EQ(r.status, parse_status::header); // as feed() reports it
    EXPECT_EQ(r.consumed, 6u);
    EXPECT_FALSE(r.frame_complete);
    EXPECT_EQ(p.remaining(), 5u);
    EXPECT_EQ(p.offset(), 6u);
    EXPECT_EQ(in, original); // still masked: no payload byte was touched
}

TEST(FrameParser, FeedFrameAdmitsNothingThatBreaksAFrameRule) {
    auto in = unhex("81 05 48656c6c6f"); // unmasked, in the server role
    frame_parser p;
    bool asked = false;
    auto r = p.feed_frame(in, [&](const frame_header&) { return asked = true; });
    EXPECT_EQ(r.status, parse_status::error);
    EXPECT_EQ(r.error, codec_error::unmasked_client_frame);
    EXPECT_FALSE(asked);
}

} // namespace
} // namespace wsspec
