// Categories 12 and 13 (permessage-deflate, 216 cases of 1000 round trips each) prove themselves
// against the reference server and the reference client as the rest of the catalog does
// (conformance_test.cpp, client_conformance_test.cpp): all OK with deflate, UNIMPLEMENTED
// without, none passing under the quirks they name. Minutes of compression in a Debug
// build, so a binary of its own labelled `slow`, left out of the sanitizer run.
#include <gtest/gtest.h>

#include "harness/catalog/case_loader.hpp"
#include "harness/tests/catalog_proof.hpp"
#include "harness/tests/client_proof.hpp"

namespace wsspec {
namespace {

std::vector<catalog::case_def> deflate_cases() {
    auto all = catalog::builtin_catalog();
    EXPECT_TRUE(all.has_value()) << (all ? "" : all.error().message);
    std::vector<catalog::case_def> out;
    if (all)
        for (auto& c : *all)
            if (c.group == "12" || c.group == "13") out.push_back(std::move(c));
    return out;
}

TEST(DeflateCatalog, EveryCasePassesAgainstTheReferenceServer) {
    auto cases = deflate_cases();
    ASSERT_EQ(cases.size(), 216u);
    auto rep = testing::run_against(cases, {});
    ASSERT_EQ(rep.cases.size(), cases.size());
    for (const auto& r : rep.cases)
        EXPECT_TRUE(report::passed(r, true))
            << r.id << ": " << r.behavior << " / " << r.behavior_close << ": " << r.reason;
}

TEST(DeflateCatalog, EveryCaseIsUnimplementedWhenTheServerDeclines) {
    auto cases = deflate_cases();
    server::server_options so; // no deflate
    auto rep = testing::run_against_server(cases, so);
    ASSERT_EQ(rep.cases.size(), cases.size());
    for (const auto& r : rep.cases) {
        EXPECT_EQ(r.behavior, report::verdict::unimplemented) << r.id << ": " << r.reason;
        EXPECT_EQ(r.behavior_close, report::verdict::ok) << r.id << ": " << r.reason;
    }
}

TEST(DeflateCatalog, EveryCaseFailsUnderEachQuirkItNames) {
    testing::expect_each_fails_under_its_quirks(deflate_cases());
}

// The client's role: serve-cases answers the reference client's permessage-deflate offer with
// each case's accept terms (Autobahn's accept functions) and sends the 1000 compressed messages;
// a client that sets RSV1 on what it did not compress, or keeps its context after agreeing to
// client_no_context_takeover, fails them.
TEST(ClientDeflateCatalog, EveryCasePassesAgainstTheReferenceClient) {
    auto cases = deflate_cases();
    ASSERT_EQ(cases.size(), 216u);
    auto rep = testing::run_reference_client(cases, true);
    ASSERT_EQ(rep.cases.size(), cases.size());
    for (const auto& r : rep.cases) {
        EXPECT_EQ(r.role, "client");
        EXPECT_TRUE(report::passed(r, true))
            << r.id << ": " << r.behavior << " / " << r.behavior_close << ": " << r.reason;
    }
}

TEST(ClientDeflateCatalog, EveryCaseIsUnimplementedWhenTheClientOffersNoDeflate) {
    auto cases = deflate_cases();
    auto rep = testing::run_reference_client(cases, false);
    ASSERT_EQ(rep.cases.size(), cases.size());
    for (const auto& r : rep.cases) {
        EXPECT_EQ(r.behavior, report::verdict::unimplemented) << r.id << ": " << r.reason;
        EXPECT_EQ(r.behavior_close, report::verdict::ok) << r.id << ": " << r.reason;
    }
}

TEST(ClientDeflateCatalog, EveryCaseFailsUnderEachQuirkItNames) {
    testing::expect_each_fails_under_its_client_quirks(deflate_cases(), true);
}

} // namespace
} // namespace wsspec
