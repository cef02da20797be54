// The CLI contract (design.md): exit codes 0/1/2/3, clear errors naming what was wrong and
// where, no hang on a hostile or absent target, and a report even when the target crashes.
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <thread>

#include <nlohmann/json.hpp>

#include "harness/tests/cli_util.hpp"
#include "harness/transport/listener.hpp"

namespace wsspec {
namespace {

namespace fs = std::filesystem;

using test::outcome;
using test::wsspec_cli;

fs::path temp_dir(const std::string& name) {
    return test::temp_dir("cli-" + name);
}

TEST(Cli, VersionAndList) {
    auto v = wsspec_cli("--version");
    EXPECT_EQ(v.code, 0);
    EXPECT_NE(v.output.find("wsspec "), std::string::npos);
    auto l = wsspec_cli("list -c '2.*'");
    EXPECT_EQ(l.code, 0);
    EXPECT_NE(l.output.find("11 cases"), std::string::npos) << l.output;
    auto q = wsspec_cli("list --quirks");
    EXPECT_NE(q.output.find("no-pong"), std::string::npos);
}

TEST(Cli, QuietKeepsOnlyTheCasesThatDidNotPass) {
    auto o = wsspec_cli("run -q -c '1.1.1,2.2' --quirk no-pong");
    EXPECT_EQ(o.code, 1) << o.output;
    EXPECT_NE(o.output.find("2.2 "), std::string::npos) << o.output;
    EXPECT_EQ(o.output.find("1.1.1 "), std::string::npos) << o.output;
}

TEST(Cli, BadUsageExits2) {
    EXPECT_EQ(wsspec_cli("run --no-such-flag").code, 2);
    auto u = wsspec_cli("run http://127.0.0.1:1/");
    EXPECT_EQ(u.code, 2);
    EXPECT_NE(u.output.find("ws://"), std::string::npos) << u.output;
    auto c = wsspec_cli("run -c 'no.such.case'");
    EXPECT_EQ(c.code, 2);
    EXPECT_NE(c.output.find("no case matches"), std::string::npos) << c.output;
    auto q = wsspec_cli("run --quirk no-such-quirk");
    EXPECT_EQ(q.code, 2);
    EXPECT_NE(q.output.find("no-such-quirk"), std::string::npos) << q.output;
}

TEST(Cli, BrokenCaseFileNamesFileCaseAndField) {
    auto d = temp_dir("badcase");
    std::ofstream(d / "bad.json")
        << R"({"group": "99", "cases": [{"id": "99.1", "title": "t", "rfc": "5.2",
        "quote": "q", "steps": [{"send": {"opcode": "pingg"}}], "expect": {"OK": [[]]},
        "close": {"by": "peer", "codes": [1002], "clean": false}}]})";
    auto o = wsspec_cli("run --case-dir " + d.string());
    EXPECT_EQ(o.code, 2);
    EXPECT_NE(o.output.find("bad.json"), std::string::npos) << o.output;
    EXPECT_NE(o.output.find("case 99.1"), std::string::npos) << o.output;
    EXPECT_NE(o.output.find("steps[0].send.opcode"), std::string::npos) << o.output;
    std::ofstream(d / "bad.json") << "{ not json";
    o = wsspec_cli("list --case-dir " + d.string());
    EXPECT_EQ(o.code, 2);
    EXPECT_NE(o.output.find("not valid JSON"), std::string::npos) << o.output;
    fs::remove_all(d);
}

TEST(Cli, UserCaseDirRunsTooAndPassesOnTheReferenceServer) {
    auto d = temp_dir("goodcase");
    std::ofstream(d / "mine.json") << R"({"group": "99", "title": "Mine", "cases": [{"id": "99.1",
        "title": "Echo", "rfc": "5.6", "quote": "q", "steps": [{"send": {"opcode": "text", "payload": "hi"}}],
        "timer": {"kill": 1}, "expect": {"OK": [[{"message": {"text": "hi"}}]]},
        "close": {"by": "harness", "codes": [1000], "clean": true}, "quirks": ["no-close-reply"]}]})";
    auto o = wsspec_cli("run -q -c 99.1 --case-dir " + d.string() + " -o " + d.string());
    EXPECT_EQ(o.code, 0) << o.output;
    std::ifstream in(d / "report.json");
    auto j = nlohmann::json::parse(in);
    EXPECT_EQ(j["summary"]["passed"], 1);
    ASSERT_EQ(j["targets"].size(), 1u);
    auto& t = j["targets"][0];
    ASSERT_EQ(t["cases"].size(), 1u);
    EXPECT_EQ(t["cases"][0]["id"], "99.1");
    EXPECT_EQ(t["cases"][0]["behavior"], "OK");
    fs::remove_all(d);
}

TEST(Cli, RunLeavesOutCasesThatTestClientsOnly) {
    auto d = temp_dir("clientcase");
    std::ofstream(d / "c.json") << R"({"group": "c", "cases": [{"id": "c.1", "title": "t",
        "rfc": "5.1", "quote": "q", "roles": ["client"], "steps": [],
        "expect": {"OK": [[]]}, "close": {"by": "harness", "codes": [1000], "clean": true}}]})";
    auto o = wsspec_cli("run -c 'c.*' --case-dir " + d.string());
    EXPECT_EQ(o.code, 2) << o.output;
    EXPECT_NE(o.output.find("left out 1 case(s) that test clients only"), std::string::npos)
        << o.output;
    fs::remove_all(d);
}

TEST(Cli, UnreachableTargetExits3Quickly) {
    auto start = std::chrono::steady_clock::now();
    auto o = wsspec_cli("run ws://127.0.0.1:1/");
    EXPECT_EQ(o.code, 3) << o.output;
    EXPECT_NE(o.output.find("unreachable"), std::string::npos) << o.output;
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

// A TCP server that answers every connection with `reply` (or nothing) and closes.
class fake_server {
public:
    explicit fake_server(std::string reply, bool close_at_once)
        : reply_(std::move(reply)), close_(close_at_once) {
        auto l = transport::listener::bind("127.0.0.1", 0, std::nullopt);
        EXPECT_TRUE(l.has_value());
        listener_.emplace(std::move(*l));
        thread_ = std::thread([this] { loop(); });
    }
    ~fake_server() {
        stop_ = true;
        thread_.join();
    }
    std::string url() const { return "ws://127.0.0.1:" + std::to_string(listener_->port()) + "/"; }

private:
    void loop() {
        std::vector<std::unique_ptr<transport::stream>> held;
        while (!stop_) {
            auto s = listener_->accept(transport::deadline_after(std::chrono::milliseconds(50)));
            if (!s || !*s) continue; // an empty pointer: no connection before the deadline
            std::array<std::uint8_t, 4096> buf;
            (*s)->read_some(buf, transport::deadline_after(std::chrono::milliseconds(500)));
            if (!reply_.empty())
                (*s)->write_all(
                    std::span(reinterpret_cast<const std::uint8_t*>(reply_.data()), reply_.size()),
                    transport::deadline_after(std::chrono::seconds(1)));
            if (close_)
                (*s)->close();
            else
                held.push_back(std::move(*s)); // never answers: the harness must time out
        }
    }
    std::string reply_;
    bool close_;
    std::optional<transport::listener> listener_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

TEST(Cli, ServerAnsweringGarbageFailsEveryHandshakeExit3) {
    fake_server srv("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", true);
    auto o = wsspec_cli("run -c '1.1.*' " + srv.url());
    EXPECT_EQ(o.code, 3) << o.output;
    EXPECT_NE(o.output.find("response_status_not_101"), std::string::npos) << o.output;
}

TEST(Cli, ServerClosingMidHandshakeIsReported) {
    fake_server srv("HTTP/1.1 101 Switching", true);
    auto o = wsspec_cli("run -c '1.1.1' " + srv.url());
    EXPECT_EQ(o.code, 3) << o.output;
    EXPECT_NE(o.output.find("during the opening handshake"), std::string::npos) << o.output;
}

TEST(Cli, ServerNeverAnsweringTimesOut) {
    fake_server srv("", false);
    auto start = std::chrono::steady_clock::now();
    auto o = wsspec_cli("run -c '1.1.1,1.1.2' " + srv.url());
    EXPECT_EQ(o.code, 3) << o.output;
    EXPECT_NE(o.output.find("no complete response"), std::string::npos) << o.output;
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(15));
}

TEST(Cli, CrashingServerIsCrashedAndTheReportIsWritten) {
    auto d = temp_dir("crash");
    // An out-of-process reference server that aborts on the first ping.
    // `echo $$; exec` gives us the server's pid, so it is stopped even if it does not crash.
    std::string cmd =
        std::string("echo $$; exec ") + WSSPEC_BINARY + " serve -p 0 --quirk crash-on-ping";
    FILE* p = popen(cmd.c_str(), "r");
    ASSERT_NE(p, nullptr);
    char line[256] = {0};
    ASSERT_NE(fgets(line, sizeof line, p), nullptr);
    pid_t server_pid = static_cast<pid_t>(std::stol(line));
    ASSERT_NE(fgets(line, sizeof line, p),
              nullptr); // "listening on ws://127.0.0.1:PORT with quirks: ..."
    std::string url = std::string(line).substr(std::string(line).find("ws://"));
    url = url.substr(0, url.find_first_of(" \r\n"));
    auto o = wsspec_cli("run -j 1 -c '1.1.1,2.1,2.2,3.1' -o " + d.string() + " " + url);
    ::kill(server_pid, SIGKILL); // a no-op when it crashed as it should
    pclose(p);
    EXPECT_EQ(o.code, 1) << o.output;
    std::ifstream in(d / "report.json");
    ASSERT_TRUE(in.good()) << o.output;
    auto j = nlohmann::json::parse(in)["targets"][0];
    ASSERT_EQ(j["cases"].size(), 4u);
    EXPECT_EQ(j["cases"][0]["behavior"], "OK");
    EXPECT_EQ(j["cases"][1]["id"], "2.1");
    EXPECT_EQ(j["cases"][1]["behavior"], "CRASHED") << j["cases"][1].dump();
    EXPECT_EQ(j["cases"][2]["behavior"], "ERROR");
    EXPECT_NE(j["note"].get<std::string>().find("2.1"), std::string::npos);
    fs::remove_all(d);
}

} // namespace
} // namespace wsspec
