// The examples of cases/examples/ (one small case for each thing the case model can say) run
// as the catalog does: each passes against the reference server, and fails under each quirk it
// names. The client-role example runs against a real client in the interop tests.
#include <gtest/gtest.h>

#include "harness/catalog/case_loader.hpp"
#include "harness/tests/catalog_proof.hpp"

#ifndef WSSPEC_SOURCE_DIR
#error "WSSPEC_SOURCE_DIR must be defined by the build"
#endif

namespace wsspec {
namespace {

using catalog::case_def;
using catalog::peer_role;
using report::verdict;

std::vector<case_def> examples() {
    auto all = catalog::load_case_dir(std::string(WSSPEC_SOURCE_DIR) + "/cases/examples");
    EXPECT_TRUE(all.has_value()) << (all ? "" : all.error().message);
    return all ? *all : std::vector<case_def>{};
}

std::vector<case_def> server_role(const std::vector<case_def>& all) {
    std::vector<case_def> out;
    for (const auto& c : all)
        if (c.applies_to(peer_role::server)) out.push_back(c);
    return out;
}

const report::case_result* find(const report::run_report& rep, const std::string& id) {
    for (const auto& r : rep.cases)
        if (r.id == id) return &r;
    return nullptr;
}

TEST(Examples, ThereIsOneForEachThingTheModelCanSay) {
    auto all = examples();
    auto any = [&](auto pred) { return std::any_of(all.begin(), all.end(), pred); };
    using k = catalog::event::kind;
    EXPECT_TRUE(any([](const case_def& c) { return c.handshake.request.replace.size() > 0; }));
    EXPECT_TRUE(any([](const case_def& c) { return c.handshake.chop == 1; }));
    EXPECT_TRUE(any([](const case_def& c) { return c.handshake.with_first_frame; }));
    EXPECT_TRUE(any([](const case_def& c) { return c.observes(k::http_response); }));
    EXPECT_TRUE(any([](const case_def& c) { return c.observes(k::http_request); }));
    EXPECT_TRUE(any([](const case_def& c) { return c.applies_to(peer_role::client); }));
    EXPECT_TRUE(any([](const case_def& c) { return c.observes(k::close); }));
    EXPECT_TRUE(any([](const case_def& c) {
        return c.close.empty == catalog::close_expectation::empty_close::forbidden;
    }));
    EXPECT_TRUE(any([](const case_def& c) {
        return std::any_of(c.steps.begin(), c.steps.end(),
                           [](const auto& s) { return s.close_reason.size() > 123; });
    }));
    EXPECT_TRUE(any([](const case_def& c) { return !c.extensions.require.empty(); }));
    EXPECT_TRUE(any([](const case_def& c) {
        return std::any_of(c.steps.begin(), c.steps.end(), [](const auto& s) { return s.repeat; });
    }));
    EXPECT_TRUE(any([](const case_def& c) {
        return std::any_of(c.steps.begin(), c.steps.end(), [](const auto& s) {
            return s.frame.data.kind() == catalog::payload::form::pattern &&
                   s.frame.data.size() >= (16u << 20);
        });
    }));
    // The family: 2 vectors × 3 ways of sending.
    int family = 0;
    for (const auto& c : all)
        family += c.id.rfind("example.utf8.", 0) == 0;
    EXPECT_EQ(family, 6);
}

TEST(Examples, LargePayloadsAreNotBuiltAtLoadTime) {
    for (const auto& c : examples())
        for (const auto& s : c.steps)
            if (s.frame.data.size() > (1u << 20)) {
                EXPECT_EQ(s.frame.data.kind(), catalog::payload::form::pattern) << c.id;
                EXPECT_LT(s.frame.data.data().size(), 16u) << c.id << ": only the pattern is held";
            }
}

TEST(Examples, ADeclinedExtensionIsUnimplemented) {
    std::vector<catalog::case_def> ext;
    for (const auto& c : examples())
        if (c.id == "example.extensions.1") ext.push_back(c);
    ASSERT_EQ(ext.size(), 1u);
    server::server_options so; // no deflate: every offer declined
    auto rep = testing::run_against_server(ext, so);
    ASSERT_EQ(rep.cases.size(), 1u);
    EXPECT_EQ(rep.cases[0].behavior, verdict::unimplemented) << rep.cases[0].reason;
    EXPECT_EQ(rep.cases[0].behavior_close, verdict::ok) << rep.cases[0].reason;
}

TEST(Examples, EachPassesAgainstTheReferenceServer) {
    auto cases = server_role(examples());
    ASSERT_FALSE(cases.empty());
    auto rep = testing::run_against(cases, {});
    ASSERT_EQ(rep.cases.size(), cases.size());
    for (const auto& r : rep.cases) {
        EXPECT_TRUE(report::passed(r, true))
            << r.id << ": " << r.behavior << " / " << r.behavior_close << ": " << r.reason;
    }
    const auto* repeat = find(rep, "example.size.2");
    ASSERT_NE(repeat, nullptr);
    EXPECT_EQ(repeat->metrics.round_trips, 100u);
    EXPECT_GT(repeat->metrics.rtt_p50_ms, 0);
    EXPECT_GE(repeat->metrics.rtt_max_ms, repeat->metrics.rtt_p99_ms);
    const auto* big = find(rep, "example.size.1");
    ASSERT_NE(big, nullptr);
    EXPECT_GE(big->metrics.bytes_sent, 16u << 20);
    EXPECT_GE(big->metrics.bytes_received, 16u << 20);
}

TEST(Examples, EachFailsUnderEachQuirkItNames) {
    testing::expect_each_fails_under_its_quirks(server_role(examples()));
}

} // namespace
} // namespace wsspec
