// The reference server without quirks: echo, ping/pong, the closing handshake and failing the
// connection on every rule the codec enforces.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "harness/tests/server_test_client.hpp"

namespace wsspec::server::testing {
namespace {

constexpr std::uint8_t op_cont = 0x0, op_text = 0x1, op_binary = 0x2, op_close = 0x8, op_ping = 0x9,
                       op_pong = 0xA;

std::vector<std::uint8_t> pattern(std::size_t n) {
    std::vector<std::uint8_t> v(n);
    for (std::size_t i = 0; i < n; ++i)
        v[i] = static_cast<std::uint8_t>('a' + i % 26);
    return v;
}

// A server frame must be unmasked (§5.1), RSV-free (§5.2) and minimally encoded (§5.2).
void expect_clean(const wire_frame& f) {
    EXPECT_FALSE(f.masked);
    EXPECT_EQ(f.rsv, 0);
    EXPECT_TRUE(f.minimal_length);
}

// Sends `frame_bytes` and expects the server to fail the connection with `code`, then close TCP.
void expect_failure(const std::vector<std::uint8_t>& frame_bytes, std::uint16_t code,
                    server_options o = {}) {
    auto server = start_server(std::move(o));
    ASSERT_TRUE(server);
    test_client c;
    ASSERT_TRUE(c.open(server->port()));
    ASSERT_TRUE(c.send_raw(frame_bytes));
    wire_frame f = c.expect_frame();
    EXPECT_EQ(f.op, op_close);
    EXPECT_EQ(f.close_code(), code);
    EXPECT_GT(f.payload.size(), 2u) << "the reason should say which rule was broken";
    EXPECT_LE(f.payload.size(), 125u);
    expect_clean(f);
    EXPECT_EQ(c.expect_end(), got::closed);
}

TEST(ReferenceServerEcho, TextAndBinaryAtLengthEncodingBoundaries) {
    auto server = start_server();
    ASSERT_TRUE(server);
    test_client c;
    ASSERT_TRUE(c.open(server->port()));
    for (std::uint8_t op : {op_text, op_binary}) {
        for (std::size_t n : {0u, 125u, 126u, 65535u, 65536u}) {
            SCOPED_TRACE("opcode " + std::to_string(op) + ", " + std::to_string(n) + " bytes");
            auto payload = pattern(n);
            ASSERT_TRUE(c.send(op, payload));
            wire_frame f = c.expect_frame();
            EXPECT_EQ(f.op, op);
            EXPECT_TRUE(f.fin);
            expect_clean(f);
            EXPECT_EQ(f.payload, payload);
        }
    }
}

TEST(ReferenceServerEcho, FragmentedMessageIsReassembledAroundAPing) {
    auto server = start_server();
    ASSERT_TRUE(server);
    test_client c;
    ASSERT_TRUE(c.open(server->port()));
    ASSERT_TRUE(c.send(op_text, "Hel", false));
    ASSERT_TRUE(c.send(op_ping, "in between")); // §5.4: control frames MAY be injected
    ASSERT_TRUE(c.send(op_cont, "lo, ", false));
    ASSERT_TRUE(c.send(op_cont, "", false));
    ASSERT_TRUE(c.send(op_cont, "world"));
    wire_frame pong = c.expect_frame();
    EXPECT_EQ(pong.op, op_pong);
    EXPECT_EQ(pong.text(), "in between");
    wire_frame f = c.expect_frame();
    EXPECT_EQ(f.op, op_text);
    EXPECT_TRUE(f.fin);
    EXPECT_EQ(f.text(), "Hello, world");
}

TEST(ReferenceServerEcho, CodePointSplitAcrossFragmentsIsValid) {
    auto server = start_server();
    ASSERT_TRUE(server);
    test_client c;
    ASSERT_TRUE(c.open(server->port()));
    const std::string euro = "\xE2\x82\xAC";
    ASSERT_TRUE(c.send(op_text, euro.substr(0, 1), false));
    ASSERT_TRUE(c.send(op_cont, euro.substr(1)));
    wire_frame f = c.expect_frame();
    EXPECT_EQ(f.op, op_text);
    EXPECT_EQ(f.text(), euro);
}

TEST(ReferenceServerEcho, FrameWrittenByteByByteIsEchoed) {
    auto server = start_server();
    ASSERT_TRUE(server);
    test_client c;
    ASSERT_TRUE(c.open(server->port()));
    auto payload = pattern(300);
    auto frame = test_client::encode(op_binary, payload);
    auto ping = test_client::encode(op_ping, bytes_of("chopped"));
    frame.insert(frame.end(), ping.begin(), ping.end());
    auto r = transport::write_chopped(c.stream(), frame, 1, std::chrono::microseconds(0),
                                      deadline_after(patience));
    ASSERT_TRUE(r.ok()) << r.message;
    EXPECT_EQ(c.expect_frame().payload, payload);
    wire_frame pong = c.expect_frame();
    EXPECT_EQ(pong.op, op_pong);
    EXPECT_EQ(pong.text(), "chopped");
}

TEST(ReferenceServerEcho, PingIsAnsweredWithIdenticalPayload) {
    auto server = start_server();
    ASSERT_TRUE(server);
    test_client c;
    ASSERT_TRUE(c.open(server->port()));
    for (std::size_t n : {0u, 1u, 125u}) {
        auto payload = pattern(n);
        ASSERT_TRUE(c.send(op_ping, payload));
        wire_frame f = c.expect_frame();
        EXPECT_EQ(f.op, op_pong);
        EXPECT_TRUE(f.fin);
        expect_clean(f);
        EXPECT_EQ(f.payload, payload);
    }
}

TEST(ReferenceServerEcho, UnsolicitedPongGetsNoAnswer) {
    auto server = start_server();
    ASSERT_TRUE(server);
    test_client c;
    ASSERT_TRUE(c.open(server->port()));
    ASSERT_TRUE(c.send(op_pong, "unsolicited"));
    ASSERT_TRUE(c.send(op_text, "after"));
    wire_frame f = c.expect_frame();
    EXPECT_EQ(f.op, op_text);
    EXPECT_EQ(f.text(), "after");
}

TEST(ReferenceServerClose, CloseIsEchoedThenServerClosesTcp) {
    auto server = start_server();
    ASSERT_TRUE(server);
    test_client c;
    ASSERT_TRUE(c.open(server->port()));
    ASSERT_TRUE(c.send_close(1000, "bye"));
    wire_frame f = c.expect_frame();
    EXPECT_EQ(f.op, op_close);
    expect_clean(f);
    EXPECT_EQ(f.payload, (std::vector<std::uint8_t>{0x03, 0xE8}));
    // §7.1.1: the server closes TCP first: the client sees FIN without closing its side.
    EXPECT_EQ(c.expect_end(), got::closed);
}

TEST(ReferenceServerClose, EmptyCloseGetsEmptyClose) {
    auto server = start_server();
    ASSERT_TRUE(server);
    test_client c;
    ASSERT_TRUE(c.open(server->port()));
    ASSERT_TRUE(c.send(op_close, ""));
    wire_frame f = c.expect_frame();
    EXPECT_EQ(f.op, op_close);
    EXPECT_TRUE(f.payload.empty());
    EXPECT_EQ(c.expect_end(), got::closed);
}

TEST(ReferenceServerClose, RegisteredAndPrivateCodesAreEchoed) {
    auto server = start_server();
    ASSERT_TRUE(server);
    for (std::uint16_t code : {1001, 1003, 3000, 4999}) {
        test_client c;
        ASSERT_TRUE(c.open(server->port()));
        ASSERT_TRUE(c.send_close(code));
        wire_frame f = c.expect_frame();
        EXPECT_EQ(f.op, op_close);
        EXPECT_EQ(f.close_code(), code);
        EXPECT_EQ(c.expect_end(), got::closed);
    }
}

TEST(ReferenceServerClose, InvalidClosePayloadsFailWithTheirCode) {
    expect_failure(test_client::encode(op_close, bytes_of("\x03")), 1002);
    expect_failure(test_client::encode(op_close, std::vector<std::uint8_t>{0x03, 0xE7}), 1002);
    expect_failure(test_client::encode(op_close, std::vector<std::uint8_t>{0x03, 0xED}), 1002);
    expect_failure(test_client::encode(op_close, bytes_of("\x03\xE8\xFF")), 1007);
}

TEST(ReferenceServerFail, UnmaskedFrameIs1002) {
    expect_failure(test_client::encode(op_text, bytes_of("hi"), true, 0, false), 1002);
}

TEST(ReferenceServerFail, InvalidUtf8Is1007) {
    expect_failure(test_client::encode(op_text, bytes_of("ok\xC0\xAF")), 1007);
    // A code point cut off by the end of the message.
    expect_failure(test_client::encode(op_text, bytes_of("\xE2\x82")), 1007);
}

TEST(ReferenceServerFail, InvalidUtf8FailsBeforeTheMessageEnds) {
    // §8.1 fail fast: the first fragment already holds a byte no UTF-8 sequence can contain.
    expect_failure(test_client::encode(op_text, bytes_of("ab\xFF"), false), 1007);
}

TEST(ReferenceServerFail, FramingRulesAre1002) {
    expect_failure(test_client::encode(op_text, bytes_of("x"), true, 1), 1002); // RSV3
    expect_failure(test_client::encode(op_text, bytes_of("x"), true, 4), 1002); // RSV1
    expect_failure(test_client::encode(0x3, bytes_of("x")), 1002);              // reserved data
    expect_failure(test_client::encode(0xB, bytes_of("x")), 1002);              // reserved control
    expect_failure(test_client::encode(op_ping, pattern(126)), 1002);           // long ping
    expect_failure(test_client::encode(op_ping, bytes_of("x"), false), 1002);   // FIN=0 ping
    expect_failure(test_client::encode(op_cont, bytes_of("x")), 1002);          // no message
}

TEST(ReferenceServerFail, NewMessageInsideFragmentedMessageIs1002) {
    auto bytes = test_client::encode(op_text, bytes_of("a"), false);
    auto second = test_client::encode(op_text, bytes_of("b"));
    bytes.insert(bytes.end(), second.begin(), second.end());
    expect_failure(bytes, 1002);
}

TEST(ReferenceServerFail, NonMinimalLengthIs1002) {
    std::vector<std::uint8_t> bytes;
    write_frame(bytes,
                frame_spec{.opcode_nibble = op_text,
                           .mask = test_client::key,
                           .encoding = length_encoding::force_16},
                bytes_of("short"));
    expect_failure(bytes, 1002);
}

TEST(ReferenceServerFail, MessageOverTheLimitIs1009) {
    server_options o;
    o.max_message = 1000;
    expect_failure(test_client::encode(op_binary, pattern(1001)), 1009, o);
    // The limit is on the message, not on each frame.
    auto bytes = test_client::encode(op_binary, pattern(600), false);
    auto rest = test_client::encode(op_cont, pattern(600));
    bytes.insert(bytes.end(), rest.begin(), rest.end());
    expect_failure(bytes, 1009, o);
}

TEST(ReferenceServerFail, MessageAtTheLimitIsEchoed) {
    server_options o;
    o.max_message = 1000;
    auto server = start_server(o);
    ASSERT_TRUE(server);
    test_client c;
    ASSERT_TRUE(c.open(server->port()));
    ASSERT_TRUE(c.send(op_binary, pattern(1000)));
    EXPECT_EQ(c.expect_frame().payload, pattern(1000));
}

TEST(ReferenceServerFail, DataAfterTheFailureIsIgnored) {
    // Garbage right behind the bad frame must not produce anything but the one close.
    auto bytes = test_client::encode(op_text, bytes_of("x"), true, 0, false);
    for (int i = 0; i < 64; ++i)
        bytes.push_back(static_cast<std::uint8_t>(i * 37));
    expect_failure(bytes, 1002);
}

} // namespace
} // namespace wsspec::server::testing
