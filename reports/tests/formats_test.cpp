// Every format written for one run over two agents with every verdict, checked as its readers
// read it: report.json against its schema and read back; junit.xml by a JUnit checker; the
// Autobahn directory against the shape of a real Autobahn run; the Markdown and HTML for the
// cases that did not pass and for escaped peer text.
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

#include <gtest/gtest.h>

#include "reports/autobahn_format.hpp"
#include "reports/formats.hpp"
#include "reports/html_format.hpp"
#include "reports/junit_format.hpp"
#include "reports/markdown_format.hpp"
#include "reports/native_json.hpp"
#include "reports/tests/sample_run.hpp"

namespace fs = std::filesystem;
using namespace wsspec::report;
using namespace wsspec::report::test;
using nlohmann::json;

namespace {

json read(const fs::path& p) {
    return json::parse(std::ifstream(p));
}

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

const std::vector<format> every_format = {format::json, format::autobahn, format::html,
                                          format::junit, format::md};

} // namespace

TEST(Formats, ParseListsAndRejectUnknownNames) {
    auto f = parse_formats({"json,html", "md", "html"});
    ASSERT_TRUE(f);
    EXPECT_EQ(*f, (std::vector<format>{format::json, format::html, format::md}));
    EXPECT_EQ(*parse_formats({}), std::vector<format>{format::json});
    auto bad = parse_formats({"json,xml"});
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("'xml' is not a format"), std::string::npos);
    EXPECT_TRUE(needs_wirelog({format::json, format::html}));
    EXPECT_FALSE(needs_wirelog({format::json, format::junit, format::md}));
}

TEST(Formats, WritesEveryFormatUnderItsUsualName) {
    auto dir = temp_dir("every");
    auto written = write_formats(sample_run(), dir.string(), every_format, {});
    ASSERT_TRUE(written) << written.error().message;
    for (const char* name :
         {"report.json", "index.json", "index.html", "junit.xml", "summary.md",
          "ws_8_18_3_case_2_5.json", "python_3_11_websockets_10_4_case_12_1_1.json"})
        EXPECT_TRUE(fs::exists(dir / name)) << name;
    EXPECT_FALSE(fs::exists(dir / "python_3_11_websockets_10_4_case_6_4_1.json"));
    // No temporary file is left behind.
    for (const auto& e : fs::directory_iterator(dir))
        EXPECT_NE(e.path().extension(), ".part") << e.path();
    fs::remove_all(dir);
}

TEST(Formats, NativeReportMatchesItsSchemaAndReadsBack) {
    auto dir = temp_dir("native");
    auto run = sample_run();
    ASSERT_TRUE(write_json(run, (dir / "report.json").string(), true));
    auto v = shell(tool("validate_report.py") + " " + (dir / "report.json").string());
    EXPECT_EQ(v.code, 0) << v.output;
    auto back = read_json((dir / "report.json").string());
    ASSERT_TRUE(back) << back.error().message;
    ASSERT_EQ(back->size(), 2u);
    for (std::size_t t = 0; t < 2; ++t) {
        EXPECT_EQ((*back)[t].agent, run[t].agent);
        EXPECT_EQ((*back)[t].excluded, run[t].excluded);
        ASSERT_EQ((*back)[t].cases.size(), run[t].cases.size());
        for (std::size_t i = 0; i < run[t].cases.size(); ++i) {
            const auto& a = run[t].cases[i];
            const auto& b = (*back)[t].cases[i];
            EXPECT_EQ(b.id, a.id);
            EXPECT_EQ(b.behavior, a.behavior) << a.id;
            EXPECT_EQ(b.behavior_close, a.behavior_close) << a.id;
            EXPECT_EQ(b.reason, a.reason);
            EXPECT_EQ(b.remote_close_code, a.remote_close_code);
            EXPECT_EQ(b.wirelog.size(), a.wirelog.size());
            EXPECT_EQ(b.metrics.round_trips, a.metrics.round_trips);
        }
    }
    // Written again from what was read, the report is the same.
    auto text = [](const json& j) { return j.dump(1, ' ', false, json::error_handler_t::replace); };
    EXPECT_EQ(text(to_json(*back, true)), text(to_json(run, true)));
    fs::remove_all(dir);
}

TEST(Formats, ReadingABrokenReportNamesTheField) {
    json j = to_json(sample_run(), false);
    j["targets"][1]["cases"][2]["behavior"] = "PASS";
    auto r = from_json(j, "r.json");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "r.json: targets[1].cases[2].behavior: 'PASS' is not a verdict");
    j = to_json(sample_run(), false);
    j["targets"][0].erase("agent");
    r = from_json(j, "r.json");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "r.json: targets[0].agent: missing");
    j = to_json(sample_run(), false);
    j["targets"][0]["cases"][1]["metrics"]["txOctetStats"]["many"] = 3;
    r = from_json(j, "r.json");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "r.json: targets[0].cases[1].metrics.txOctetStats.many: expected "
                                 "a count under a number");
    r = from_json(json{{"tool", {{"name", "h2spec"}}}, {"targets", json::array()}}, "x.json");
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("not a wsspec report"), std::string::npos);
    auto missing = read_json("/nonexistent/report.json");
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().message.find("/nonexistent/report.json"), std::string::npos);
}

TEST(Formats, JunitHasOneTestcasePerCaseAndAgentWithTheReasonAsMessage) {
    auto dir = temp_dir("junit");
    auto run = sample_run();
    ASSERT_TRUE(write_junit(run, (dir / "junit.xml").string()));
    auto v = shell(tool("validate_junit.py") + " " + (dir / "junit.xml").string());
    ASSERT_EQ(v.code, 0) << v.output;
    // 9 + 8 cases. Failures: 2.5, 7.9.5 (agent A) and 7.9.5 (agent B); NON-STRICT passes.
    // Errors: ERROR and CRASHED, twice. Skipped: UNIMPLEMENTED, twice.
    EXPECT_EQ(v.output, "tests=17 failures=3 errors=4 skipped=2\n");
    auto xml = slurp(dir / "junit.xml");
    EXPECT_NE(xml.find(R"(<testcase name="2.5 Case 2.5" classname="ws@8.18.3.2")"),
              std::string::npos);
    EXPECT_NE(xml.find("message=\"expected a close, got &lt;script&gt;alert(1)&lt;/script&gt; "
                       "&amp; &quot;more&quot;\""),
              std::string::npos);
    // Strict: NON-STRICT fails too.
    run[0].strict = true;
    ASSERT_TRUE(write_junit(run, (dir / "strict.xml").string()));
    EXPECT_EQ(shell(tool("validate_junit.py") + " " + (dir / "strict.xml").string()).output,
              "tests=17 failures=4 errors=4 skipped=2\n");
    // A target that could not be reached is an error, not an empty suite.
    run[1].cases.clear();
    run[1].error = "cannot connect to 127.0.0.1:9002: target unreachable";
    ASSERT_TRUE(write_junit(run, (dir / "unreachable.xml").string()));
    auto u = shell(tool("validate_junit.py") + " " + (dir / "unreachable.xml").string());
    EXPECT_EQ(u.output, "tests=10 failures=3 errors=3 skipped=1\n");
    fs::remove_all(dir);
}

TEST(Formats, AutobahnIndexHasTheShapeOfARealAutobahnRun) {
    auto dir = temp_dir("autobahn");
    ASSERT_TRUE(write_autobahn(sample_run(), dir.string()));
    auto ours = read(dir / "index.json");
    auto real = read(fs::path(WSSPEC_SOURCE_DIR) / "reports/tests/data/autobahn-index.json");
    const json& model = real.begin().value().begin().value();
    const std::set<std::string> behaviors = {"OK", "NON-STRICT", "FAILED", "INFORMATIONAL",
                                             "UNIMPLEMENTED"};
    const std::set<std::string> closes = {"OK",      "FAILED",           "WRONG CODE",
                                          "UNCLEAN", "FAILED BY CLIENT", "INFORMATIONAL"};
    ASSERT_EQ(ours.size(), 2u);
    EXPECT_TRUE(ours.contains("ws@8.18.3"));
    EXPECT_TRUE(ours.contains("Python/3.11 websockets/10.4"));
    EXPECT_FALSE(ours["Python/3.11 websockets/10.4"].contains("6.4.1"));
    for (const auto& [agent, cases] : ours.items())
        for (const auto& [id, entry] : cases.items()) {
            ASSERT_EQ(entry.size(), model.size()) << agent << " " << id << entry.dump();
            for (const auto& [key, value] : model.items()) {
                ASSERT_TRUE(entry.contains(key)) << key;
                if (key == "remoteCloseCode")
                    EXPECT_TRUE(entry[key].is_null() || entry[key].is_number_integer());
                else
                    EXPECT_EQ(entry[key].type(), value.type()) << agent << " " << id << " " << key;
            }
            EXPECT_TRUE(behaviors.count(entry["behavior"])) << entry.dump();
            EXPECT_TRUE(closes.count(entry["behaviorClose"])) << entry.dump();
            EXPECT_TRUE(fs::exists(dir / entry["reportfile"].get<std::string>()));
        }
    EXPECT_EQ(ours["ws@8.18.3"]["2.5"]["reportfile"], "ws_8_18_3_case_2_5.json");
    EXPECT_EQ(ours["ws@8.18.3"]["2.5"]["duration"], 13);
    EXPECT_EQ(ours["ws@8.18.3"]["2.5"]["remoteCloseCode"], nullptr);
    // Our verdicts outside Autobahn's vocabulary are FAILED there; the case file keeps them.
    EXPECT_EQ(ours["ws@8.18.3"]["5.1"]["behavior"], "FAILED");
    auto crashed = read(dir / "ws_8_18_3_case_5_1.json");
    EXPECT_EQ(crashed["wsspec"]["behavior"], "CRASHED");
    fs::remove_all(dir);
}

TEST(Formats, AutobahnCaseFileUsesAutobahnKeysAndWireLogTags) {
    auto run = sample_run();
    auto j = autobahn_case(run[0], run[0].cases[1], 2);
    // The 39 keys of Autobahn's per-case report (autobahn-catalog.md §3.2) that wsspec writes.
    const std::set<std::string> autobahn_keys = {"agent",
                                                 "behavior",
                                                 "behaviorClose",
                                                 "case",
                                                 "closedByMe",
                                                 "createStats",
                                                 "createWirelog",
                                                 "description",
                                                 "droppedByMe",
                                                 "duration",
                                                 "expectation",
                                                 "expected",
                                                 "expectedClose",
                                                 "failedByMe",
                                                 "httpRequest",
                                                 "httpResponse",
                                                 "id",
                                                 "isServer",
                                                 "localCloseCode",
                                                 "localCloseReason",
                                                 "received",
                                                 "remoteCloseCode",
                                                 "remoteCloseReason",
                                                 "reportCompressionRatio",
                                                 "reportTime",
                                                 "result",
                                                 "resultClose",
                                                 "rxFrameStats",
                                                 "txFrameStats",
                                                 "rxOctetStats",
                                                 "txOctetStats",
                                                 "started",
                                                 "trafficStats",
                                                 "wasClean",
                                                 "wasCloseHandshakeTimeout",
                                                 "wasNotCleanReason",
                                                 "wasOpenHandshakeTimeout",
                                                 "wasServerConnectionDropTimeout",
                                                 "wirelog"};
    for (const auto& [key, value] : j.items())
        EXPECT_TRUE(key == "wsspec" || autobahn_keys.count(key)) << key;
    for (const auto& key : autobahn_keys)
        EXPECT_TRUE(j.contains(key)) << "missing " << key;
    EXPECT_EQ(j["id"], "2.5");
    EXPECT_EQ(j["case"], 23) << "the case's number, not its place in this run";
    EXPECT_EQ(autobahn_case(run[0], run[0].cases[0], 1)["case"], 1) << "no number: its place";
    EXPECT_EQ(j["expectedClose"], json::parse(R"({"closeCode": [1000], "closedByMe": true,
                                                  "requireClean": true})"));
    EXPECT_EQ(j["createStats"], true);
    EXPECT_EQ(j["rxFrameStats"], json::parse(R"({"10": 1})"));
    EXPECT_EQ(j["txFrameStats"], json::parse(R"({"8": 1, "9": 1})"));
    EXPECT_EQ(j["rxOctetStats"], json::parse(R"({"129": 1, "2": 1})"));
    EXPECT_EQ(j["txOctetStats"], json::parse(R"({"1": 131, "8": 1})"));
    EXPECT_EQ(j["wasCloseHandshakeTimeout"], true);
    EXPECT_EQ(j["wasOpenHandshakeTimeout"], false);
    EXPECT_EQ(j["wasServerConnectionDropTimeout"], false);
    EXPECT_EQ(j["trafficStats"], nullptr);
    EXPECT_EQ(j["reportCompressionRatio"], false);
    // 12.x: the traffic of its 1000 round trips, with Autobahn's derived ratios.
    auto deflate = autobahn_case(run[0], run[0].cases[6], 7);
    EXPECT_EQ(deflate["reportCompressionRatio"], true);
    const auto& traffic = deflate["trafficStats"];
    EXPECT_EQ(traffic["outgoingOctetsAppLevel"], 16000);
    EXPECT_EQ(traffic["incomingWebSocketMessages"], 1000);
    EXPECT_EQ(traffic["preopenIncomingOctetsWireLevel"], 231);
    EXPECT_DOUBLE_EQ(traffic["outgoingCompressionRatio"].get<double>(), 17939.0 / 16000.0);
    EXPECT_DOUBLE_EQ(traffic["incomingWebSocketOverhead"].get<double>(), 2000.0 / 17939.0);
    EXPECT_EQ(traffic_from_json(traffic), *run[0].cases[6].metrics.traffic);
    EXPECT_EQ(traffic_json(traffic_stats{})["outgoingCompressionRatio"], nullptr) << "0 / 0";
    EXPECT_EQ(j["isServer"], false);
    EXPECT_EQ(j["result"], run[0].cases[1].reason);
    EXPECT_EQ(j["wirelog"][0], json::parse(R"(["TO", [6, "8980aabbccdd"], false])"));
    EXPECT_EQ(j["wirelog"][1], json::parse(R"(["RO", [2, "8a00"]])"));
    EXPECT_EQ(j["wirelog"][2], json::parse(R"(["RF", "pong len=0"])"));
    EXPECT_EQ(autobahn_file_name("Node ws/8", "hs.refuse.1"), "node_ws_8_case_hs_refuse_1.json");
}

TEST(Formats, MarkdownListsTotalsCategoriesAndEveryCaseThatDidNotPass) {
    auto md = markdown_summary(sample_run());
    EXPECT_NE(md.find("| ws@8.18.3 | 9 | 5 | 2 | 1 | 1 | 1 | 1 | 1 |"), std::string::npos) << md;
    EXPECT_NE(md.find("| 2 Pings/Pongs | 1 |  |  |  |  | 1 |  |  |"), std::string::npos) << md;
    EXPECT_NE(md.find("- **2.5** Case 2.5 — `FAILED` / `OK`: expected a close, got &lt;script>"),
              std::string::npos)
        << md;
    EXPECT_NE(md.find("- **7.9.5** Case 7.9.5 — `OK` / `WRONG CODE`"), std::string::npos);
    EXPECT_NE(md.find("- **5.1** Case 5.1 — `CRASHED`"), std::string::npos);
    EXPECT_EQ(md.find("**1.1.1**"), std::string::npos); // passed: not listed
    EXPECT_EQ(md.find("**6.4.1**"), std::string::npos); // NON-STRICT passes without --strict
}

TEST(Formats, HtmlIsSelfContainedAndEscapesWhatThePeerSent) {
    auto page = html_page(sample_run());
    // No network, no external file: no src=, no href= other than in-page anchors, no @import.
    std::smatch m;
    std::regex external(R"((src|href)\s*=\s*"(?!#)[^"]*")");
    EXPECT_FALSE(std::regex_search(page, m, external)) << m.str();
    EXPECT_EQ(page.find("@import"), std::string::npos);
    EXPECT_EQ(page.find("<script>alert"), std::string::npos);
    EXPECT_NE(page.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
    EXPECT_NE(page.find("bad \xEF\xBF\xBD\xEF\xBF\xBD bytes\xEF\xBF\xBD"), std::string::npos);
    // The matrix: a row per case, a cell per agent, "Missing" where an agent did not run it.
    EXPECT_NE(page.find("id=\"matrix\""), std::string::npos);
    // 12.1.1's compression ratios under its verdict, [in/out] as Autobahn shows them.
    EXPECT_NE(page.find("<small>[1.121/1.121]</small>"), std::string::npos);
    EXPECT_NE(page.find("sent 1000 messages in 1000 frames"), std::string::npos);
    // Wire logs only where a case is not OK / OK: 1.1.1 passed, 2.5 failed.
    auto details = [&](const std::string& anchor) {
        auto at = page.find("id=\"" + anchor + "\"");
        EXPECT_NE(at, std::string::npos) << anchor;
        return at == std::string::npos ? "" : page.substr(at, page.find("</details>", at) - at);
    };
    EXPECT_EQ(details("case-0-1.1.1").find("class=\"wirelog\""), std::string::npos);
    EXPECT_NE(details("case-0-1.1.1").find("--format autobahn"), std::string::npos);
    EXPECT_NE(details("case-0-2.5").find("class=\"wirelog\""), std::string::npos);
    EXPECT_NE(page.find(">Missing<"), std::string::npos);
    EXPECT_NE(page.find("<details class=\"case bad\" id=\"case-0-2.5\""), std::string::npos);
    // Charts: verdicts per category, and category 9's durations and round trips.
    EXPECT_NE(page.find("<title>Verdicts per category: ws@8.18.3</title>"), std::string::npos);
    EXPECT_NE(page.find("Category 9: limits and performance"), std::string::npos);
    EXPECT_NE(page.find("9.7.1 p99"), std::string::npos);
    // The load histogram, when a load report comes with the run.
    html_extras extras;
    extras.load = json{{"command", "load"},
                       {"target", "ws://127.0.0.1:9001/"},
                       {"latency_histogram_us", {{10, 5}, {20, 50}, {40, 7}}}};
    auto with_load = html_page(sample_run(), extras);
    EXPECT_NE(with_load.find("Load: echo latency"), std::string::npos);
    EXPECT_NE(with_load.find("≤ 20 µs: 50 echoes"), std::string::npos);
}
