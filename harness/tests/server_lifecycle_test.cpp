// The reference server's opening handshake, timeouts, stop(), other addresses and TLS.
#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "harness/tests/server_test_client.hpp"

namespace wsspec::server::testing {
namespace {

constexpr std::uint8_t op_text = 0x1, op_close = 0x8;

bool has_line(const std::string& head, std::string_view line) {
    return head.find("\r\n" + std::string(line) + "\r\n") != std::string::npos;
}

bool has_field(const std::string& head, std::string_view name) {
    return head.find("\r\n" + std::string(name) + ":") != std::string::npos;
}

// Sends a request built from `req` and returns the response head; the server must then close.
std::string refused_head(std::uint16_t port, handshake::client_request_options req) {
    test_client c;
    if (!c.connect(port)) return {};
    std::string head = c.send_request(handshake::build_client_request(req));
    std::string rest;
    EXPECT_EQ(c.read_rest(rest), got::closed) << "the server should close after refusing";
    return head;
}

TEST(ReferenceServerHandshake, Version8Gets426WithVersion13) {
    auto server = start_server();
    ASSERT_TRUE(server);
    test_client probe;
    auto req = probe.request();
    req.host = "127.0.0.1:" + std::to_string(server->port());
    req.version = "8";
    std::string head = refused_head(server->port(), req);
    EXPECT_EQ(head.rfind("HTTP/1.1 426 ", 0), 0u) << head;
    EXPECT_TRUE(has_line(head, "Sec-WebSocket-Version: 13")) << head;
}

TEST(ReferenceServerHandshake, MissingKeyGets400AndPostGets405) {
    auto server = start_server();
    ASSERT_TRUE(server);
    test_client probe;
    auto req = probe.request();
    req.host = "127.0.0.1:" + std::to_string(server->port());
    req.key.reset();
    EXPECT_EQ(refused_head(server->port(), req).rfind("HTTP/1.1 400 ", 0), 0u);
    req = probe.request();
    req.host = "127.0.0.1:" + std::to_string(server->port());
    req.method = "POST";
    EXPECT_EQ(refused_head(server->port(), req).rfind("HTTP/1.1 405 ", 0), 0u);
}

TEST(ReferenceServerHandshake, GarbageGets400AndTheServerKeepsServing) {
    auto server = start_server();
    ASSERT_TRUE(server);
    {
        test_client c;
        ASSERT_TRUE(c.connect(server->port()));
        // The start of a TLS ClientHello, sent to a plain port.
        ASSERT_TRUE(c.send_raw(std::vector<std::uint8_t>{0x16, 0x03, 0x01, 0x02, 0x00, 0x01}));
        std::string all;
        EXPECT_EQ(c.read_rest(all), got::closed);
        EXPECT_EQ(all.rfind("HTTP/1.1 400 ", 0), 0u) << all;
    }
    test_client c;
    ASSERT_TRUE(c.open(server->port()));
    ASSERT_TRUE(c.send(op_text, "still here"));
    EXPECT_EQ(c.expect_frame().text(), "still here");
}

TEST(ReferenceServerHandshake, OffersAreDeclined) {
    auto server = start_server();
    ASSERT_TRUE(server);
    test_client c;
    ASSERT_TRUE(c.connect(server->port()));
    auto req = c.request();
    req.subprotocols = {"chat", "superchat"};
    req.extensions = "permessage-deflate; client_max_window_bits";
    std::string head = c.send_request(handshake::build_client_request(req));
    auto v = handshake::validate_server_response(head, req);
    EXPECT_EQ(v.error, handshake::handshake_error::none) << v.detail;
    EXPECT_EQ(v.status_code, 101);
    EXPECT_FALSE(has_field(head, "Sec-WebSocket-Protocol")) << head;
    EXPECT_FALSE(has_field(head, "Sec-WebSocket-Extensions")) << head;
    EXPECT_TRUE(has_line(head, "Sec-WebSocket-Accept: " + handshake::accept_key(*req.key))) << head;
}

TEST(ReferenceServerHandshake, FrameInTheSameWriteAsTheRequest) {
    auto server = start_server();
    ASSERT_TRUE(server);
    test_client c;
    ASSERT_TRUE(c.connect(server->port()));
    auto req = c.request();
    std::string bytes = handshake::build_client_request(req);
    auto frame = test_client::encode(op_text, bytes_of("early"));
    bytes.append(frame.begin(), frame.end());
    std::string head = c.send_request(bytes);
    EXPECT_EQ(head.rfind("HTTP/1.1 101 ", 0), 0u) << head;
    EXPECT_EQ(c.expect_frame().text(), "early");
}

TEST(ReferenceServerHandshake, IncompleteRequestTimesOut) {
    server_options o;
    o.handshake_timeout = 200ms;
    auto server = start_server(o);
    ASSERT_TRUE(server);
    test_client c;
    ASSERT_TRUE(c.connect(server->port()));
    ASSERT_TRUE(c.send_raw(bytes_of("GET / HTTP/1.1\r\nHost: x\r\n")));
    std::string rest;
    EXPECT_EQ(c.read_rest(rest), got::closed);
    EXPECT_EQ(rest, "");
}

TEST(ReferenceServerLifecycle, IdleConnectionIsClosedWith1001) {
    server_options o;
    o.idle_timeout = 200ms;
    auto server = start_server(o);
    ASSERT_TRUE(server);
    test_client c;
    ASSERT_TRUE(c.open(server->port()));
    wire_frame f = c.expect_frame();
    EXPECT_EQ(f.op, op_close);
    EXPECT_EQ(f.close_code(), 1001);
    EXPECT_EQ(c.expect_end(), got::closed);
}

TEST(ReferenceServerLifecycle, StopClosesOpenConnectionsPromptly) {
    auto server = start_server();
    ASSERT_TRUE(server);
    test_client a, b;
    // b stays before its handshake. Accepts are FIFO, so once a is open, b was accepted too
    // (a connection still in the backlog would get RST from the closing listener instead).
    ASSERT_TRUE(b.connect(server->port()));
    ASSERT_TRUE(a.open(server->port()));
    const auto t0 = transport::clock::now();
    server->stop();
    EXPECT_LT(transport::clock::now() - t0, 1s);
    wire_frame f = a.expect_frame();
    EXPECT_EQ(f.op, op_close);
    EXPECT_EQ(f.close_code(), 1001);
    EXPECT_EQ(a.expect_end(), got::closed);
    std::string rest;
    EXPECT_EQ(b.read_rest(rest), got::closed);
    EXPECT_EQ(rest, "");
    server->stop(); // idempotent
    EXPECT_FALSE(transport::connect_tcp("127.0.0.1", server->port(), deadline_after(patience)));
}

TEST(ReferenceServerLifecycle, ConcurrentClients) {
    auto server = start_server();
    ASSERT_TRUE(server);
    std::atomic<int> echoed{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            test_client c;
            if (!c.open(server->port())) return;
            for (int i = 0; i < 25; ++i) {
                std::string msg = std::to_string(t) + ":" + std::to_string(i);
                if (!c.send(op_text, msg)) return;
                if (c.expect_frame().text() == msg) ++echoed;
            }
        });
    }
    for (auto& th : threads)
        th.join();
    EXPECT_EQ(echoed.load(), 100);
}

TEST(ReferenceServerLifecycle, Ipv6Loopback) {
    server_options o;
    o.host = "::1";
    auto server = reference_server::start(o);
    if (!server) GTEST_SKIP() << "no IPv6 loopback: " << server.error().message;
    EXPECT_EQ((*server)->local_address(), "[::1]:" + std::to_string((*server)->port()));
    test_client c;
    ASSERT_TRUE(c.open((*server)->port(), "::1"));
    ASSERT_TRUE(c.send(op_text, "v6"));
    EXPECT_EQ(c.expect_frame().text(), "v6");
}

TEST(ReferenceServerLifecycle, PortInUseIsAnError) {
    auto first = start_server();
    ASSERT_TRUE(first);
    server_options o;
    o.port = first->port();
    auto second = reference_server::start(o);
    ASSERT_FALSE(second);
    EXPECT_NE(second.error().message.find(std::to_string(first->port())), std::string::npos)
        << second.error().message;
}

TEST(ReferenceServerLifecycle, EchoOverTls) {
    auto cert = transport::generate_self_signed("localhost", {"127.0.0.1"});
    ASSERT_TRUE(cert) << cert.error().message;
    server_options o;
    o.tls = transport::tls_server_options{.cert_pem = cert->cert_pem, .key_pem = cert->key_pem};
    auto server = start_server(o);
    ASSERT_TRUE(server);
    EXPECT_TRUE(server->is_tls());
    auto u = transport::parse_url("wss://127.0.0.1:" + std::to_string(server->port()) + "/");
    ASSERT_TRUE(u) << u.error().message;
    auto s = transport::connect(*u, {.insecure = true}, deadline_after(patience));
    ASSERT_TRUE(s) << s.error().message;
    test_client c;
    c.adopt(std::move(s).value(), u->host_header());
    ASSERT_TRUE(c.upgrade());
    ASSERT_TRUE(c.send(op_text, "over tls"));
    EXPECT_EQ(c.expect_frame().text(), "over tls");
    ASSERT_TRUE(c.send_close(1000));
    EXPECT_EQ(c.expect_frame().close_code(), 1000);
    EXPECT_EQ(c.expect_end(), got::closed);
}

TEST(ReferenceServerLifecycle, ServeForeverRunsUntilTheFlag) {
    std::mutex mu;
    std::vector<std::string> lines, log;
    server_options o;
    o.quirks = {quirk::no_pong, quirk::pong_empty};
    o.log = [&](const std::string& line) {
        std::lock_guard lock(mu);
        log.push_back(line);
    };
    std::atomic<bool> stop{false};
    int rc = -1;
    std::thread t([&] {
        rc = serve_forever(o, stop, [&](const std::string& line) {
            std::lock_guard lock(mu);
            lines.push_back(line);
        });
    });
    struct joiner {
        std::atomic<bool>& stop;
        std::thread& t;
        ~joiner() {
            stop = true;
            if (t.joinable()) t.join();
        }
    } join_on_exit{stop, t};
    std::string first;
    for (int i = 0; i < 300 && first.empty(); ++i) {
        std::this_thread::sleep_for(10ms);
        std::lock_guard lock(mu);
        if (!lines.empty()) first = lines.front();
    }
    // Exactly the URL after the prefix: scripts read it from a pipe.
    const std::string prefix = "listening on ws://127.0.0.1:";
    ASSERT_EQ(first.rfind(prefix, 0), 0u) << first;
    const std::string port_text = first.substr(prefix.size());
    ASSERT_EQ(port_text.find_first_not_of("0123456789"), std::string::npos) << first;
    const auto port = static_cast<std::uint16_t>(std::stoi(port_text));
    {
        test_client c;
        ASSERT_TRUE(c.open(port));
        ASSERT_TRUE(c.send(op_text, "forever"));
        EXPECT_EQ(c.expect_frame().text(), "forever");
    }
    stop = true;
    t.join();
    EXPECT_EQ(rc, 0);
    EXPECT_EQ(lines.size(), 1u);
    ASSERT_FALSE(log.empty());
    EXPECT_EQ(log.front(), "quirks on (deliberate RFC 6455 violations): no-pong, pong-empty");
}

TEST(ReferenceServerLifecycle, ServeForeverReportsAStartFailure) {
    std::vector<std::string> lines;
    server_options o;
    o.host = "192.0.2.1"; // TEST-NET-1 (RFC 5737): not an address of this host
    o.log = [&](const std::string& line) { lines.push_back(line); };
    std::atomic<bool> stop{false};
    bool announced = false;
    EXPECT_EQ(serve_forever(o, stop, [&](const std::string&) { announced = true; }), 2);
    EXPECT_FALSE(announced);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0].rfind("cannot start the reference server: ", 0), 0u) << lines[0];
}

} // namespace
} // namespace wsspec::server::testing
