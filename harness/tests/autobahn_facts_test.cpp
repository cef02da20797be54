// The facts Autobahn's per-case report carries besides the verdicts (autobahn-catalog.md §3.2),
// taken from the wire: the case number, the frame and octet statistics, and which timeout
// ended a connection. Scripts that read Autobahn's case files read these.
#include <gtest/gtest.h>

#include <numeric>

#include "harness/catalog/case_loader.hpp"
#include "harness/tests/catalog_proof.hpp"

namespace wsspec {
namespace {

using catalog::case_def;

std::vector<case_def> pick(const std::vector<case_def>& all, std::set<std::string> ids) {
    std::vector<case_def> out;
    for (const auto& c : all)
        if (ids.count(c.id)) out.push_back(c);
    EXPECT_EQ(out.size(), ids.size());
    return out;
}

const report::case_result& result(const report::run_report& rep, const std::string& id) {
    for (const auto& r : rep.cases)
        if (r.id == id) return r;
    ADD_FAILURE() << id << " did not run";
    static const report::case_result none;
    return none;
}

unsigned long long octets(const std::map<unsigned long long, unsigned long long>& by_size) {
    return std::accumulate(by_size.begin(), by_size.end(), 0ull,
                           [](auto sum, const auto& e) { return sum + e.first * e.second; });
}

// Autobahn numbers its registry in id order, 1.1.1 first; ours sorts the same way with its own
// groups after, so every Autobahn id keeps its number.
TEST(AutobahnFacts, CaseNumbersAreAutobahns) {
    auto all = catalog::load_catalog("");
    ASSERT_TRUE(all) << all.error().message;
    std::map<std::string, std::size_t> number;
    for (const auto& c : *all)
        number[c.id] = c.number;
    EXPECT_EQ(number["1.1.1"], 1u);
    EXPECT_EQ(number["2.6"], 22u);
    EXPECT_EQ(number["4.1.1"], 35u);
    EXPECT_EQ(number["7.1.6"], 215u);
    EXPECT_EQ(number["9.1.1"], 247u);
    EXPECT_EQ(number["10.1.1"], 301u);
    EXPECT_EQ(number["12.1.1"], 302u); // autobahn-catalog.md §1.1
    EXPECT_EQ(number["13.7.18"], 517u);
    for (const auto& c : *all) {
        if (!std::isdigit(static_cast<unsigned char>(c.id[0]))) {
            EXPECT_GT(c.number, 517u) << c.id << ": our groups come after Autobahn's";
        }
    }
}

TEST(AutobahnFacts, StatsCountWhatCrossedTheWire) {
    auto all = catalog::load_catalog("");
    ASSERT_TRUE(all) << all.error().message;
    auto rep = testing::run_against(pick(*all, {"2.6", "5.3"}), {});
    // 2.6: a ping of 125 bytes written one byte at a time, its pong, the closing handshake.
    const auto& ping = result(rep, "2.6");
    EXPECT_EQ(ping.number, 22u);
    EXPECT_EQ(ping.metrics.tx_frames, (std::map<unsigned, unsigned long long>{{8, 1}, {9, 1}}));
    EXPECT_EQ(ping.metrics.rx_frames, (std::map<unsigned, unsigned long long>{{8, 1}, {10, 1}}));
    EXPECT_GE(ping.metrics.tx_writes.at(1), 131u); // 2 + 4 + 125 bytes, each its own write
    // Every byte read is counted once, the handshake's included.
    EXPECT_EQ(octets(ping.metrics.rx_reads),
              ping.http_response.size() + ping.metrics.bytes_received);
    EXPECT_EQ(octets(ping.metrics.tx_writes), ping.http_request.size() + ping.metrics.bytes_sent);
    // 5.3: a text message in two fragments (text, continuation) and its echo.
    const auto& frag = result(rep, "5.3");
    EXPECT_EQ(frag.metrics.tx_frames.at(1), 1u);
    EXPECT_EQ(frag.metrics.tx_frames.at(0), 1u);
    EXPECT_EQ(frag.metrics.rx_frames.at(8), 1u);
    EXPECT_EQ(frag.expected_close["closedByMe"], true);
    EXPECT_EQ(frag.expected_close["closeCode"], nlohmann::json::array({1000}));
    for (const auto* r : {&ping, &frag})
        EXPECT_FALSE(r->open_timeout || r->close_timeout || r->drop_timeout) << r->id;
}

TEST(AutobahnFacts, TimeoutsSayWhichTimerEndedTheConnection) {
    auto all = catalog::load_catalog("");
    ASSERT_TRUE(all) << all.error().message;
    auto cases = pick(*all, {"1.1.1"});
    // Without its case timer, which would race the close timers (and win under load).
    cases[0].timer = case_def::timer_kind::none;
    auto silent = testing::run_against(cases, {server::quirk::no_close_reply});
    ASSERT_EQ(silent.cases.size(), 1u);
    EXPECT_TRUE(silent.cases[0].close_timeout)
        << silent.cases[0].behavior << " / " << silent.cases[0].behavior_close << ": "
        << silent.cases[0].reason << "; " << silent.cases[0].was_not_clean_reason;
    EXPECT_FALSE(silent.cases[0].drop_timeout);
    auto lingering = testing::run_against(cases, {server::quirk::no_tcp_close});
    ASSERT_EQ(lingering.cases.size(), 1u);
    EXPECT_TRUE(lingering.cases[0].drop_timeout) << lingering.cases[0].reason;
    EXPECT_FALSE(lingering.cases[0].close_timeout);
    EXPECT_EQ(lingering.cases[0].expected_close["requireClean"], true);
}

// trafficStats: what a repeat step's round trips moved, counted once per message and frame and
// compared with what the case sent (12.1.1: 1000 messages of 16 bytes each way, compressed).
TEST(AutobahnFacts, TrafficIsKeptWhenTheRoundTripsSucceed) {
    auto all = catalog::load_catalog("");
    ASSERT_TRUE(all) << all.error().message;
    auto rep = testing::run_against(pick(*all, {"12.1.1", "9.7.3", "1.1.1"}), {});
    const auto& deflate = result(rep, "12.1.1");
    ASSERT_TRUE(deflate.metrics.traffic) << deflate.reason;
    for (const auto* d : {&deflate.metrics.traffic->outgoing, &deflate.metrics.traffic->incoming}) {
        EXPECT_EQ(d->messages, 1000u);
        EXPECT_EQ(d->frames, 1000u);
        EXPECT_EQ(d->app, 16000u);
        EXPECT_GT(d->websocket, 0u);
        EXPECT_NE(d->websocket, d->app) << "compressed: the payloads are not the messages";
        EXPECT_GE(d->wire, d->websocket + 2 * d->frames) << "headers are on the wire";
    }
    // wsspec masks what it sends: 4 more bytes a frame than the server's unmasked frames.
    EXPECT_EQ(deflate.metrics.traffic->outgoing.wire - deflate.metrics.traffic->outgoing.websocket,
              deflate.metrics.traffic->incoming.wire - deflate.metrics.traffic->incoming.websocket +
                  4 * 1000);
    EXPECT_EQ(deflate.metrics.traffic->outgoing.preopen, deflate.http_request.size());
    EXPECT_EQ(deflate.metrics.traffic->incoming.preopen, deflate.http_response.size());
    const auto& plain = result(rep, "9.7.3"); // 1000 text messages of 64 bytes, uncompressed
    ASSERT_TRUE(plain.metrics.traffic) << plain.reason;
    EXPECT_EQ(plain.metrics.traffic->outgoing.app, 64000u);
    EXPECT_EQ(plain.metrics.traffic->outgoing.websocket, 64000u);
    EXPECT_EQ(plain.metrics.traffic->incoming.app, 64000u);
    EXPECT_FALSE(result(rep, "1.1.1").metrics.traffic) << "no round trips, no traffic";
    // A repeat step that does not finish keeps none, as Autobahn keeps none for a failed case.
    auto capped = testing::run_against(pick(*all, {"9.7.3"}), {server::quirk::message_quota_500});
    ASSERT_EQ(capped.cases.size(), 1u);
    EXPECT_FALSE(capped.cases[0].metrics.traffic);
}

} // namespace
} // namespace wsspec
