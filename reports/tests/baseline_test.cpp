// Baselines: what counts as worse, better or merely different, and the files a baseline is read
// from (ours, a report.json, an Autobahn index.json), with errors that name the field.
#include <gtest/gtest.h>

#include "reports/baseline.hpp"
#include "reports/native_json.hpp"
#include "reports/tests/sample_run.hpp"

using namespace wsspec::report;
using namespace wsspec::report::test;
using nlohmann::json;

namespace {

std::vector<run_report> one_case(verdict b, verdict bc, std::string agent = "srv") {
    run_report r;
    r.agent = std::move(agent);
    r.cases = {make_case("7.9.5", "7", b, bc, "why")};
    return {r};
}

baseline expecting(verdict b, verdict bc, std::string agent = "*") {
    baseline x;
    x.agents[agent]["7.9.5"] = {b, bc, "known"};
    return x;
}

} // namespace

TEST(Baseline, SeverityOrdersTheVerdicts) {
    EXPECT_EQ(severity(verdict::ok, verdict::ok, false), 0);
    EXPECT_EQ(severity(verdict::informational, verdict::informational, false), 0);
    EXPECT_EQ(severity(verdict::non_strict, verdict::ok, false), 1);
    EXPECT_EQ(severity(verdict::non_strict, verdict::ok, true), 2);
    EXPECT_EQ(severity(verdict::unimplemented, verdict::ok, false), 1);
    EXPECT_EQ(severity(verdict::ok, verdict::wrong_code, false), 2);
    EXPECT_EQ(severity(verdict::error, verdict::error, false), 2);
    EXPECT_EQ(severity(verdict::crashed, verdict::crashed, false), 3);
}

TEST(Baseline, WorseIsARegressionBetterIsFixedSameSeverityIsAChange) {
    auto c =
        compare(expecting(verdict::ok, verdict::ok), one_case(verdict::failed, verdict::ok), false);
    ASSERT_EQ(c.changes.size(), 1u);
    EXPECT_EQ(c.changes[0].kind, change_kind::regressed);
    EXPECT_EQ(c.regressed, 1u);

    c = compare(expecting(verdict::failed, verdict::ok), one_case(verdict::ok, verdict::ok), false);
    ASSERT_EQ(c.changes.size(), 1u);
    EXPECT_EQ(c.changes[0].kind, change_kind::fixed);
    EXPECT_EQ(c.fixed, 1u);
    EXPECT_EQ(c.regressed, 0u);

    c = compare(expecting(verdict::failed, verdict::ok), one_case(verdict::ok, verdict::wrong_code),
                false);
    ASSERT_EQ(c.changes.size(), 1u);
    EXPECT_EQ(c.changes[0].kind, change_kind::changed);
    EXPECT_EQ(c.regressed + c.fixed, 0u);

    c = compare(expecting(verdict::failed, verdict::ok), one_case(verdict::failed, verdict::ok),
                false);
    EXPECT_TRUE(c.changes.empty());

    // NON-STRICT where OK was expected: worse, but a regression only as strict as the run.
    c = compare(expecting(verdict::ok, verdict::ok), one_case(verdict::non_strict, verdict::ok),
                false);
    EXPECT_EQ(c.regressed, 1u);
    c = compare(expecting(verdict::non_strict, verdict::ok), one_case(verdict::ok, verdict::ok),
                false);
    EXPECT_EQ(c.fixed, 1u);
    // A crash where a failure was known is worse still.
    c = compare(expecting(verdict::failed, verdict::ok),
                one_case(verdict::crashed, verdict::crashed), false);
    EXPECT_EQ(c.regressed, 1u);
}

TEST(Baseline, ACaseABaselineFileDoesNotListIsExpectedToPass) {
    baseline listed; // lists nothing
    auto c = compare(listed, one_case(verdict::failed, verdict::ok), false);
    ASSERT_EQ(c.changes.size(), 1u);
    EXPECT_EQ(c.changes[0].kind, change_kind::regressed);
    c = compare(listed, one_case(verdict::ok, verdict::ok), false);
    EXPECT_TRUE(c.changes.empty());
}

TEST(Baseline, AReportAsBaselineKnowsNewCasesAndCasesNotRun) {
    auto before = baseline_of(one_case(verdict::ok, verdict::ok), true);
    auto after = one_case(verdict::ok, verdict::ok);
    after[0].cases[0].id = "7.9.6";
    auto c = compare(before, after, false);
    ASSERT_EQ(c.changes.size(), 2u);
    EXPECT_EQ(c.changes[0].kind, change_kind::added);
    EXPECT_EQ(c.changes[1].kind, change_kind::not_run);
    EXPECT_EQ(c.changes[1].id, "7.9.5");
    after[0].cases[0].behavior = verdict::failed;
    c = compare(before, after, false);
    EXPECT_EQ(c.changes[0].kind, change_kind::regressed);
}

TEST(Baseline, AgentsMatchByNameThenStarThenTheOnlyOne) {
    // The only agent of the baseline stands for a run's only agent whatever its name.
    auto c = compare(expecting(verdict::failed, verdict::ok, "old-name"),
                     one_case(verdict::failed, verdict::ok, "new-name"), false);
    EXPECT_TRUE(c.changes.empty());
    // With several, a name it does not know is compared with "expected to pass", and said.
    auto two = expecting(verdict::failed, verdict::ok, "a");
    two.agents["b"] = {};
    c = compare(two, one_case(verdict::failed, verdict::ok, "c"), false);
    EXPECT_EQ(c.regressed, 1u);
    ASSERT_EQ(c.notes.size(), 1u);
    EXPECT_NE(c.notes[0].find("no agent 'c'"), std::string::npos);
}

TEST(Baseline, WrittenFromAReportItListsWhatDidNotPassAndReadsBack) {
    auto run = sample_run();
    auto j = baseline_json(baseline_of(run, false));
    EXPECT_EQ(j["wsspec_baseline"], 1);
    EXPECT_FALSE(j["agents"]["ws@8.18.3"].contains("1.1.1"));
    EXPECT_EQ(j["agents"]["ws@8.18.3"]["7.9.5"]["behaviorClose"], "WRONG CODE");
    EXPECT_EQ(j["agents"]["ws@8.18.3"]["6.4.1"]["behavior"], "NON-STRICT");
    auto back = parse_baseline(j, "b.json");
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_TRUE(compare(*back, run, false).changes.empty());
}

TEST(Baseline, ReadsReportsAndAutobahnIndexFiles) {
    auto run = sample_run();
    auto from_report = parse_baseline(to_json(run, false), "report.json");
    ASSERT_TRUE(from_report) << from_report.error().message;
    EXPECT_TRUE(from_report->complete);
    EXPECT_TRUE(compare(*from_report, run, false).changes.empty());

    auto index = json::parse(R"({"ws@8.18.3": {"2.5": {"behavior": "OK", "behaviorClose": "OK",
        "duration": 2, "remoteCloseCode": 1002, "reportfile": "x.json"}}})");
    auto from_index = parse_baseline(index, "index.json");
    ASSERT_TRUE(from_index) << from_index.error().message;
    auto c = compare(*from_index, run, false);
    EXPECT_GE(c.regressed, 1u); // 2.5 was OK for Autobahn, FAILED now
}

TEST(Baseline, BadFilesGetAnErrorNamingTheField) {
    struct row {
        const char* text;
        const char* error;
    } rows[] = {
        {R"({"wsspec_baseline": 1, "cases": {"7.9.5": {"behavior": "PASS"}}})",
         "b.json: cases.7.9.5.behavior: 'PASS' is not a verdict"},
        {R"({"wsspec_baseline": 1, "cases": {"7.9.5": {"behaviorClose": "OK"}}})",
         "b.json: cases.7.9.5.behavior: missing"},
        {R"({"wsspec_baseline": 1, "cases": {"7.9.5": {"behavior": "OK", "reason": 3}}})",
         "b.json: cases.7.9.5.reason: expected a string"},
        {R"({"wsspec_baseline": 1, "agents": []})", "b.json: agents: expected an object"},
        {R"({"wsspec_baseline": 2})", "b.json: wsspec_baseline: this wsspec reads version 1"},
        {R"([1, 2])", "b.json: not a baseline"},
    };
    for (const auto& r : rows) {
        auto b = parse_baseline(json::parse(r.text), "b.json");
        ASSERT_FALSE(b) << r.text;
        EXPECT_EQ(b.error().message.rfind(r.error, 0), 0u) << b.error().message;
    }
}
