// The catalog proves itself against the reference server (design.md, "Self-validation"): with
// no quirk every case passes; under each quirk a case names, that case does not pass. A case
// that cannot fail is a defect, and so is a quirk name that does not exist.
#include <gtest/gtest.h>

#include <future>
#include <map>
#include <set>

#include "harness/catalog/case_loader.hpp"
#include "harness/engine/scheduler.hpp"
#include "harness/server/reference_server.hpp"

namespace wsspec {
namespace {

std::vector<catalog::case_def> catalog_or_die() {
    auto all = catalog::builtin_catalog();
    EXPECT_TRUE(all.has_value()) << (all ? "" : all.error().message);
    return all ? *all : std::vector<catalog::case_def>{};
}

report::run_report run_against(const std::vector<catalog::case_def>& cases,
                               std::vector<server::quirk> quirks) {
    server::server_options so;
    so.quirks = std::move(quirks);
    auto srv = server::reference_server::start(so);
    EXPECT_TRUE(srv.has_value());
    report::run_report rep;
    if (!srv) return rep;
    engine::run_options o;
    o.target = *transport::parse_url("ws://127.0.0.1:" + std::to_string((*srv)->port()) + "/");
    engine::schedule_options sched;
    sched.jobs = 16;
    engine::run_cases(cases, o, sched, rep);
    return rep;
}

TEST(Conformance, CatalogHasTheAutobahnCasesOfThisIssue) {
    auto all = catalog_or_die();
    std::map<std::string, int> per_group;
    for (const auto& c : all)
        ++per_group[c.group];
    EXPECT_EQ(per_group["1"], 16);
    EXPECT_EQ(per_group["2"], 11);
    EXPECT_EQ(per_group["3"], 7);
    EXPECT_EQ(per_group["4"], 10);
    EXPECT_EQ(per_group["5"], 20);
    EXPECT_EQ(per_group["10"], 1);
}

TEST(Conformance, EveryCaseNamesKnownQuirksThatBreakIt) {
    for (const auto& c : catalog_or_die()) {
        EXPECT_FALSE(c.quirks.empty()) << c.id << " names no quirk that makes it fail";
        EXPECT_FALSE(c.quote.empty()) << c.id << " quotes no RFC sentence";
        for (const auto& q : c.quirks)
            EXPECT_TRUE(server::parse_quirk(q).has_value()) << c.id << ": " << q;
    }
}

TEST(Conformance, EveryCasePassesAgainstTheReferenceServer) {
    auto all = catalog_or_die();
    auto rep = run_against(all, {});
    ASSERT_EQ(rep.cases.size(), all.size());
    for (const auto& r : rep.cases)
        EXPECT_TRUE(report::passed(r, true))
            << r.id << ": " << r.behavior << " / " << r.behavior_close << ": " << r.reason;
}

TEST(Conformance, EveryCaseFailsUnderEachQuirkItNames) {
    auto all = catalog_or_die();
    std::map<std::string, std::vector<catalog::case_def>> by_quirk;
    for (const auto& c : all)
        for (const auto& q : c.quirks)
            by_quirk[q].push_back(c);
    ASSERT_FALSE(by_quirk.empty());
    // One server per quirk, all at once: most quirks make cases wait for a timer.
    std::map<std::string, std::future<report::run_report>> runs;
    for (const auto& [name, cases] : by_quirk) {
        auto q = server::parse_quirk(name);
        ASSERT_TRUE(q.has_value()) << name;
        runs[name] = std::async(std::launch::async,
                                [&cases = cases, q] { return run_against(cases, {*q}); });
    }
    for (auto& [name, run] : runs) {
        const auto& cases = by_quirk[name];
        auto rep = run.get();
        ASSERT_EQ(rep.cases.size(), cases.size()) << name;
        for (const auto& r : rep.cases) {
            EXPECT_FALSE(report::passed(r, false))
                << r.id << " passed under quirk " << name << " (" << r.behavior << " / "
                << r.behavior_close << ")";
            EXPECT_NE(r.behavior, report::verdict::error)
                << r.id << " under " << name << ": " << r.reason;
        }
    }
}

} // namespace
} // namespace wsspec
