#pragma once
// Self-validation (design.md): a set of cases against the in-process reference server, clean
// or with quirks. The catalog's test and the examples' test both prove their cases with it.
#include <gtest/gtest.h>

#include <algorithm>
#include <future>
#include <map>

#include "harness/catalog/case_model.hpp"
#include "harness/engine/scheduler.hpp"
#include "harness/server/reference_server.hpp"

namespace wsspec::testing {

inline report::run_report run_against_server(const std::vector<catalog::case_def>& cases,
                                             const server::server_options& so, unsigned jobs = 16) {
    auto srv = server::reference_server::start(so);
    EXPECT_TRUE(srv.has_value());
    report::run_report rep;
    if (!srv) return rep;
    engine::run_options o;
    o.target = *transport::parse_url("ws://127.0.0.1:" + std::to_string((*srv)->port()) + "/");
    // Against the clean server a passing case never waits for its timer, so stretching the
    // timers costs nothing there; under ASan on a loaded 2-core CI machine the server has
    // taken longer than Autobahn's 1 s to fail a connection (6.10.3). Quirk runs keep the
    // timers as they are: there the timers are what decides.
    o.timer_scale = so.quirks.empty() ? 4.0 : 1.0;
    engine::schedule_options sched;
    sched.jobs = jobs;
    engine::run_cases(cases, o, sched, rep);
    return rep;
}

inline report::run_report run_against(const std::vector<catalog::case_def>& cases,
                                      std::vector<server::quirk> quirks, unsigned jobs = 16) {
    server::server_options so;
    so.quirks = std::move(quirks);
    so.deflate = server::echo_policy(); // as `wsspec run` runs it
    return run_against_server(cases, so, jobs);
}

// Every case must not pass under each quirk it names (and must not be an ERROR there). A case
// that lists NON-STRICT outcomes (a peer that tolerates what the RFC says must not be sent) may
// show its quirk by NON-STRICT: it must not pass strictly; likewise INFORMATIONAL. One server per
// quirk, all at once: most quirks make cases wait for a timer.
inline void expect_each_fails_under_its_quirks(const std::vector<catalog::case_def>& cases) {
    std::map<std::string, std::vector<catalog::case_def>> by_quirk;
    for (const auto& c : cases)
        for (const auto& q : c.quirks)
            by_quirk[q].push_back(c);
    ASSERT_FALSE(by_quirk.empty());
    std::map<std::string, std::future<report::run_report>> runs;
    for (const auto& [name, some] : by_quirk) {
        auto q = server::parse_quirk(name);
        ASSERT_TRUE(q.has_value()) << name;
        runs[name] =
            std::async(std::launch::async, [&some = some, q] { return run_against(some, {*q}); });
    }
    for (auto& [name, run] : runs) {
        auto rep = run.get();
        ASSERT_EQ(rep.cases.size(), by_quirk[name].size()) << name;
        for (const auto& r : rep.cases) {
            const auto& c = *std::find_if(by_quirk[name].begin(), by_quirk[name].end(),
                                          [&](const catalog::case_def& d) { return d.id == r.id; });
            const bool lists_non_strict =
                std::any_of(c.expect.begin(), c.expect.end(),
                            [](const auto& e) { return e.level == report::verdict::non_strict; });
            // A case that lists an INFORMATIONAL outcome (a server that echoes 256 MiB, one
            // that limits fragments) shows its quirk by reaching it.
            const bool lists_informational =
                std::any_of(c.expect.begin(), c.expect.end(), [](const auto& e) {
                    return e.level == report::verdict::informational;
                });
            const bool reached_informational =
                lists_informational && r.behavior == report::verdict::informational;
            EXPECT_FALSE(report::passed(r, lists_non_strict) && !reached_informational)
                << r.id << " passed under quirk " << name << " (" << r.behavior << " / "
                << r.behavior_close << ")";
            EXPECT_NE(r.behavior, report::verdict::error)
                << r.id << " under " << name << ": " << r.reason;
        }
    }
}

} // namespace wsspec::testing
