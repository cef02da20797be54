// The whole catalog over wss://: TLS must change nothing about the verdicts, and a certificate
// that cannot be verified must stop every case before its handshake, saying why.
#include <gtest/gtest.h>

#include <cstdio>

#include "harness/catalog/case_loader.hpp"
#include "harness/engine/scheduler.hpp"
#include "harness/server/reference_server.hpp"
#include "harness/transport/test_cert.hpp"
#include "transport_test_util.hpp"

namespace wsspec {
namespace {

// One certificate for 127.0.0.1 (an IP SAN, the name the client verifies), generated for this
// run and written to a temp dir as the client's trust anchor; one TLS reference server.
class TlsCatalog : public ::testing::Test {
protected:
    void SetUp() override {
        auto cert = transport::generate_self_signed("wsspec tls catalog test", {"127.0.0.1"});
        ASSERT_TRUE(cert.has_value()) << cert.error().message;
        ASSERT_FALSE(dir_.path().empty());
        auto written = cert->write_to(dir_.path());
        ASSERT_TRUE(written.has_value()) << written.error().message;
        cacert_ = dir_.file(transport::self_signed_cert::cert_file_name);

        server::server_options so;
        so.tls = transport::tls_server_options{{}, {}, cert->cert_pem, cert->key_pem};
        auto srv = server::reference_server::start(std::move(so));
        ASSERT_TRUE(srv.has_value()) << srv.error().message;
        server_ = std::move(srv).value();
        ASSERT_TRUE(server_->is_tls());
    }

    void TearDown() override {
        if (server_) server_->stop();
    }

    report::run_report run_catalog(bool trust_the_certificate) {
        auto all = catalog::builtin_catalog();
        EXPECT_TRUE(all.has_value()) << (all ? "" : all.error().message);
        report::run_report rep;
        if (!all) return rep;
        // The permessage-deflate groups (12, 13: minutes of compression; pmd) prove themselves
        // over TCP (slow/deflate_catalog_test.cpp, conformance_test.cpp); TLS carries their
        // frames as it carries any others.
        std::erase_if(*all, [](const catalog::case_def& c) {
            return c.group == "12" || c.group == "13" || c.group == "pmd" ||
                   !c.applies_to(catalog::peer_role::server);
        });
        catalog_size_ = all->size();
        engine::run_options o;
        auto u = transport::parse_url("wss://127.0.0.1:" + std::to_string(server_->port()) + "/");
        EXPECT_TRUE(u.has_value());
        if (!u) return rep;
        o.target = *u;
        o.tls.insecure = false; // verification on, in both tests
        if (trust_the_certificate) o.tls.cacert = cacert_;
        engine::schedule_options sched;
        sched.jobs = 16;
        engine::run_cases(*all, o, sched, rep);
        return rep;
    }

    transport::testing::temp_dir dir_;
    std::string cacert_;
    std::unique_ptr<server::reference_server> server_;
    std::size_t catalog_size_ = 0;
};

TEST_F(TlsCatalog, EveryCasePassesOverVerifiedTls) {
    auto rep = run_catalog(true);
    ASSERT_GT(catalog_size_, 0u);
    ASSERT_EQ(rep.cases.size(), catalog_size_) << rep.note;
    EXPECT_TRUE(rep.note.empty()) << rep.note;
    for (const auto& r : rep.cases) {
        // 7.1.6 and 7.13.x only observe: INFORMATIONAL whatever happens.
        const auto want = r.behavior_close == report::verdict::informational
                              ? report::verdict::informational
                              : report::verdict::ok;
        EXPECT_EQ(r.behavior, want) << r.id << ": " << r.reason;
        EXPECT_EQ(r.behavior_close, want) << r.id << ": " << r.reason;
    }
}

TEST_F(TlsCatalog, UntrustedCertificateIsAnErrorInEveryCase) {
    auto rep = run_catalog(false);
    ASSERT_GT(catalog_size_, 0u);
    ASSERT_EQ(rep.cases.size(), catalog_size_) << rep.note;
    // The server still accepts TCP, so this is no crash: every case ends on its own.
    EXPECT_TRUE(rep.note.empty()) << rep.note;
    for (const auto& r : rep.cases) {
        EXPECT_EQ(r.behavior, report::verdict::error) << r.id;
        EXPECT_NE(r.reason.find("certificate verify failed"), std::string::npos)
            << r.id << ": " << r.reason;
        EXPECT_TRUE(r.http_response.empty())
            << r.id << " got an HTTP response over an unverified connection";
    }
    std::printf("[ tls      ] %s: %s\n", rep.cases.front().id.c_str(),
                rep.cases.front().reason.c_str());
}

} // namespace
} // namespace wsspec
