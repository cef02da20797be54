// The catalog proves itself against the reference server (design.md, "Self-validation"): with
// no quirk every case passes; under each quirk a case names, that case does not pass. A case
// that cannot fail is a defect, and so is a quirk name that does not exist.
#include <gtest/gtest.h>

#include <map>

#include "harness/catalog/case_loader.hpp"
#include "harness/tests/catalog_proof.hpp"

namespace wsspec {
namespace {

std::vector<catalog::case_def> whole_catalog() {
    auto all = catalog::builtin_catalog();
    EXPECT_TRUE(all.has_value()) << (all ? "" : all.error().message);
    return all ? *all : std::vector<catalog::case_def>{};
}

// Categories 12 and 13 (permessage-deflate) prove themselves in slow/deflate_catalog_test.cpp,
// the cases for clients in client_conformance_test.cpp.
std::vector<catalog::case_def> catalog_or_die() {
    auto all = whole_catalog();
    std::erase_if(all, [](const catalog::case_def& c) {
        return c.group == "12" || c.group == "13" || !c.applies_to(catalog::peer_role::server);
    });
    return all;
}

TEST(Conformance, CatalogHasTheAutobahnCasesOfThisIssue) {
    auto all = whole_catalog();
    std::map<std::string, int> per_group;
    for (const auto& c : all)
        ++per_group[c.group];
    EXPECT_EQ(per_group["1"], 16);
    EXPECT_EQ(per_group["2"], 11);
    EXPECT_EQ(per_group["3"], 7);
    EXPECT_EQ(per_group["4"], 10);
    EXPECT_EQ(per_group["5"], 20);
    EXPECT_EQ(per_group["6"], 145);
    EXPECT_EQ(per_group["7"], 37);
    EXPECT_EQ(per_group["9"], 54);
    EXPECT_EQ(per_group["10"], 1);
    EXPECT_EQ(per_group["12"], 90);
    EXPECT_EQ(per_group["13"], 126);
    EXPECT_GE(per_group["pmd"], 15) << "permessage-deflate beyond Autobahn";
    EXPECT_GE(per_group["mask"], 6) << "masking beyond Autobahn (RFC 6455 §5.1, §5.3)";
    EXPECT_GE(per_group["length"], 8) << "length encodings beyond Autobahn (RFC 6455 §5.2, §5.5)";
    EXPECT_GE(per_group["limits"], 9) << "limits and resilience beyond Autobahn";
    EXPECT_GE(per_group["hs"], 25) << "the opening handshake beyond Autobahn (RFC 6455 §4.2)";
    EXPECT_GE(per_group["hs"] + per_group["mask"] + per_group["length"] + per_group["limits"], 47)
        << "issue 13: at least 47 cases beyond Autobahn";
}

// Cases that only observe (`informational`: 7.1.6, 7.13.x, as in Autobahn) cannot fail, so they
// name no quirk; every other case must.
TEST(Conformance, EveryCaseNamesKnownQuirksThatBreakIt) {
    for (const auto& c : whole_catalog()) {
        if (c.informational) {
            EXPECT_TRUE(c.quirks.empty()) << c.id << " only observes: no quirk can make it fail";
            continue;
        }
        EXPECT_FALSE(c.quirks.empty()) << c.id << " names no quirk that makes it fail";
        EXPECT_FALSE(c.quote.empty()) << c.id << " quotes no RFC sentence";
        for (const auto& q : c.quirks)
            EXPECT_TRUE(server::parse_quirk(q).has_value()) << c.id << ": " << q;
    }
}

TEST(Conformance, EveryCasePassesAgainstTheReferenceServer) {
    auto all = catalog_or_die();
    auto rep = testing::run_against(all, {});
    ASSERT_EQ(rep.cases.size(), all.size());
    for (std::size_t i = 0; i < rep.cases.size(); ++i) {
        const auto& r = rep.cases[i];
        EXPECT_TRUE(report::passed(r, true))
            << r.id << ": " << r.behavior << " / " << r.behavior_close << ": " << r.reason;
        if (all[i].informational) {
            EXPECT_EQ(r.behavior, report::verdict::informational) << r.id;
        }
    }
}

TEST(Conformance, EveryCaseFailsUnderEachQuirkItNames) {
    testing::expect_each_fails_under_its_quirks(catalog_or_die());
}

// 5.19 pauses after its first ping only so that the pong can come back before the next
// fragments ("until": "pong"): the pause ends when the pong is in, and lasts its whole settle
// time when none comes. Measured on the wire log: from the write with the ping to the next one.
double pause_after_first_ping_ms(std::vector<server::quirk> quirks,
                                 std::chrono::milliseconds settle) {
    auto all = whole_catalog();
    std::erase_if(all, [](const catalog::case_def& c) { return c.id != "5.19"; });
    EXPECT_EQ(all.size(), 1u);
    EXPECT_TRUE(all.empty() || all[0].steps[3].wait.until_pong);
    server::server_options so;
    so.quirks = std::move(quirks);
    auto srv = server::reference_server::start(so);
    EXPECT_TRUE(srv.has_value());
    if (!srv || all.empty()) return -1;
    engine::run_options o;
    o.target = *transport::parse_url("ws://127.0.0.1:" + std::to_string((*srv)->port()) + "/");
    o.settle = settle;
    o.wirelog = true;
    report::run_report rep;
    engine::run_cases(all, o, {}, rep);
    EXPECT_EQ(rep.cases.size(), 1u);
    if (rep.cases.empty()) return -1;
    std::vector<double> writes;
    for (const auto& e : rep.cases[0].wirelog)
        if (e.what == "TX") writes.push_back(e.t_ms);
    EXPECT_GE(writes.size(), 2u) << "fragments 1-2 with the ping, then the rest";
    return writes.size() < 2 ? -1 : writes[1] - writes[0];
}

TEST(Conformance, APauseForAPongEndsWhenThePongIsIn) {
    using namespace std::chrono_literals;
    EXPECT_LT(pause_after_first_ping_ms({}, 5s), 2500) << "the pong ends the 5 s pause";
    EXPECT_GE(pause_after_first_ping_ms({server::quirk::no_pong}, 300ms), 300)
        << "with no pong the pause lasts its settle time";
}

} // namespace
} // namespace wsspec
