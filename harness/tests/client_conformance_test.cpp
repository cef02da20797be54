// Self-validation in the client's role: every case that applies to clients is OK against the
// reference client (`wsspec client`), and fails under each quirk it names that a client can
// have. Both run the real loop over serve-cases (Autobahn's fuzzingserver protocol), in process.
#include <gtest/gtest.h>

#include <map>

#include "harness/catalog/case_loader.hpp"
#include "harness/tests/client_proof.hpp"

namespace wsspec {
namespace {

// Categories 12 and 13 (1000 compressed round trips each) prove themselves in the slow tests
// (tests/slow/client_deflate_catalog_test.cpp).
std::vector<catalog::case_def> client_cases(bool with_deflate_catalog = false) {
    auto all = catalog::load_catalog("", false);
    EXPECT_TRUE(all.has_value());
    std::vector<catalog::case_def> out;
    if (!all) return out;
    for (auto& c : *all)
        if (c.applies_to(catalog::peer_role::client) &&
            (with_deflate_catalog || (c.group != "12" && c.group != "13")))
            out.push_back(std::move(c));
    return out;
}

TEST(ClientConformance, TheClientRoleHoldsAutobahnsCatalogAndClientOnlyCases) {
    auto cases = client_cases(true);
    std::map<std::string, std::size_t> per_group;
    for (const auto& c : cases)
        ++per_group[c.group];
    // Autobahn's fuzzingserver runs the same cases with the roles swapped.
    EXPECT_EQ(per_group["1"], 16u);
    EXPECT_EQ(per_group["2"], 11u);
    EXPECT_EQ(per_group["3"], 7u);
    EXPECT_EQ(per_group["4"], 10u);
    EXPECT_EQ(per_group["5"], 20u);
    EXPECT_EQ(per_group["6"], 145u);
    EXPECT_EQ(per_group["7"], 37u);
    EXPECT_EQ(per_group["9"], 54u);
    EXPECT_EQ(per_group["10"], 1u);
    EXPECT_EQ(per_group["12"], 90u);
    EXPECT_EQ(per_group["13"], 126u);
    // (pmd.*: a server's answers to offers and its limits, not yet for clients.)
    EXPECT_EQ(per_group["pmd"], 0u);
    // And the rules only a client has (cases/rfc6455/client-only.json).
    EXPECT_EQ(per_group["client"], 16u);
}

TEST(ClientConformance, EveryClientRoleCasePassesAgainstTheReferenceClient) {
    auto cases = client_cases();
    auto rep = testing::run_reference_client(cases, false);
    ASSERT_EQ(rep.cases.size(), cases.size());
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const auto& r = rep.cases[i];
        EXPECT_EQ(r.role, "client");
        EXPECT_TRUE(report::passed(r, true))
            << r.id << ": " << r.behavior << " / " << r.behavior_close << ": " << r.reason;
        if (cases[i].informational) {
            EXPECT_EQ(r.behavior, report::verdict::informational) << r.id;
        }
    }
}

TEST(ClientConformance, EveryClientRoleCaseFailsUnderEachQuirkItNames) {
    testing::expect_each_fails_under_its_client_quirks(client_cases(), false);
}

} // namespace
} // namespace wsspec
