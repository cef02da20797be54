#include <gtest/gtest.h>

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "harness/transport/socket_stream.hpp"
#include "transport_test_util.hpp"

namespace wsspec::transport {
namespace {

using namespace testing;

// One certificate for 127.0.0.1, ::1 and localhost, written to a temp dir, for the whole suite.
class TransportTls : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        auto c = generate_self_signed("wsspec test", {"127.0.0.1", "::1", "localhost"});
        ASSERT_TRUE(c.has_value()) << c.error().message;
        cert_ = new self_signed_cert(std::move(c).value());
        dir_ = new temp_dir();
        ASSERT_FALSE(dir_->path().empty());
        auto w = cert_->write_to(dir_->path());
        ASSERT_TRUE(w.has_value()) << w.error().message;
    }
    static void TearDownTestSuite() {
        delete cert_;
        delete dir_;
        cert_ = nullptr;
        dir_ = nullptr;
    }

    static std::string cert_file() { return dir_->file(self_signed_cert::cert_file_name); }
    static std::string key_file() { return dir_->file(self_signed_cert::key_file_name); }

    static listener tls_listener(const std::string& host = "127.0.0.1") {
        auto l = listener::bind(host, 0, tls_server_options{cert_file(), key_file(), {}, {}});
        EXPECT_TRUE(l.has_value()) << (l ? "" : l.error().message);
        return std::move(l).value();
    }

    static result<std::unique_ptr<stream>> connect_to(std::string host, std::uint16_t port,
                                                      const tls_client_options& opts) {
        if (is_ip_literal(host) && host.find(':') != std::string::npos) host = "[" + host + "]";
        auto u = parse_url("wss://" + host + ":" + std::to_string(port) + "/");
        EXPECT_TRUE(u.has_value());
        return connect(*u, opts, deadline_after(test_timeout));
    }

    static tls_client_options trusting() { return {false, cert_file(), {}, {}, {}}; }

    static inline self_signed_cert* cert_ = nullptr;
    static inline temp_dir* dir_ = nullptr;
};

TEST_F(TransportTls, VerifiedEchoWithCacert) {
    listener l = tls_listener();
    EXPECT_TRUE(l.is_tls());
    one_shot_server server(l, echo);

    auto c = connect_to("127.0.0.1", l.port(), trusting());
    ASSERT_TRUE(c.has_value()) << c.error().message;
    stream& s = **c;
    EXPECT_TRUE(s.is_tls());
    EXPECT_EQ(s.describe_peer(), "127.0.0.1:" + std::to_string(l.port()));
    EXPECT_EQ(dynamic_cast<socket_stream&>(s).protocol_version(), "TLSv1.3");
    ASSERT_TRUE(s.write_all(as_bytes("secret echo"), deadline_after(test_timeout)).ok());
    EXPECT_EQ(read_exactly(s, 11, deadline_after(test_timeout)).data, "secret echo");
    s.close();
    server.join();
    EXPECT_TRUE(server.handshake_result().ok()) << server.handshake_result().message;
}

TEST_F(TransportTls, VerifiedByDnsNameLocalhost) {
    listener l = tls_listener();
    one_shot_server server(l, echo);
    auto c = connect_to("localhost", l.port(), trusting());
    ASSERT_TRUE(c.has_value()) << c.error().message;
    ASSERT_TRUE((*c)->write_all(as_bytes("dns"), deadline_after(test_timeout)).ok());
    EXPECT_EQ(read_exactly(**c, 3, deadline_after(test_timeout)).data, "dns");
}

TEST_F(TransportTls, VerifiedOverIpv6) {
    auto l = listener::bind("::1", 0, tls_server_options{cert_file(), key_file(), {}, {}});
    if (!l) GTEST_SKIP() << "no IPv6 loopback: " << l.error().message;
    one_shot_server server(*l, echo);
    auto c = connect_to("::1", l->port(), trusting());
    ASSERT_TRUE(c.has_value()) << c.error().message;
    ASSERT_TRUE((*c)->write_all(as_bytes("v6"), deadline_after(test_timeout)).ok());
    EXPECT_EQ(read_exactly(**c, 2, deadline_after(test_timeout)).data, "v6");
}

TEST_F(TransportTls, UntrustedCertificateFailsVerification) {
    listener l = tls_listener();
    one_shot_server server(l, echo);
    auto c = connect_to("127.0.0.1", l.port(), {});
    ASSERT_FALSE(c.has_value());
    const std::string prefix =
        "TLS handshake with 127.0.0.1:" + std::to_string(l.port()) + " failed: ";
    EXPECT_EQ(c.error().message.rfind(prefix, 0), 0u) << c.error().message;
    EXPECT_NE(c.error().message.find("certificate verify failed"), std::string::npos)
        << c.error().message;
    EXPECT_NE(c.error().message.find("self"), std::string::npos) << c.error().message;
    server.join();
    // The server sees the client's alert as a failed handshake, not as data.
    EXPECT_EQ(server.handshake_result().status, io_status::error);
    EXPECT_NE(server.handshake_result().message.find("TLS handshake with 127.0.0.1:"),
              std::string::npos)
        << server.handshake_result().message;
}

TEST_F(TransportTls, InsecureSkipsVerification) {
    listener l = tls_listener();
    one_shot_server server(l, echo);
    tls_client_options opts;
    opts.insecure = true;
    opts.sni = "not-in-the-cert.example"; // not checked either
    auto c = connect_to("127.0.0.1", l.port(), opts);
    ASSERT_TRUE(c.has_value()) << c.error().message;
    ASSERT_TRUE((*c)->write_all(as_bytes("anyway"), deadline_after(test_timeout)).ok());
    EXPECT_EQ(read_exactly(**c, 6, deadline_after(test_timeout)).data, "anyway");
}

TEST_F(TransportTls, WrongHostNameFails) {
    listener l = tls_listener();
    one_shot_server server(l, echo);
    tls_client_options opts = trusting();
    opts.sni = "wrong.example";
    auto c = connect_to("127.0.0.1", l.port(), opts);
    ASSERT_FALSE(c.has_value());
    EXPECT_NE(c.error().message.find("certificate verify failed (hostname mismatch)"),
              std::string::npos)
        << c.error().message;
}

TEST_F(TransportTls, WrongIpAddressFails) {
    // Trusted, but issued for another address only.
    auto other = generate_self_signed("elsewhere", {"192.0.2.1"});
    ASSERT_TRUE(other.has_value()) << other.error().message;
    auto l =
        listener::bind("127.0.0.1", 0, tls_server_options{{}, {}, other->cert_pem, other->key_pem});
    ASSERT_TRUE(l.has_value()) << l.error().message;
    one_shot_server server(*l, echo);
    temp_dir d;
    ASSERT_TRUE(other->write_to(d.path()).has_value());
    auto c = connect_to("127.0.0.1", l->port(), {false, d.file("cert.pem"), {}, {}, {}});
    ASSERT_FALSE(c.has_value());
    EXPECT_NE(c.error().message.find("certificate verify failed (IP address mismatch)"),
              std::string::npos)
        << c.error().message;
}

TEST_F(TransportTls, PeerCloseIsClosedWithCloseNotify) {
    listener l = tls_listener();
    one_shot_server server(l, [](stream& s) {
        (void)s.write_all(as_bytes("farewell"), deadline_after(test_timeout));
        s.close();
    });
    auto c = connect_to("127.0.0.1", l.port(), trusting());
    ASSERT_TRUE(c.has_value()) << c.error().message;
    const auto got = read_until_end(**c, deadline_after(test_timeout));
    EXPECT_EQ(got.data, "farewell");
    EXPECT_EQ(got.last, io_status::closed) << got.message;
    EXPECT_NE(got.message.find("close_notify"), std::string::npos) << got.message;
}

TEST_F(TransportTls, PeerFinWithoutCloseNotifyIsClosedAndSaysSo) {
    // A server that drops TCP without close_notify, built by hand around a dup of the socket.
    auto ctx = tls_context::server({cert_file(), key_file(), {}, {}});
    ASSERT_TRUE(ctx.has_value()) << ctx.error().message;
    unique_fd lfd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    ASSERT_EQ(::bind(lfd.get(), reinterpret_cast<sockaddr*>(&addr), len), 0);
    ASSERT_EQ(::listen(lfd.get(), 1), 0);
    ASSERT_EQ(::getsockname(lfd.get(), reinterpret_cast<sockaddr*>(&addr), &len), 0);

    std::atomic<bool> done{false};
    std::thread server([&] {
        pollfd p{lfd.get(), POLLIN, 0};
        if (::poll(&p, 1, 5000) != 1) return;
        unique_fd conn(::accept(lfd.get(), nullptr, nullptr));
        unique_fd raw(::dup(conn.get()));
        socket tls(std::move(conn));
        if (!tls.start_tls_server(*ctx)) return;
        socket_stream s(std::move(tls));
        if (!s.handshake(deadline_after(test_timeout)).ok()) return;
        (void)s.write_all(as_bytes("half"), deadline_after(test_timeout));
        ::shutdown(raw.get(), SHUT_WR); // FIN, no close_notify
        wait_for_flag(done);
    });
    auto c = connect_to("127.0.0.1", ntohs(addr.sin_port), trusting());
    std::string data, message;
    io_status last = io_status::ok;
    if (c) {
        const auto got = read_until_end(**c, deadline_after(test_timeout));
        data = got.data;
        last = got.last;
        message = got.message;
    }
    done = true;
    server.join();
    ASSERT_TRUE(c.has_value()) << c.error().message;
    EXPECT_EQ(data, "half");
    EXPECT_EQ(last, io_status::closed) << message;
    EXPECT_NE(message.find("without TLS close_notify"), std::string::npos) << message;
}

TEST_F(TransportTls, AcceptedStreamHandshakesOnFirstRead) {
    listener l = tls_listener();
    read_outcome received;
    std::thread server([&] {
        auto s = l.accept(deadline_after(test_timeout));
        if (s && *s) received = read_until_end(**s, deadline_after(test_timeout));
    });
    auto c = connect_to("127.0.0.1", l.port(), trusting());
    if (c) {
        (void)(*c)->write_all(as_bytes("lazy"), deadline_after(test_timeout));
        (*c)->close();
    }
    server.join();
    ASSERT_TRUE(c.has_value()) << c.error().message;
    EXPECT_EQ(received.data, "lazy");
    EXPECT_EQ(received.last, io_status::closed) << received.message;
}

TEST_F(TransportTls, PeerAbortIsReset) {
    listener l = tls_listener();
    one_shot_server server(l, [](stream& s) { s.abort(); });
    auto c = connect_to("127.0.0.1", l.port(), trusting());
    ASSERT_TRUE(c.has_value()) << c.error().message;
    const auto got = read_until_end(**c, deadline_after(test_timeout));
    EXPECT_EQ(got.last, io_status::reset) << got.message;
}

TEST_F(TransportTls, ReadTimesOutNearTheDeadline) {
    listener l = tls_listener();
    std::atomic<bool> done{false};
    one_shot_server server(l, [&](stream&) { wait_for_flag(done); });
    auto c = connect_to("127.0.0.1", l.port(), trusting());
    ASSERT_TRUE(c.has_value()) << c.error().message;
    std::uint8_t buf[16];
    const auto start = clock::now();
    const io_result r = (*c)->read_some(buf, start + 150ms);
    const auto elapsed = clock::now() - start;
    done = true;
    EXPECT_EQ(r.status, io_status::timeout) << r.message;
    EXPECT_GE(elapsed, 150ms);
    EXPECT_LT(elapsed, 1500ms);
}

TEST_F(TransportTls, ChoppedWriteArrivesComplete) {
    listener l = tls_listener();
    read_outcome received;
    one_shot_server server(
        l, [&](stream& s) { received = read_until_end(s, deadline_after(test_timeout)); });
    auto c = connect_to("127.0.0.1", l.port(), trusting());
    ASSERT_TRUE(c.has_value()) << c.error().message;
    std::string payload(40, 'x');
    for (std::size_t i = 0; i < payload.size(); ++i)
        payload[i] = static_cast<char>('A' + i % 26);
    const io_result r =
        write_chopped(**c, as_bytes(payload), 7, 10ms, deadline_after(test_timeout));
    ASSERT_TRUE(r.ok()) << r.message;
    EXPECT_EQ(r.bytes, 40u);
    (*c)->close();
    server.join();
    EXPECT_EQ(received.data, payload);
    EXPECT_EQ(received.last, io_status::closed);
    EXPECT_GE(received.reads, 3); // one TLS record per piece, 10 ms apart
}

TEST_F(TransportTls, HandshakeWithPlainTcpServerThatHangsUpFails) {
    auto l = listener::bind("127.0.0.1", 0);
    ASSERT_TRUE(l.has_value());
    one_shot_server server(*l, [](stream& s) { s.close(); });
    auto c = connect_to("127.0.0.1", l->port(), trusting());
    ASSERT_FALSE(c.has_value());
    EXPECT_EQ(c.error().message.rfind("TLS handshake with 127.0.0.1:", 0), 0u) << c.error().message;
}

TEST_F(TransportTls, HandshakeTimesOutAgainstASilentServer) {
    auto l = listener::bind("127.0.0.1", 0);
    ASSERT_TRUE(l.has_value());
    std::atomic<bool> done{false};
    one_shot_server server(*l, [&](stream&) { wait_for_flag(done); });
    auto u = parse_url("wss://127.0.0.1:" + std::to_string(l->port()) + "/");
    ASSERT_TRUE(u.has_value());
    const auto start = clock::now();
    auto c = connect(*u, trusting(), start + 150ms);
    done = true;
    ASSERT_FALSE(c.has_value());
    EXPECT_GE(clock::now() - start, 150ms);
    EXPECT_NE(c.error().message.find("failed: timed out"), std::string::npos) << c.error().message;
}

TEST_F(TransportTls, BadOptionsAreReported) {
    auto c = connect_to("127.0.0.1", 9, {false, dir_->file("missing.pem"), {}, {}, {}});
    ASSERT_FALSE(c.has_value());
    EXPECT_EQ(c.error().message.rfind("cannot load CA certificates '", 0), 0u) << c.error().message;

    auto half = connect_to("127.0.0.1", 9, {false, {}, cert_file(), {}, {}});
    ASSERT_FALSE(half.has_value());
    EXPECT_NE(half.error().message.find("both --cert and --key"), std::string::npos);

    auto l = listener::bind("127.0.0.1", 0, tls_server_options{});
    ASSERT_FALSE(l.has_value());
    EXPECT_EQ(l.error().message, "a TLS server needs a certificate and a private key");

    auto bad_key =
        listener::bind("127.0.0.1", 0, tls_server_options{cert_file(), cert_file(), {}, {}});
    ASSERT_FALSE(bad_key.has_value());
    EXPECT_EQ(bad_key.error().message.rfind("cannot load TLS private key '", 0), 0u)
        << bad_key.error().message;
}

// --- the generated certificate itself ---

using x509_holder = std::unique_ptr<X509, decltype(&X509_free)>;

x509_holder parse_cert(const std::string& pem) {
    BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
    X509* x = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    return {x, &X509_free};
}

TEST(TransportTestCert, HasSubjectSansAndOneDayValidity) {
    auto c = generate_self_signed("wsspec unit", {"127.0.0.1", "example.test"});
    ASSERT_TRUE(c.has_value()) << c.error().message;
    EXPECT_EQ(c->cert_pem.rfind("-----BEGIN CERTIFICATE-----", 0), 0u);
    EXPECT_EQ(c->key_pem.rfind("-----BEGIN PRIVATE KEY-----", 0), 0u);
    auto x = parse_cert(c->cert_pem);
    ASSERT_NE(x, nullptr);

    char cn[64] = {};
    X509_NAME_get_text_by_NID(X509_get_subject_name(x.get()), NID_commonName, cn, sizeof cn);
    EXPECT_STREQ(cn, "wsspec unit");
    EXPECT_EQ(X509_check_ip_asc(x.get(), "127.0.0.1", 0), 1);
    EXPECT_EQ(X509_check_host(x.get(), "example.test", 0, 0, nullptr), 1);
    EXPECT_EQ(X509_check_host(x.get(), "other.test", 0, 0, nullptr), 0);

    int days = 0, seconds = 0;
    ASSERT_EQ(
        ASN1_TIME_diff(&days, &seconds, X509_get0_notBefore(x.get()), X509_get0_notAfter(x.get())),
        1);
    EXPECT_EQ(days * 86400 + seconds, 86400 + 60);

    EVP_PKEY* pub = X509_get0_pubkey(x.get());
    ASSERT_NE(pub, nullptr);
    EXPECT_EQ(EVP_PKEY_get_base_id(pub), EVP_PKEY_EC);
    EXPECT_EQ(EVP_PKEY_get_bits(pub), 256);
}

TEST(TransportTestCert, WriteToCreatesBothFiles) {
    auto c = generate_self_signed("files", {"localhost"});
    ASSERT_TRUE(c.has_value());
    temp_dir d;
    ASSERT_TRUE(c->write_to(d.path()).has_value());
    EXPECT_EQ(std::filesystem::file_size(d.file("cert.pem")), c->cert_pem.size());
    EXPECT_EQ(std::filesystem::file_size(d.file("key.pem")), c->key_pem.size());
    const auto perms = std::filesystem::status(d.file("key.pem")).permissions();
    EXPECT_EQ(perms & std::filesystem::perms::others_read, std::filesystem::perms::none);

    auto missing = c->write_to(d.file("no/such/dir"));
    ASSERT_FALSE(missing.has_value());
    EXPECT_NE(missing.error().message.find("cannot write"), std::string::npos);
}

TEST(TransportTestCert, EachCertificateHasItsOwnKey) {
    auto a = generate_self_signed("a", {"localhost"});
    auto b = generate_self_signed("a", {"localhost"});
    ASSERT_TRUE(a.has_value() && b.has_value());
    EXPECT_NE(a->key_pem, b->key_pem);
    EXPECT_NE(a->cert_pem, b->cert_pem);
}

} // namespace
} // namespace wsspec::transport
