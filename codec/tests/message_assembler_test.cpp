// message_assembler: fragmentation (§5.4), control frames between fragments, UTF-8 across
// fragments failing at the first bad byte (§8.1), close payloads (§5.5.1, §7.4) and limits.
#include "codec/message_assembler.hpp"

#include <gtest/gtest.h>

#include <random>

#include "codec/tests/test_util.hpp"

namespace wsspec {
namespace {

using test::hex;
using test::unhex;

// "M text <hex>;" per message ("Z text <hex>;" for a compressed one, RFC 7692), "C ping <hex>;" /
// "C close 1000 <reason hex>;" per control, "E name@offset;" on error.
// With `copy`, each chunk stays where it is (the read buffer) and feed_copy() copies it into a
// scratch buffer as it goes.
std::string run_messages(const assembler_options& opt, std::vector<std::uint8_t> input,
                         const std::vector<std::size_t>& chunks, bool copy = false) {
    message_assembler a(opt);
    std::string out, message;
    std::size_t pos = 0;
    const std::vector<std::uint8_t> pristine = input;
    std::vector<std::uint8_t> scratch(input.size());
    for (std::size_t c : chunks) {
        std::span<std::uint8_t> in(input.data() + pos, c);
        std::span<const std::uint8_t> src(pristine.data() + pos, c);
        std::span<std::uint8_t> dst(scratch.data(), c);
        pos += c;
        for (;;) {
            auto r = copy ? a.feed_copy(src, dst) : a.feed(in);
            EXPECT_LE(r.consumed, in.size());
            in = in.subspan(r.consumed);
            src = src.subspan(r.consumed);
            dst = dst.subspan(r.consumed);
            if (r.status == message_status::need_more) {
                EXPECT_TRUE(in.empty());
                break;
            }
            if (r.status == message_status::error) {
                out += "E " + std::string(name(r.error)) + "@" + std::to_string(a.error_offset()) +
                       ";";
                auto again = a.feed(in);
                EXPECT_EQ(again.status, message_status::error);
                EXPECT_EQ(again.consumed, 0u);
                return out;
            }
            if (r.status == message_status::control) {
                out += "C " + std::string(to_string(r.op));
                if (r.op == opcode::close)
                    out += r.close.has_code
                               ? " " + std::to_string(r.close.code) + " " + hex(r.close.reason)
                               : " -";
                else
                    out += " " + hex(r.payload);
                out += ";";
                continue;
            }
            message += hex(r.payload);
            if (r.message_end) {
                out += (r.compressed ? "Z " : "M ") + std::string(to_string(r.op)) + " " + message +
                       ";";
                message.clear();
            }
        }
    }
    return out;
}

struct message_vector {
    const char* name;
    const char* input_hex; // server frames, unmasked (the assembler runs in the client role)
    const char* expected;
    std::uint64_t max_message = std::uint64_t{1} << 62;
    bool deflate = false; // permessage-deflate negotiated
};

const message_vector vectors[] = {
    {"single_text", "81 05 48656c6c6f", "M text 48656c6c6f;"},
    {"rfc_fragmented_text", "01 03 48656c 80 02 6c6f", "M text 48656c6c6f;"},
    {"binary_in_three", "02 01 01 00 01 02 80 01 03", "M binary 010203;"},
    {"empty_fragments", "01 00 00 00 80 00", "M text ;"},
    {"ping_between_fragments", "01 03 48656c 89 02 6869 80 02 6c6f",
     "C ping 6869;M text 48656c6c6f;"},
    {"pong_between_fragments", "02 01 aa 8a 00 80 01 bb", "C pong ;M binary aabb;"},
    {"code_point_split_across_frames", "01 01 ce 00 01 ba 80 00", "M text ceba;"},
    {"close_empty", "88 00", "C close -;"},
    {"close_code_and_reason", "88 04 03e8 6f6b", "C close 1000 6f6b;"},
    {"close_private_code", "88 02 1388", "E invalid_close_code@2;"},
    {"close_4999", "88 02 1387", "C close 4999 ;"},
    // One vector per message-level rule.
    {"invalid_utf8_in_frame", "81 04 4142ff43", "E invalid_utf8@4;"},
    {"invalid_utf8_second_fragment", "01 02 ceba 80 03 e1bdff", "E invalid_utf8@8;"},
    {"invalid_utf8_fails_before_fin", "01 02 ceba 00 04 f4908080 80 00", "E invalid_utf8@7;"},
    {"truncated_code_point_at_message_end", "81 01 ce", "E invalid_utf8@3;"},
    {"truncated_code_point_across_final_frame", "01 01 ce 80 00", "E invalid_utf8@5;"},
    {"binary_is_not_utf8_checked", "82 02 ffff", "M binary ffff;"},
    {"continuation_without_message", "80 01 41", "E unexpected_continuation@0;"},
    {"text_inside_fragmented_message", "01 01 41 81 01 42", "E expected_continuation@3;"},
    {"binary_inside_fragmented_message", "01 01 41 02 01 42", "E expected_continuation@3;"},
    {"close_1_byte", "88 01 03", "E close_payload_size_1@2;"},
    {"close_code_999", "88 02 03e7", "E invalid_close_code@2;"},
    {"close_code_1005", "88 02 03ed", "E invalid_close_code@2;"},
    {"close_reason_invalid_utf8", "88 05 03e8 41ff42", "E invalid_close_reason_utf8@5;"},
    {"frame_after_close", "88 02 03e8 81 00", "C close 1000 ;E frame_after_close@4;"},
    {"message_too_large", "01 03 414243 80 02 4445", "E message_too_large@5;", 4},
    {"message_at_limit", "01 03 414243 80 01 44", "M text 41424344;", 4},
    {"frame_errors_pass_through", "81 01 41 83 00", "M text 41;E reserved_opcode@3;"},
    // permessage-deflate (RFC 7692 §6): RSV1 on a message's first frame marks it compressed;
    // its bytes pass through for the caller to inflate (and to check the UTF-8 of the result).
    {"rsv1_without_deflate", "c1 01 41", "E reserved_bits_set@0;"},
    {"compressed_text", "c1 07 f248cdc9c90700", "Z text f248cdc9c90700;", ~0ull, true},
    {"compressed_fragmented", "41 03 f248cd 80 04 c9c90700", "Z text f248cdc9c90700;", ~0ull, true},
    {"compressed_text_not_utf8_checked", "c1 02 ffff", "Z text ffff;", ~0ull, true},
    {"uncompressed_text_still_checked", "81 01 ff", "E invalid_utf8@2;", ~0ull, true},
    {"uncompressed_after_compressed", "c1 01 00 81 01 41", "Z text 00;M text 41;", ~0ull, true},
    {"ping_between_compressed_fragments", "41 03 f248cd 89 00 80 04 c9c90700",
     "C ping ;Z text f248cdc9c90700;", ~0ull, true},
    {"compressed_continuation", "41 03 f248cd c0 04 c9c90700", "E compressed_continuation@5;",
     ~0ull, true},
    {"compressed_ping", "c9 00", "E compressed_control_frame@0;", ~0ull, true},
    {"compressed_close", "c8 02 03e8", "E compressed_control_frame@0;", ~0ull, true},
};

TEST(MessageAssembler, VectorsAgreeAtEverySplit) {
    for (const auto& v : vectors) {
        assembler_options opt;
        opt.frame.local_role = role::client;
        opt.max_message_size = v.max_message;
        opt.per_message_deflate = v.deflate;
        auto input = unhex(v.input_hex);
        for (const auto& c : test::chunkings(input.size())) {
            EXPECT_EQ(run_messages(opt, input, c), v.expected)
                << v.name << " chunking " << test::describe_chunking(c);
            EXPECT_EQ(run_messages(opt, input, c, true), v.expected)
                << v.name << " (feed_copy) chunking " << test::describe_chunking(c);
        }
    }
}

TEST(MessageAssembler, EveryMessageRuleHasAVector) {
    for (auto e : {codec_error::invalid_utf8, codec_error::unexpected_continuation,
                   codec_error::expected_continuation, codec_error::close_payload_size_1,
                   codec_error::invalid_close_code, codec_error::invalid_close_reason_utf8,
                   codec_error::frame_after_close, codec_error::message_too_large,
                   codec_error::compressed_control_frame, codec_error::compressed_continuation}) {
        bool found = false;
        for (const auto& v : vectors)
            if (std::string(v.expected).find("E " + std::string(name(e)) + "@") !=
                std::string::npos)
                found = true;
        EXPECT_TRUE(found) << name(e);
    }
}

TEST(MessageAssembler, FailsFastOnInvalidUtf8WithinOneFrame) {
    // Autobahn 6.4.3: one frame whose payload arrives in pieces; the first piece is valid, the
    // second carries U+110000. The error must come with the second piece, not at frame end.
    auto in = unhex("81 15 cebae1bdb9cf83cebcceb5 f4908080 656469746564");
    assembler_options opt;
    opt.frame.local_role = role::client;
    message_assembler a(opt);
    std::span<std::uint8_t> all(in);
    auto r = a.feed(all.first(13));
    EXPECT_EQ(r.status, message_status::data);
    r = a.feed(all.subspan(13, 2));
    ASSERT_EQ(r.status, message_status::error);
    EXPECT_EQ(r.error, codec_error::invalid_utf8);
    EXPECT_EQ(a.error_offset(), 14u); // the 0x90 after f4
}

TEST(MessageAssembler, LenientUtf8PassesInvalidText) {
    assembler_options opt;
    opt.frame.local_role = role::client;
    opt.frame.lenient = lenient(codec_error::invalid_utf8);
    auto in = unhex("81 02 c0af");
    EXPECT_EQ(run_messages(opt, in, {in.size()}), "M text c0af;");
}

TEST(MessageAssembler, LenientCloseCodeStillChecksTheReason) {
    // Found by message_assembler_fuzzer (fuzz/regressions/message_assembler_fuzzer/): waiving
    // invalid_close_code used to waive the reason's UTF-8 check as well.
    assembler_options opt;
    opt.frame.local_role = role::client;
    opt.frame.lenient = lenient(codec_error::invalid_close_code);
    auto bad_reason = unhex("88 05 6e57 41ff42");
    EXPECT_EQ(run_messages(opt, bad_reason, {bad_reason.size()}), "E invalid_close_reason_utf8@5;");
    auto truncated = unhex("88 03 6e57 ce");
    EXPECT_EQ(run_messages(opt, truncated, {truncated.size()}), "E invalid_close_reason_utf8@5;");
    auto good_reason = unhex("88 04 6e57 6f6b");
    EXPECT_EQ(run_messages(opt, good_reason, {good_reason.size()}), "C close 28247 6f6b;");
}

// The one-step path (take_small_frame: a whole FIN text/binary frame, 7-bit length, between
// messages) against the general one: the same stream of small frames fed whole (the fast path
// takes each frame), at every split point and byte by byte (it takes none or some) gives the
// same transcript, in both roles, at every payload length 0..125 (every unmask_short tail),
// ASCII and not, with a frame the path must leave alone between them.
TEST(MessageAssembler, SmallFramePathAgreesWithTheGeneralPathAtEverySplit) {
    for (role r : {role::server, role::client}) {
        const bool masked = r == role::server;
        std::mt19937 rng(7);
        std::vector<std::uint8_t> stream;
        std::string expected;
        auto frame = [&](std::uint8_t b0, const std::vector<std::uint8_t>& payload) {
            stream.push_back(b0);
            stream.push_back(static_cast<std::uint8_t>((masked ? 0x80 : 0) | payload.size()));
            mask_key key{};
            if (masked)
                for (auto& k : key)
                    k = static_cast<std::uint8_t>(rng());
            if (masked) stream.insert(stream.end(), key.begin(), key.end());
            for (std::size_t i = 0; i < payload.size(); ++i)
                stream.push_back(static_cast<std::uint8_t>(payload[i] ^ (masked ? key[i % 4] : 0)));
        };
        for (std::size_t len = 0; len <= max_control_payload; len += len < 40 ? 1 : 17) {
            std::vector<std::uint8_t> ascii(len), binary(len);
            for (std::size_t i = 0; i < len; ++i) {
                ascii[i] = static_cast<std::uint8_t>('a' + rng() % 26);
                binary[i] = static_cast<std::uint8_t>(rng());
            }
            frame(0x81, ascii);
            expected += "M text " + hex(ascii) + ";";
            frame(0x82, binary);
            expected += "M binary " + hex(binary) + ";";
            if (len >= 2) { // "é" at the end: not ASCII, still valid
                ascii[len - 2] = 0xc3;
                ascii[len - 1] = 0xa9;
                frame(0x81, ascii);
                expected += "M text " + hex(ascii) + ";";
            }
            frame(0x89, {}); // a ping: not the path's
            expected += "C ping ;";
        }
        const std::vector<std::uint8_t> bad = {'o', 'k', 0xc3, 0x28};
        const std::size_t bad_at = stream.size() + (masked ? 6 : 2) + 3;
        frame(0x81, bad); // invalid UTF-8 at its fourth byte
        expected += "E invalid_utf8@" + std::to_string(bad_at) + ";";
        assembler_options opt;
        opt.frame.local_role = r;
        for (const auto& c : test::chunkings(stream.size(), 2)) {
            // Whole, byte by byte, and every fifth split point.
            if (c.size() > 2 && c.size() < stream.size()) continue;
            if (c.size() == 2 && c[0] % 5 != 0) continue;
            EXPECT_EQ(run_messages(opt, stream, c), expected)
                << (masked ? "server" : "client") << " role, chunking "
                << test::describe_chunking(c);
            EXPECT_EQ(run_messages(opt, stream, c, true), expected)
                << (masked ? "server" : "client") << " role, feed_copy, chunking "
                << test::describe_chunking(c);
        }
    }
}

// feed_copy() (unmask while copying out of the read buffer) against feed() on masked streams of
// large frames — 16- and 64-bit lengths, fragmented text with a multi-byte character split
// across reads, pings between fragments, and invalid UTF-8 deep inside a large frame — at
// every chunking: the same messages, control frames and error offsets.
TEST(MessageAssembler, FeedCopyAgreesWithFeedOnLargeMaskedFrames) {
    std::mt19937 rng(11);
    std::vector<std::uint8_t> stream;
    auto frame = [&](std::uint8_t b0, const std::vector<std::uint8_t>& payload) {
        stream.push_back(b0);
        const std::size_t n = payload.size();
        if (n < 126) {
            stream.push_back(static_cast<std::uint8_t>(0x80 | n));
        } else if (n <= 0xFFFF) {
            stream.insert(stream.end(),
                          {0xFE, static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)});
        } else {
            stream.push_back(0xFF);
            for (int i = 7; i >= 0; --i)
                stream.push_back(static_cast<std::uint8_t>(std::uint64_t{n} >> (8 * i)));
        }
        mask_key key;
        for (auto& k : key)
            k = static_cast<std::uint8_t>(rng());
        stream.insert(stream.end(), key.begin(), key.end());
        for (std::size_t i = 0; i < n; ++i)
            stream.push_back(static_cast<std::uint8_t>(payload[i] ^ key[i % 4]));
    };
    auto text = [&](std::size_t n) {
        std::vector<std::uint8_t> t(n);
        for (std::size_t i = 0; i < n; ++i)
            t[i] = i % 37 == 36 && i + 1 < n ? 0xc3 : (i % 37 == 0 && i > 0 ? 0xa9 : 'a' + i % 26);
        return t;
    };
    std::vector<std::uint8_t> big(70000);
    for (auto& b : big)
        b = static_cast<std::uint8_t>(rng());
    frame(0x82, big);                  // 64-bit length
    frame(0x01, text(300));            // text, 16-bit length, FIN clear
    frame(0x89, {'p', 'i', 'n', 'g'}); // between fragments
    frame(0x80, text(5000));
    frame(0x81, text(126));
    auto bad = text(4000);
    bad[3001] = 0xff; // invalid UTF-8 3001 bytes into the payload
    frame(0x81, bad);
    assembler_options opt; // server role
    const std::vector<std::size_t> reads = {1, 2, 7, 125, 1500, 16384};
    std::vector<std::vector<std::size_t>> chunkings = {{stream.size()}};
    for (std::size_t r : reads) {
        std::vector<std::size_t> c;
        for (std::size_t at = 0; at < stream.size(); at += r)
            c.push_back(std::min(r, stream.size() - at));
        chunkings.push_back(std::move(c));
    }
    for (const auto& c : test::chunkings(stream.size(), 3))
        if (c.size() > 2 && c.size() < 500) chunkings.push_back(c); // the random ones
    const std::string want = run_messages(opt, stream, {stream.size()});
    ASSERT_NE(want.find("E invalid_utf8@"), std::string::npos) << want.substr(0, 200);
    for (const auto& c : chunkings) {
        EXPECT_EQ(run_messages(opt, stream, c), want) << test::describe_chunking(c);
        EXPECT_EQ(run_messages(opt, stream, c, true), want)
            << "feed_copy, " << test::describe_chunking(c);
    }
}

// A small frame over the message limit is refused at its header, as the general path does.
TEST(MessageAssembler, SmallFramePathKeepsTheSizeLimits) {
    assembler_options opt;
    opt.frame.local_role = role::client;
    opt.max_message_size = 4;
    auto in = unhex("82 04 01020304 82 05 0102030405");
    for (const auto& c : test::chunkings(in.size()))
        EXPECT_EQ(run_messages(opt, in, c), "M binary 01020304;E message_too_large@6;")
            << test::describe_chunking(c);
    opt.max_message_size = 1u << 20;
    opt.frame.max_frame_payload = 2;
    EXPECT_EQ(run_messages(opt, in, {in.size()}), "E frame_too_large@1;");
}

TEST(MessageAssembler, MaskedClientStreamInServerRole) {
    assembler_options opt; // server role by default
    auto in = unhex("01 83 00000000 48656c 89 80 01020304 80 82 00000000 6c6f");
    EXPECT_EQ(run_messages(opt, in, {in.size()}), "C ping ;M text 48656c6c6f;");
}

} // namespace
} // namespace wsspec
