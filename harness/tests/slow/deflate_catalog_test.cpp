// Categories 12 and 13 (permessage-deflate, 216 cases of 1000 round trips each) prove themselves
// against the reference server as the rest of the catalog does (conformance_test.cpp): all OK
// with deflate, none passing under the quirks they name. Minutes of compression in a Debug
// build, so a binary of its own labelled `slow`, left out of the sanitizer run.
#include <gtest/gtest.h>

#include "harness/catalog/case_loader.hpp"
#include "harness/tests/catalog_proof.hpp"

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

} // namespace
} // namespace wsspec
