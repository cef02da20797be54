// Each quirk breaks the rule it names, and only with the quirk switched on (the strict behaviour
// is covered in server_echo_test.cpp).
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "harness/tests/server_test_client.hpp"

namespace wsspec::server::testing {
namespace {

constexpr std::uint8_t op_cont = 0x0, op_text = 0x1, op_binary = 0x2, op_close = 0x8, op_ping = 0x9,
                       op_pong = 0xA;

// A server with `quirks` and a client that completed the handshake.
struct quirky {
    explicit quirky(std::vector<quirk> quirks, server_options o = {}) {
        o.quirks = std::move(quirks);
        server = start_server(std::move(o));
        if (server) open = client.open(server->port());
    }
    std::unique_ptr<reference_server> server;
    test_client client; // destroyed before the server
    bool open = false;
};

std::vector<std::uint8_t> pattern(std::size_t n) {
    std::vector<std::uint8_t> v(n);
    for (std::size_t i = 0; i < n; ++i)
        v[i] = static_cast<std::uint8_t>(i);
    return v;
}

TEST(ReferenceServerQuirkTable, NamesAreUniqueAndRoundTrip) {
    std::set<std::string_view> names;
    for (const auto& qi : all_quirks()) {
        EXPECT_TRUE(names.insert(qi.name).second) << qi.name;
        EXPECT_EQ(parse_quirk(qi.name), qi.id) << qi.name;
        EXPECT_EQ(&info(qi.id), &qi);
        EXPECT_FALSE(qi.breaks.empty()) << qi.name;
    }
    EXPECT_EQ(all_quirks().size(), 61u);
    EXPECT_EQ(parse_quirk("ignore-rsv"), quirk::ignore_rsv);
    EXPECT_EQ(info(quirk::accept_unmasked).rfc_section, "5.1");
    EXPECT_EQ(info(quirk::late_pong).rfc_section, "5.5.2");
    EXPECT_TRUE(info(quirk::crash_on_ping).needs_own_process);
    EXPECT_FALSE(info(quirk::hang_on_ping).needs_own_process);
    EXPECT_EQ(parse_quirk("ignore_rsv"), std::nullopt);
    EXPECT_EQ(parse_quirk(""), std::nullopt);
}

// A quirk belongs to the peer whose rule it breaks: the client's cannot be switched on for a
// server, nor the server's handshake quirks for the client.
TEST(ReferenceServerQuirkTable, EachQuirkIsForTheServerTheClientOrBoth) {
    EXPECT_EQ(role_of(quirk::no_pong), quirk_role::both);
    EXPECT_EQ(role_of(quirk::skip_utf8), quirk_role::both);
    EXPECT_EQ(role_of(quirk::accept_unmasked), quirk_role::server);
    EXPECT_EQ(role_of(quirk::no_tcp_close), quirk_role::server);
    EXPECT_EQ(role_of(quirk::client_no_mask), quirk_role::client);
    auto for_server = parse_quirk_list("no-mask");
    ASSERT_FALSE(for_server);
    EXPECT_NE(for_server.error().message.find("breaks a rule of the client"), std::string::npos);
    auto for_client = parse_quirk_list("accept-unmasked", quirk_role::client);
    ASSERT_FALSE(for_client);
    EXPECT_NE(for_client.error().message.find("breaks a rule of the server"), std::string::npos);
    EXPECT_TRUE(parse_quirk_list("no-pong,no-mask", quirk_role::client));
}

TEST(ReferenceServerQuirkTable, ParsesLists) {
    auto l = parse_quirk_list("no-pong, binary-as-text,,skip-utf8 ");
    ASSERT_TRUE(l) << l.error().message;
    EXPECT_EQ(*l, (std::vector<quirk>{quirk::no_pong, quirk::binary_as_text, quirk::skip_utf8}));
    auto bad = parse_quirk_list("no-pong,nope");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().message.rfind("unknown quirk 'nope' (known: accept-unmasked, ", 0), 0u)
        << bad.error().message;
}

TEST(ReferenceServerQuirk, AcceptUnmaskedEchoesAnUnmaskedFrame) {
    quirky q({quirk::accept_unmasked});
    ASSERT_TRUE(q.open);
    ASSERT_TRUE(q.client.send_raw(test_client::encode(op_text, bytes_of("bare"), true, 0, false)));
    wire_frame f = q.client.expect_frame();
    EXPECT_EQ(f.op, op_text);
    EXPECT_EQ(f.text(), "bare");
}

TEST(ReferenceServerQuirk, IgnoreRsvEchoesAnRsv3Text) {
    quirky q({quirk::ignore_rsv});
    ASSERT_TRUE(q.open);
    ASSERT_TRUE(q.client.send(op_text, "reserved", true, 1));
    wire_frame f = q.client.expect_frame();
    EXPECT_EQ(f.op, op_text);
    EXPECT_EQ(f.rsv, 0);
    EXPECT_EQ(f.text(), "reserved");
}

TEST(ReferenceServerQuirk, IgnoreReservedOpcodesDropsThoseFrames) {
    quirky q({quirk::ignore_reserved_opcodes});
    ASSERT_TRUE(q.open);
    ASSERT_TRUE(q.client.send(0x3, "dropped data"));
    ASSERT_TRUE(q.client.send(0xB, "dropped control"));
    ASSERT_TRUE(q.client.send(op_text, "kept"));
    wire_frame f = q.client.expect_frame();
    EXPECT_EQ(f.op, op_text);
    EXPECT_EQ(f.text(), "kept");
}

TEST(ReferenceServerQuirk, FragmentedControlAnswersAFin0Ping) {
    quirky q({quirk::fragmented_control});
    ASSERT_TRUE(q.open);
    ASSERT_TRUE(q.client.send(op_ping, "half", false));
    wire_frame f = q.client.expect_frame();
    EXPECT_EQ(f.op, op_pong);
    EXPECT_EQ(f.text(), "half");
}

TEST(ReferenceServerQuirk, LongControlFramesGetALongPong) {
    quirky q({quirk::long_control_frames});
    ASSERT_TRUE(q.open);
    ASSERT_TRUE(q.client.send(op_ping, pattern(126)));
    wire_frame f = q.client.expect_frame();
    EXPECT_EQ(f.op, op_pong);
    EXPECT_EQ(f.payload, pattern(126));
    // Delivered a byte at a time, a 300-byte ping must still be gathered whole.
    auto frame = test_client::encode(op_ping, pattern(300));
    auto r = transport::write_chopped(q.client.stream(), frame, 1, std::chrono::microseconds(0),
                                      deadline_after(patience));
    ASSERT_TRUE(r.ok()) << r.message;
    f = q.client.expect_frame();
    EXPECT_EQ(f.op, op_pong);
    EXPECT_EQ(f.payload, pattern(300));
    ASSERT_TRUE(q.client.send(op_text, "after"));
    EXPECT_EQ(q.client.expect_frame().text(), "after");
}

TEST(ReferenceServerQuirk, NoPongNeverAnswers) {
    quirky q({quirk::no_pong});
    ASSERT_TRUE(q.open);
    ASSERT_TRUE(q.client.send(op_ping, "hello?"));
    wire_frame f;
    EXPECT_EQ(q.client.next(f, quiet_period), got::timeout);
    ASSERT_TRUE(q.client.send(op_text, "alive"));
    f = q.client.expect_frame();
    EXPECT_EQ(f.op, op_text) << "the ping must not have been answered";
    EXPECT_EQ(f.text(), "alive");
}

TEST(ReferenceServerQuirk, LatePongArrivesAfterTheDelay) {
    EXPECT_EQ(server_options{}.late_pong_delay, 1500ms);
    server_options o;
    o.late_pong_delay = 600ms;
    quirky q({quirk::late_pong}, o);
    ASSERT_TRUE(q.open);
    const auto t0 = transport::clock::now();
    ASSERT_TRUE(q.client.send(op_ping, "later"));
    // Messages are still echoed at once while the pong waits.
    ASSERT_TRUE(q.client.send(op_text, "now"));
    wire_frame f = q.client.expect_frame();
    EXPECT_EQ(f.op, op_text);
    EXPECT_EQ(q.client.next(f, quiet_period), got::timeout);
    f = q.client.expect_frame();
    EXPECT_EQ(f.op, op_pong);
    EXPECT_EQ(f.text(), "later");
    EXPECT_GE(transport::clock::now() - t0, 600ms);
}

TEST(ReferenceServerQuirk, PongEmptyDropsTheApplicationData) {
    quirky q({quirk::pong_empty});
    ASSERT_TRUE(q.open);
    ASSERT_TRUE(q.client.send(op_ping, "payload"));
    wire_frame f = q.client.expect_frame();
    EXPECT_EQ(f.op, op_pong);
    EXPECT_TRUE(f.payload.empty());
}

TEST(ReferenceServerQuirk, NoCloseReplyLeavesTheConnectionOpen) {
    quirky q({quirk::no_close_reply});
    ASSERT_TRUE(q.open);
    ASSERT_TRUE(q.client.send_close(1000));
    wire_frame f;
    EXPECT_EQ(q.client.next(f, quiet_period), got::timeout);
}

TEST(ReferenceServerQuirk, NoTcpCloseRepliesButKeepsTcpOpen) {
    quirky q({quirk::no_tcp_close});
    ASSERT_TRUE(q.open);
    ASSERT_TRUE(q.client.send_close(1000));
    wire_frame f = q.client.expect_frame();
    EXPECT_EQ(f.op, op_close);
    EXPECT_EQ(f.close_code(), 1000);
    EXPECT_EQ(q.client.next(f, quiet_period), got::timeout);
}

TEST(ReferenceServerQuirk, WrongCloseCodeFailsWith1000) {
    quirky q({quirk::wrong_close_code});
    ASSERT_TRUE(q.open);
    ASSERT_TRUE(q.client.send_raw(test_client::encode(op_text, bytes_of("x"), true, 0, false)));
    wire_frame f = q.client.expect_frame();
    EXPECT_EQ(f.op, op_close);
    EXPECT_EQ(f.close_code(), 1000);
    EXPECT_EQ(q.client.expect_end(), got::closed);
}

TEST(ReferenceServerQuirk, FragmentsAsMessagesEchoesEachFrame) {
    quirky q({quirk::fragments_as_messages});
    ASSERT_TRUE(q.open);
    ASSERT_TRUE(q.client.send(op_binary, "ab", false));
    ASSERT_TRUE(q.client.send(op_cont, "cd"));
    for (std::string_view part : {"ab", "cd"}) {
        wire_frame f = q.client.expect_frame();
        EXPECT_EQ(f.op, op_binary) << "a continuation takes its message's opcode";
        EXPECT_TRUE(f.fin);
        EXPECT_EQ(f.text(), part);
    }
}

TEST(ReferenceServerQuirk, AllowInterleavingAcceptsBrokenSequences) {
    quirky q({quirk::allow_interleaving});
    ASSERT_TRUE(q.open);
    // A new message inside a fragmented one: taken as if it continued it.
    ASSERT_TRUE(q.client.send(op_text, "ab", false));
    ASSERT_TRUE(q.client.send(op_text, "cd"));
    wire_frame f = q.client.expect_frame();
    EXPECT_EQ(f.op, op_text);
    EXPECT_EQ(f.text(), "abcd");
    // A continuation with no message in progress: continues the last message's opcode.
    ASSERT_TRUE(q.client.send(op_cont, "stray"));
    f = q.client.expect_frame();
    EXPECT_EQ(f.op, op_text);
    EXPECT_EQ(f.text(), "stray");
}

TEST(ReferenceServerQuirk, BinaryAsTextChangesTheOpcode) {
    quirky q({quirk::binary_as_text});
    ASSERT_TRUE(q.open);
    ASSERT_TRUE(q.client.send(op_binary, std::vector<std::uint8_t>{1, 2, 3}));
    wire_frame f = q.client.expect_frame();
    EXPECT_EQ(f.op, op_text);
    EXPECT_EQ(f.payload, (std::vector<std::uint8_t>{1, 2, 3}));
}

TEST(ReferenceServerQuirk, MaxMessage64kRefuses65536Bytes) {
    quirky q({quirk::max_message_64k});
    ASSERT_TRUE(q.open);
    ASSERT_TRUE(q.client.send(op_binary, pattern(65535)));
    EXPECT_EQ(q.client.expect_frame().payload.size(), 65535u);
    ASSERT_TRUE(q.client.send(op_binary, pattern(65536)));
    wire_frame f = q.client.expect_frame();
    EXPECT_EQ(f.op, op_close);
    EXPECT_EQ(f.close_code(), 1009);
    EXPECT_EQ(q.client.expect_end(), got::closed);
}

TEST(ReferenceServerQuirk, CorruptLargeEchoFlipsByte65535OfLargeEchoesOnly) {
    quirky q({quirk::corrupt_large_echo});
    ASSERT_TRUE(q.open);
    ASSERT_TRUE(q.client.send(op_binary, pattern(65535)));
    EXPECT_EQ(q.client.expect_frame().payload, pattern(65535)) << "below 64 KiB: intact";
    const auto big = pattern(70000);
    ASSERT_TRUE(q.client.send(op_binary, big));
    wire_frame f = q.client.expect_frame();
    ASSERT_EQ(f.payload.size(), big.size()) << "the length stays right";
    std::size_t differing = 0;
    for (std::size_t i = 0; i < big.size(); ++i)
        differing += f.payload[i] != big[i];
    EXPECT_EQ(differing, 1u);
    EXPECT_EQ(f.payload[65535], big[65535] ^ 0x01);
}

TEST(ReferenceServerQuirk, MessageQuota500ClosesWith1008AfterFiveHundredEchoes) {
    quirky q({quirk::message_quota_500});
    ASSERT_TRUE(q.open);
    for (int i = 0; i < 500; ++i) {
        ASSERT_TRUE(q.client.send(op_text, bytes_of("*")));
        ASSERT_EQ(q.client.expect_frame().op, op_text) << "echo " << i + 1;
    }
    ASSERT_TRUE(q.client.send(op_text, bytes_of("*")));
    wire_frame f = q.client.expect_frame();
    EXPECT_EQ(f.op, op_close);
    EXPECT_EQ(f.close_code(), 1008);
}

TEST(ReferenceServerQuirk, SkipUtf8EchoesInvalidText) {
    quirky q({quirk::skip_utf8});
    ASSERT_TRUE(q.open);
    ASSERT_TRUE(q.client.send(op_text, "\xC0\xAF\xFF"));
    wire_frame f = q.client.expect_frame();
    EXPECT_EQ(f.op, op_text);
    EXPECT_EQ(f.text(), "\xC0\xAF\xFF");
}

TEST(ReferenceServerQuirk, Utf8AtEndFailsOnlyWhenTheMessageEnds) {
    quirky q({quirk::utf8_at_end});
    ASSERT_TRUE(q.open);
    ASSERT_TRUE(q.client.send(op_text, "valid \xE2\x82\xAC"));
    EXPECT_EQ(q.client.expect_frame().text(), "valid \xE2\x82\xAC");
    ASSERT_TRUE(q.client.send(op_text, "bad \xFF", false));
    wire_frame f;
    EXPECT_EQ(q.client.next(f, quiet_period), got::timeout) << "failed fast after all";
    ASSERT_TRUE(q.client.send(op_cont, "end"));
    f = q.client.expect_frame();
    EXPECT_EQ(f.op, op_close);
    EXPECT_EQ(f.close_code(), 1007);
    EXPECT_EQ(q.client.expect_end(), got::closed);
}

TEST(ReferenceServerQuirk, NoCloseValidationAnswersBadClosesWith1000) {
    const std::vector<std::vector<std::uint8_t>> bad = {
        {0x03},                   // 1-byte payload
        {0x03, 0xE7},             // 999
        {0x03, 0xE8, 0xFF, 0xFE}, // 1000 with a non-UTF-8 reason
    };
    for (const auto& payload : bad) {
        quirky q({quirk::no_close_validation});
        ASSERT_TRUE(q.open);
        ASSERT_TRUE(q.client.send(op_close, payload));
        wire_frame f = q.client.expect_frame();
        EXPECT_EQ(f.op, op_close);
        EXPECT_EQ(f.close_code(), 1000);
        EXPECT_EQ(q.client.expect_end(), got::closed);
    }
}

TEST(ReferenceServerQuirk, HangOnPingStopsTheConnectionUntilStop) {
    quirky q({quirk::hang_on_ping});
    ASSERT_TRUE(q.open);
    ASSERT_TRUE(q.client.send(op_ping, "hang"));
    ASSERT_TRUE(q.client.send(op_text, "unanswered"));
    wire_frame f;
    EXPECT_EQ(q.client.next(f, quiet_period), got::timeout);
    const auto t0 = transport::clock::now();
    q.server->stop();
    EXPECT_LT(transport::clock::now() - t0, 1s);
    std::string rest;
    EXPECT_NE(q.client.read_rest(rest), got::timeout);
    EXPECT_EQ(rest, "");
}

TEST(ReferenceServerQuirk, SeveralQuirksAtOnce) {
    quirky q({quirk::no_pong, quirk::binary_as_text});
    ASSERT_TRUE(q.open);
    ASSERT_TRUE(q.client.send(op_ping, "x"));
    ASSERT_TRUE(q.client.send(op_binary, "y"));
    wire_frame f = q.client.expect_frame();
    EXPECT_EQ(f.op, op_text);
    EXPECT_EQ(f.text(), "y");
}

using ReferenceServerQuirkDeathTest = ::testing::Test;

TEST_F(ReferenceServerQuirkDeathTest, CrashOnPingAbortsTheProcess) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    EXPECT_DEATH(
        {
            quirky q({quirk::crash_on_ping});
            if (q.open) q.client.send(op_ping, "boom");
            wire_frame f;
            q.client.next(f, patience);
        },
        "");
}

} // namespace
} // namespace wsspec::server::testing
