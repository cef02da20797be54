// Self-validation in the client's role: every case that applies to clients is OK against the
// reference client (`wsspec client`), and fails under each quirk it names that a client can
// have. Both run the real loop over serve-cases (Autobahn's fuzzingserver protocol), in process.
#include <gtest/gtest.h>

#include <future>
#include <map>

#include "harness/catalog/case_loader.hpp"
#include "harness/serve_cases/case_server.hpp"
#include "harness/server/reference_client.hpp"

namespace wsspec {
namespace {

std::vector<catalog::case_def> client_cases() {
    auto all = catalog::load_catalog("", false);
    EXPECT_TRUE(all.has_value());
    std::vector<catalog::case_def> out;
    if (!all) return out;
    for (auto& c : *all)
        if (c.applies_to(catalog::peer_role::client)) out.push_back(std::move(c));
    return out;
}

struct served {
    std::unique_ptr<serve_cases::case_server> server;
    std::string url;
};

served serve(const std::vector<catalog::case_def>& cases, double timer_scale) {
    serve_cases::case_server_options o;
    o.port = 0;
    o.cases = cases;
    o.run.timer_scale = timer_scale;
    auto s = serve_cases::case_server::start(std::move(o));
    EXPECT_TRUE(s.has_value()) << (s ? "" : s.error().message);
    if (!s) return {};
    std::string url = (*s)->url();
    return {std::move(*s), url};
}

server::client_options client_of(const std::string& url, const std::string& agent) {
    server::client_options o;
    o.server = *transport::parse_url(url);
    o.agent = agent;
    o.update_reports = false;
    return o;
}

TEST(ClientConformance, TheClientRoleHoldsAutobahnsCategoriesOneToTenAndClientOnlyCases) {
    auto cases = client_cases();
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
    // And the rules only a client has (cases/rfc6455/client-only.json).
    EXPECT_EQ(per_group["client"], 16u);
}

TEST(ClientConformance, EveryClientRoleCasePassesAgainstTheReferenceClient) {
    auto cases = client_cases();
    // Stretched timers cost nothing against a clean client (nothing waits for them) and keep a
    // loaded sanitizer build from missing Autobahn's 1 s.
    auto s = serve(cases, 4.0);
    ASSERT_TRUE(s.server);
    auto summary = server::run_client_loop(client_of(s.url, "clean"));
    ASSERT_TRUE(summary.has_value()) << summary.error().message;
    EXPECT_EQ(summary->case_count, cases.size());
    EXPECT_TRUE(s.server->wait_idle(std::chrono::seconds(30)));
    auto reports = s.server->reports();
    ASSERT_EQ(reports.size(), 1u);
    ASSERT_EQ(reports[0].cases.size(), cases.size());
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const auto& r = reports[0].cases[i];
        EXPECT_EQ(r.role, "client");
        EXPECT_TRUE(report::passed(r, true))
            << r.id << ": " << r.behavior << " / " << r.behavior_close << ": " << r.reason;
        if (cases[i].informational) {
            EXPECT_EQ(r.behavior, report::verdict::informational) << r.id;
        }
    }
}

// Each quirk a client can have runs the cases naming it, in slices of a few cases on
// connections of their own (the loop is sequential; most quirks make a case wait for its timer).
TEST(ClientConformance, EveryClientRoleCaseFailsUnderEachQuirkItNames) {
    auto cases = client_cases();
    auto s = serve(cases, 1.0);
    ASSERT_TRUE(s.server);
    std::map<std::string, std::vector<unsigned>> by_quirk;
    for (std::size_t i = 0; i < cases.size(); ++i)
        for (const auto& q : cases[i].quirks) {
            auto parsed = server::parse_quirk(q);
            ASSERT_TRUE(parsed.has_value()) << q;
            if (server::role_of(*parsed) == server::quirk_role::server) continue;
            by_quirk[q].push_back(static_cast<unsigned>(i + 1));
        }
    for (std::size_t i = 0; i < cases.size(); ++i)
        if (!cases[i].informational) {
            bool shown = false;
            for (const auto& [q, numbers] : by_quirk)
                shown = shown || std::count(numbers.begin(), numbers.end(), i + 1);
            EXPECT_TRUE(shown) << cases[i].id << " names no quirk a client can have";
        }
    constexpr std::size_t slice = 8;
    std::vector<std::future<void>> runs;
    for (const auto& [name, numbers] : by_quirk)
        for (std::size_t at = 0; at < numbers.size(); at += slice) {
            auto o = client_of(s.url, name);
            o.quirks = {*server::parse_quirk(name)};
            o.only.assign(numbers.begin() + static_cast<std::ptrdiff_t>(at),
                          numbers.begin() +
                              static_cast<std::ptrdiff_t>(std::min(numbers.size(), at + slice)));
            runs.push_back(std::async(std::launch::async, [o] {
                auto r = server::run_client_loop(o);
                EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
            }));
        }
    for (auto& r : runs)
        r.get();
    EXPECT_TRUE(s.server->wait_idle(std::chrono::seconds(30)));
    std::map<std::string, const report::run_report*> by_agent;
    auto reports = s.server->reports();
    for (const auto& r : reports)
        by_agent[r.agent] = &r;
    for (const auto& [name, numbers] : by_quirk) {
        ASSERT_TRUE(by_agent.count(name)) << name << " ran no case";
        const auto& rep = *by_agent[name];
        EXPECT_EQ(rep.cases.size(), numbers.size()) << name;
        for (const auto& r : rep.cases) {
            const auto& c = *std::find_if(cases.begin(), cases.end(),
                                          [&](const catalog::case_def& d) { return d.id == r.id; });
            // client_checks make an OK behavior NON-STRICT: such a case shows its quirk so.
            const bool lists_non_strict =
                c.client_checks.any() ||
                std::any_of(c.expect.begin(), c.expect.end(),
                            [](const auto& e) { return e.level == report::verdict::non_strict; });
            const bool reached_informational =
                r.behavior == report::verdict::informational &&
                std::any_of(c.expect.begin(), c.expect.end(), [](const auto& e) {
                    return e.level == report::verdict::informational;
                });
            EXPECT_FALSE(report::passed(r, lists_non_strict) && !reached_informational)
                << r.id << " passed under client quirk " << name << " (" << r.behavior << " / "
                << r.behavior_close << ")";
            EXPECT_NE(r.behavior, report::verdict::error) << r.id << " under " << name;
        }
    }
}

} // namespace
} // namespace wsspec
