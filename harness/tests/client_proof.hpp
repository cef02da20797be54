#pragma once
// Self-validation in the client's role (design.md): a set of cases served by serve-cases in
// process, run by the reference client over Autobahn's fuzzingserver loop, clean or with
// quirks. The client-role catalog test and the slow permessage-deflate test prove their cases
// with it.
#include <gtest/gtest.h>

#include <algorithm>
#include <future>
#include <map>

#include "harness/catalog/case_model.hpp"
#include "harness/serve_cases/case_server.hpp"
#include "harness/server/reference_client.hpp"

namespace wsspec::testing {

struct served_cases {
    std::unique_ptr<serve_cases::case_server> server;
    std::string url;
};

inline served_cases serve(const std::vector<catalog::case_def>& cases, double timer_scale) {
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

inline server::client_options client_of(const std::string& url, const std::string& agent,
                                        bool deflate = false) {
    server::client_options o;
    o.server = *transport::parse_url(url);
    o.agent = agent;
    o.deflate = deflate;
    o.update_reports = false;
    return o;
}

// The reference client runs every case once, in `loops` loops at once (case i in loop
// i % loops: the loop is sequential and categories 9, 12 and 13 are long); the report holds
// them in the cases' order.
inline report::run_report run_reference_client(const std::vector<catalog::case_def>& cases,
                                               bool deflate, unsigned loops = 4) {
    // Stretched timers cost nothing against a clean client (nothing waits for them) and keep a
    // loaded sanitizer build from missing Autobahn's 1 s.
    auto s = serve(cases, 4.0);
    EXPECT_TRUE(s.server);
    if (!s.server) return {};
    std::vector<std::future<void>> runs;
    for (unsigned k = 0; k < loops; ++k) {
        auto o = client_of(s.url, "clean", deflate);
        for (unsigned n = k + 1; n <= cases.size(); n += loops)
            o.only.push_back(n);
        runs.push_back(std::async(std::launch::async, [o, &cases] {
            auto summary = server::run_client_loop(o);
            EXPECT_TRUE(summary.has_value()) << (summary ? "" : summary.error().message);
            if (summary) {
                EXPECT_EQ(summary->case_count, cases.size());
            }
        }));
    }
    for (auto& r : runs)
        r.get();
    EXPECT_TRUE(s.server->wait_idle(std::chrono::seconds(30)));
    auto reports = s.server->reports();
    EXPECT_EQ(reports.size(), 1u);
    return reports.empty() ? report::run_report{} : reports[0];
}

// Each quirk a client can have runs the cases naming it, in slices of a few cases on
// connections of their own (the loop is sequential; most quirks make a case wait for its timer).
// A case must not pass under any of them, and every case but the informational ones must name
// one a client can have.
inline void expect_each_fails_under_its_client_quirks(const std::vector<catalog::case_def>& cases,
                                                      bool deflate) {
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
            auto o = client_of(s.url, name, deflate);
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

} // namespace wsspec::testing
