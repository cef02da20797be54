#pragma once
// A run over two agents with every verdict a report must render: OK, FAILED, NON-STRICT,
// INFORMATIONAL, UNIMPLEMENTED, WRONG CODE, ERROR and CRASHED, with hostile text (markup, invalid
// UTF-8) where a peer's words land in a report, and a case one agent did not run.
#include <filesystem>
#include <string>
#include <vector>

#include "reports/report.hpp"
#include "tests/support/process.hpp"

namespace wsspec::report::test {

inline case_result make_case(std::string id, std::string group, verdict b, verdict bc,
                             std::string reason = "") {
    case_result c;
    c.id = std::move(id);
    c.group = std::move(group);
    c.group_title = c.group == "2" ? "Pings/Pongs" : "";
    c.title = "Case " + c.id;
    c.description = "What case " + c.id + " does.";
    c.rfc = "5.5.2";
    c.quote = "Upon receipt of a Ping frame, an endpoint MUST send a Pong frame in response";
    c.behavior = b;
    c.behavior_close = bc;
    c.reason = std::move(reason);
    c.duration_ms = 12.6;
    c.remote_close_code = 1000;
    c.was_clean = true;
    c.upgraded = true;
    c.expected = {{"OK", nlohmann::json::array({nlohmann::json::array()})}};
    c.http_request = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    c.http_response = "HTTP/1.1 101 Switching Protocols\r\n\r\n";
    c.wirelog = {
        {0.1, "TX", "6 B 8980aabbccdd"}, {0.2, "RX", "2 B 8a00"}, {0.3, "RF", "pong len=0"}};
    return c;
}

inline std::vector<run_report> sample_run() {
    run_report a;
    a.version = "0.1.0";
    a.target = "ws://127.0.0.1:9001/";
    a.agent = "ws@8.18.3";
    a.started = "2026-12-07T00:00:00Z";
    a.duration_ms = 3210;
    a.seed = 7;
    a.cases = {
        make_case("1.1.1", "1", verdict::ok, verdict::ok),
        make_case("2.5", "2", verdict::failed, verdict::ok,
                  "expected a close, got <script>alert(1)</script> & \"more\""),
        make_case("6.4.1", "6", verdict::non_strict, verdict::ok, "failed late, at the end"),
        make_case("7.1.6", "7", verdict::informational, verdict::informational),
        make_case("7.9.5", "7", verdict::ok, verdict::wrong_code, "close code 1000, not 1002"),
        make_case("9.7.1", "9", verdict::ok, verdict::ok),
        make_case("12.1.1", "12", verdict::unimplemented, verdict::ok,
                  "the server declined permessage-deflate"),
        make_case("3.1", "3", verdict::error, verdict::error, "cannot connect: refused"),
        make_case("5.1", "5", verdict::crashed, verdict::crashed,
                  "the target stopped accepting connections after this case"),
    };
    a.cases[1].remote_close_code.reset();
    a.cases[1].remote_close_reason = std::string("bad \xff\xfe bytes\x01", 14);
    a.cases[5].metrics.round_trips = 1000;
    a.cases[5].metrics.rtt_p50_ms = 0.05;
    a.cases[5].metrics.rtt_p99_ms = 0.4;
    // Autobahn's per-case facts: its case number, close expectation, stats and timeouts.
    a.cases[1].number = 23;
    a.cases[1].expected_close = {
        {"closeCode", {1000}}, {"closedByMe", true}, {"requireClean", true}};
    a.cases[1].close_timeout = true;
    a.cases[1].metrics.rx_frames = {{10, 1}};
    a.cases[1].metrics.tx_frames = {{9, 1}, {8, 1}};
    a.cases[1].metrics.rx_reads = {{129, 1}, {2, 1}};
    a.cases[1].metrics.tx_writes = {{1, 131}, {8, 1}};
    traffic_stats traffic;
    traffic.outgoing = {23939, 17939, 16000, 1000, 1000, 252};
    traffic.incoming = {19939, 17939, 16000, 1000, 1000, 231};
    a.cases[6].metrics.traffic = traffic; // 12.1.1
    run_report b = a;
    b.target = "ws://127.0.0.1:9002/";
    b.agent = "Python/3.11 websockets/10.4";
    b.cases[1] = make_case("2.5", "2", verdict::ok, verdict::ok);
    b.cases.erase(b.cases.begin() + 2); // 6.4.1 excluded for this agent
    b.excluded = {"6.4.1"};
    return {a, b};
}

using wsspec::test::outcome;
using wsspec::test::shell;
using wsspec::test::tool;

inline std::filesystem::path temp_dir(const std::string& name) {
    return wsspec::test::temp_dir("reports-" + name);
}

} // namespace wsspec::report::test
