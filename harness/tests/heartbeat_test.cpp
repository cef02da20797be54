// A server that pings while the harness is writing a frame in parts must not make verdicts
// flip: the harness answers with a pong only once the frame it is writing is complete
// (issue 10, defect 1: the pong used to land between two chops, inside the frame).
#include <gtest/gtest.h>

#include "harness/catalog/case_loader.hpp"
#include "harness/engine/selection.hpp"
#include "harness/tests/catalog_proof.hpp"

namespace wsspec {
namespace {

TEST(Heartbeat, ChoppedWritesAgainstAPingingServerPassEveryTime) {
    auto all = catalog::builtin_catalog();
    ASSERT_TRUE(all.has_value());
    // Every case that writes frames in chops or pieces.
    auto cases = engine::select(
        *all, engine::split_patterns("1.1.8,1.2.8,2.6,2.11,3.4,4.1.5,4.2.5,5.5,5.8,5.11,5.14"), {});
    ASSERT_EQ(cases.size(), 11u);
    server::server_options so;
    so.ping_interval = std::chrono::milliseconds(1);
    for (int round = 0; round < 5; ++round) {
        auto rep = testing::run_against_server(cases, so, 11);
        ASSERT_EQ(rep.cases.size(), cases.size());
        for (const auto& r : rep.cases)
            EXPECT_TRUE(report::passed(r, true))
                << "round " << round << ", case " << r.id << ": " << r.behavior << " / "
                << r.behavior_close << ": " << r.reason;
    }
}

} // namespace
} // namespace wsspec
