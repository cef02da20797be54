// Encoders: the strict one refuses what RFC 6455 §5 forbids; the lying one writes anything,
// and the parser names each lie. Round trips through the parser must be identity.
#include "codec/frame_encoder.hpp"

#include <gtest/gtest.h>

#include <random>

#include "codec/frame_parser.hpp"
#include "codec/tests/test_util.hpp"

namespace wsspec {
namespace {

using test::hex;
using test::unhex;

std::vector<std::uint8_t> bytes(std::string_view s) {
    return {s.begin(), s.end()};
}

TEST(FrameEncoder, RfcExamples) {
    std::vector<std::uint8_t> out(64);
    auto hello = bytes("Hello");
    auto r = encode_frame({opcode::text, true, 0, std::nullopt}, hello, out);
    ASSERT_EQ(r.error, codec_error::none);
    EXPECT_EQ(hex(out.data(), r.size), "810548656c6c6f");
    r = encode_frame({opcode::text, true, 0, mask_key{0x37, 0xfa, 0x21, 0x3d}}, hello, out);
    EXPECT_EQ(hex(out.data(), r.size), "818537fa213d7f9f4d5158");
    r = encode_frame({opcode::pong, true, 0, mask_key{0x37, 0xfa, 0x21, 0x3d}}, hello, out);
    EXPECT_EQ(hex(out.data(), r.size), "8a8537fa213d7f9f4d5158");
    std::vector<std::uint8_t> p256(256, 0xab), big(65536 + 10);
    r = encode_frame({opcode::binary, true, 0, std::nullopt}, p256, big);
    EXPECT_EQ(hex(big.data(), 4), "827e0100");
    std::vector<std::uint8_t> p64k(65536, 1);
    std::vector<std::uint8_t> out64(70000);
    r = encode_frame({opcode::binary, true, 0, std::nullopt}, p64k, out64);
    EXPECT_EQ(hex(out64.data(), 10), "827f0000000000010000");
    EXPECT_EQ(r.size, 65546u);
}

TEST(FrameEncoder, StrictRefusesWhatTheRfcForbids) {
    std::vector<std::uint8_t> out(300), p126(126);
    EXPECT_EQ(encode_frame({.op = opcode::rsv3}, {}, out).error, codec_error::reserved_opcode);
    EXPECT_EQ(encode_frame({.op = opcode::crsvb}, {}, out).error, codec_error::reserved_opcode);
    EXPECT_EQ(encode_frame({.op = opcode::text, .rsv = 4}, {}, out).error,
              codec_error::reserved_bits_set);
    EXPECT_EQ(encode_frame({.op = opcode::text, .rsv = 4}, {}, out, 4).error, codec_error::none);
    EXPECT_EQ(encode_frame({.op = opcode::ping, .fin = false}, {}, out).error,
              codec_error::control_frame_fragmented);
    EXPECT_EQ(encode_frame({.op = opcode::ping}, p126, out).error,
              codec_error::control_payload_too_long);
    std::vector<std::uint8_t> small(3);
    EXPECT_EQ(encode_frame({.op = opcode::text}, bytes("Hello"), small).error,
              codec_error::frame_too_large);
}

codec_error parse_error_of(std::vector<std::uint8_t> wire, role r = role::server) {
    frame_parser p({r});
    std::span<std::uint8_t> in(wire);
    while (!in.empty()) {
        auto res = p.feed(in);
        if (res.status == parse_status::error) return res.error;
        if (res.status == parse_status::need_more) break;
        in = in.subspan(res.consumed);
    }
    return codec_error::none;
}

TEST(FrameEncoder, LyingEncoderWritesEachLie) {
    mask_key key{1, 2, 3, 4};
    auto payload = bytes("abc");
    std::vector<std::uint8_t> out;
    write_frame(out, {0x1, true, 0, key, length_encoding::force_16}, payload);
    EXPECT_EQ(hex(out.data(), 4), "81fe0003");
    EXPECT_EQ(parse_error_of(out), codec_error::non_minimal_length);
    out.clear();
    write_frame(out, {0x2, true, 0, key, length_encoding::force_64}, payload);
    EXPECT_EQ(hex(out.data(), 10), "82ff0000000000000003");
    EXPECT_EQ(parse_error_of(out), codec_error::non_minimal_length);
    out.clear();
    write_frame(out, {0x2, true, 0, key, length_encoding::minimal, std::uint64_t{1} << 63}, {});
    EXPECT_EQ(hex(out), "82ff800000000000000001020304");
    EXPECT_EQ(parse_error_of(out), codec_error::length_msb_set);
    out.clear();
    write_frame(out, {0x3, true, 0, key}, {});
    EXPECT_EQ(parse_error_of(out), codec_error::reserved_opcode);
    out.clear();
    write_frame(out, {0x1, true, 7, key}, {});
    EXPECT_EQ(out[0], 0xf1);
    EXPECT_EQ(parse_error_of(out), codec_error::reserved_bits_set);
    out.clear();
    write_frame(out, {0x9, false, 0, key}, {});
    EXPECT_EQ(parse_error_of(out), codec_error::control_frame_fragmented);
    out.clear();
    write_frame(out, {0x1, true, 0, std::nullopt}, payload);
    EXPECT_EQ(hex(out), "8103616263");
    EXPECT_EQ(parse_error_of(out), codec_error::unmasked_client_frame);
    out.clear();
    // Declared 10, only 3 sent: the header says so and the payload is what was given.
    write_frame(out, {0x2, true, 0, std::nullopt, length_encoding::minimal, 10}, payload);
    EXPECT_EQ(hex(out), "820a616263");
    out.clear();
    write_frame(out, {0x9, true, 0, key, length_encoding::force_16},
                std::vector<std::uint8_t>(126, 0xfe));
    EXPECT_EQ(parse_error_of(out), codec_error::control_payload_too_long);
}

TEST(FrameEncoder, RoundTripThroughParserIsIdentity) {
    std::mt19937 rng(7);
    for (int i = 0; i < 500; ++i) {
        std::size_t len =
            std::uniform_int_distribution<std::size_t>(0, i % 50 == 0 ? 70000 : 300)(rng);
        std::vector<std::uint8_t> payload(len);
        for (auto& b : payload)
            b = static_cast<std::uint8_t>(rng());
        bool masked = rng() & 1;
        opcode op = (rng() & 1) ? opcode::binary : opcode::cont;
        frame_options f{op, static_cast<bool>(rng() & 1), 0, std::nullopt};
        if (masked)
            f.mask =
                mask_key{static_cast<std::uint8_t>(rng()), 2, 3, static_cast<std::uint8_t>(rng())};
        std::vector<std::uint8_t> wire(encoded_size(len, masked));
        ASSERT_EQ(encode_frame(f, payload, wire).size, wire.size());
        frame_parser p({masked ? role::server : role::client});
        std::vector<std::uint8_t> got;
        std::span<std::uint8_t> in(wire);
        std::size_t chunk = 1 + rng() % 97;
        bool done = false;
        while (!done && !in.empty()) {
            auto piece = in.first(std::min(chunk, in.size()));
            auto r = p.feed(piece);
            ASSERT_NE(r.status, parse_status::error) << name(r.error);
            if (r.status == parse_status::payload)
                got.insert(got.end(), r.payload.begin(), r.payload.end());
            done = r.frame_complete;
            in = in.subspan(r.consumed);
        }
        EXPECT_TRUE(done);
        EXPECT_EQ(p.header().op, op);
        EXPECT_EQ(p.header().fin, f.fin);
        EXPECT_EQ(p.header().payload_length, len);
        EXPECT_EQ(got, payload);
    }
}

} // namespace
} // namespace wsspec
