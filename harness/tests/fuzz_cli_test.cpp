// `wsspec fuzz` end to end (issue 4): against the reference server with a crash quirk and a hang
// quirk it finds each in a bounded run and saves a reproducer that `wsspec run` replays to the
// same failure; against the clean server it finds nothing; bad input gets exit 2 or 3.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "harness/process/child_process.hpp"
#include "harness/tests/cli_util.hpp"
#include "harness/transport/connect.hpp"
#include "harness/transport/listener.hpp"

namespace wsspec {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test::wsspec_cli;

json read_json(const fs::path& p) {
    std::ifstream in(p);
    json j = json::parse(in, nullptr, false);
    return j;
}

// `wsspec serve` as a child process; its URL.
struct served {
    std::optional<process::child_process> child;
    std::string url;
};

served serve(const std::string& quirk) {
    served s;
    auto c = process::child_process::spawn({WSSPEC_BINARY, "serve", "-p", "0", "--quirk", quirk},
                                           {.discard_stderr = true});
    EXPECT_TRUE(c.has_value());
    if (!c) return s;
    auto line = c->read_line(std::chrono::seconds(10));
    EXPECT_TRUE(line.has_value());
    if (line) s.url = line->substr(std::string("listening on ").size()) + "/";
    s.child.emplace(std::move(*c));
    return s;
}

// The replayed case's verdict in report.json.
json replay(const std::string& args, const fs::path& dir) {
    auto r = wsspec_cli("run " + args + " -o " + dir.string());
    EXPECT_EQ(r.code, 1) << r.output;
    auto rep = read_json(dir / "report.json")["targets"][0];
    EXPECT_EQ(rep["cases"].size(), 1u) << r.output;
    return rep["cases"].empty() ? json::object() : rep["cases"][0];
}

TEST(FuzzCli, CleanReferenceServerHasNoFindings) {
    auto d = test::temp_dir("fuzz-clean");
    auto r = wsspec_cli("fuzz --runs 1000 --seed 3 -o " + d.string(), 120);
    EXPECT_EQ(r.code, 0) << r.output;
    auto j = read_json(d / "fuzz.json");
    EXPECT_EQ(j["runs"], 1000) << r.output;
    EXPECT_EQ(j["findings"].size(), 0u) << j.dump(1);
    EXPECT_EQ(j["stopped_because"], "runs");
    EXPECT_TRUE(fs::is_empty(d / "cases"));
}

TEST(FuzzCli, CrashIsFoundShrunkAndReplayedAsCrashed) {
    auto d = test::temp_dir("fuzz-crash");
    auto r = wsspec_cli("fuzz --quirk crash-on-ping --runs 200 -o " + d.string(), 120);
    ASSERT_EQ(r.code, 1) << r.output;
    EXPECT_NE(r.output.find("FINDING crash"), std::string::npos) << r.output;
    auto j = read_json(d / "fuzz.json");
    ASSERT_EQ(j["findings"].size(), 1u) << j.dump(1);
    auto f = j["findings"][0];
    EXPECT_EQ(f["kind"], "crash");
    EXPECT_EQ(f["reproduced"], true);
    EXPECT_EQ(j["stopped_because"], "crash");
    EXPECT_LE(f["steps_after_shrinking"].get<int>(), f["steps"].get<int>());
    EXPECT_EQ(f["steps_after_shrinking"], 1) << "crash-on-ping needs nothing but the probe ping";
    ASSERT_TRUE(fs::exists(f["case_file"].get<std::string>()));

    auto server = serve("crash-on-ping");
    ASSERT_FALSE(server.url.empty());
    auto c = replay(server.url + " --case-dir " + (d / "cases").string() + " -c " +
                        f["case_id"].get<std::string>(),
                    d / "replay");
    EXPECT_EQ(c["id"], f["case_id"]);
    EXPECT_EQ(c["behavior"], "CRASHED") << c.dump(1);
}

TEST(FuzzCli, HangIsFoundShrunkAndReplayedAsFailed) {
    auto d = test::temp_dir("fuzz-hang");
    auto r =
        wsspec_cli("fuzz --quirk hang-on-ping --runs 12 --hang-timeout 0.5 -o " + d.string(), 120);
    ASSERT_EQ(r.code, 1) << r.output;
    auto j = read_json(d / "fuzz.json");
    ASSERT_EQ(j["findings"].size(), 1u) << j.dump(1);
    auto f = j["findings"][0];
    EXPECT_EQ(f["kind"], "hang");
    EXPECT_EQ(f["reproduced"], true);
    EXPECT_EQ(f["steps_after_shrinking"], 1);
    EXPECT_GE(f["duplicates"].get<int>(), 1) << "every run hangs; one finding, the rest counted";

    // hang-on-ping can run in-process: `wsspec run --quirk` replays against the built-in server.
    auto c = replay("--quirk hang-on-ping --case-dir " + (d / "cases").string() + " -c " +
                        f["case_id"].get<std::string>(),
                    d / "replay");
    EXPECT_EQ(c["behavior"], "FAILED") << c.dump(1);
    // ... and the clean server passes the same reproducer.
    auto ok = wsspec_cli("run --case-dir " + (d / "cases").string() + " -c " +
                         f["case_id"].get<std::string>());
    EXPECT_EQ(ok.code, 0) << ok.output;
}

TEST(FuzzCli, ViolationNamesTheRuleAndReplays) {
    // skip-utf8 echoes invalid UTF-8 back as text: the strict codec names §8.1.
    auto d = test::temp_dir("fuzz-violation");
    auto r = wsspec_cli("fuzz --quirk skip-utf8 --runs 300 -o " + d.string(), 120);
    ASSERT_EQ(r.code, 1) << r.output;
    auto j = read_json(d / "fuzz.json");
    ASSERT_GE(j["findings"].size(), 1u) << j.dump(1);
    auto f = j["findings"][0];
    EXPECT_EQ(f["kind"], "violation");
    EXPECT_EQ(f["rule"], "invalid_utf8");
    EXPECT_EQ(f["section"], "8.1");
    auto c = replay("--quirk skip-utf8 --case-dir " + (d / "cases").string() + " -c " +
                        f["case_id"].get<std::string>(),
                    d / "replay");
    EXPECT_EQ(c["behavior"], "FAILED") << c.dump(1);
    EXPECT_EQ(c["violation"]["rule"], "invalid_utf8") << c.dump(1);
    EXPECT_EQ(c["violation"]["rfc"], "8.1");
}

// A server that goes on after a broken rule is a finding naming the rule: it answered what it
// had to refuse, or failed the connection with another code than §7.4.1 gives.
TEST(FuzzCli, AcceptingBrokenInputIsAFindingThatNamesTheRule) {
    struct row {
        const char* quirk;
        const char* words;
    } rows[] = {
        {"ignore-rsv", "accepted (reserved_bits_set)"},
        {"wrong-close-code", "gives 1002 for it"},
        {"no-close-validation", "accepted (close_payload_size_1)"},
    };
    for (const auto& r : rows) {
        auto d = test::temp_dir(std::string("fuzz-accepted-") + r.quirk);
        auto o = wsspec_cli(std::string("fuzz -q --quirk ") + r.quirk + " --runs 60 --seed 1 -o " +
                                d.string(),
                            120);
        EXPECT_EQ(o.code, 1) << r.quirk << "\n" << o.output;
        EXPECT_NE(o.output.find(r.words), std::string::npos) << r.quirk << "\n" << o.output;
        auto j = read_json(d / "fuzz.json");
        ASSERT_GE(j["findings"].size(), 1u) << j.dump(1);
        EXPECT_EQ(j["findings"][0]["kind"], "accepted") << j.dump(1);
        EXPECT_FALSE(j["findings"][0]["section"].get<std::string>().empty());
        fs::remove_all(d);
    }
    // The same seeds against the clean server: nothing.
    auto d = test::temp_dir("fuzz-accepted-clean");
    auto o = wsspec_cli("fuzz -q --runs 60 --seed 1 -o " + d.string(), 120);
    EXPECT_EQ(o.code, 0) << o.output;
    fs::remove_all(d);
}

TEST(FuzzCli, ExecRestartsAUsersServerAfterACrash) {
    // A port that is free now: bind, read it, release it.
    std::uint16_t port = 0;
    {
        auto l = transport::listener::bind("127.0.0.1", 0, std::nullopt);
        ASSERT_TRUE(l.has_value());
        port = l->port();
    }
    auto d = test::temp_dir("fuzz-exec");
    std::string url = "ws://127.0.0.1:" + std::to_string(port) + "/";
    // A command line, not one program: the shell stays between wsspec and the server.
    std::string cmd = "cd / && " + std::string(WSSPEC_BINARY) + " serve -p " +
                      std::to_string(port) + " --quirk crash-on-ping >/dev/null 2>&1";
    auto r = wsspec_cli("fuzz " + url + " --exec '" + cmd + "' --runs 50 -o " + d.string(), 120);
    ASSERT_EQ(r.code, 1) << r.output;
    auto j = read_json(d / "fuzz.json");
    ASSERT_EQ(j["findings"].size(), 1u) << j.dump(1);
    EXPECT_EQ(j["findings"][0]["kind"], "crash");
    EXPECT_EQ(j["findings"][0]["reproduced"], true);
    EXPECT_GE(j["target_restarts"].get<int>(), 1);
    // Stopping the target stopped the server the shell started, not only the shell.
    EXPECT_FALSE(transport::accepts_tcp("127.0.0.1", port,
                                        transport::deadline_after(std::chrono::seconds(1))));
}

TEST(FuzzCli, BadInputIsNamed) {
    const auto bad_dir = test::temp_dir("fuzz-bad");
    auto unreachable = wsspec_cli("fuzz ws://127.0.0.1:1/ --runs 5 -o " + bad_dir.string());
    EXPECT_EQ(unreachable.code, 3) << unreachable.output;
    EXPECT_NE(unreachable.output.find("127.0.0.1:1"), std::string::npos) << unreachable.output;
    auto kept = read_json(bad_dir / "fuzz.json"); // the reason is kept, as for a non-WebSocket one
    EXPECT_EQ(kept["runs"], 0);
    EXPECT_EQ(kept["stopped_because"], "unreachable");
    EXPECT_NE(kept["error"].get<std::string>().find("unreachable"), std::string::npos) << kept;
    auto zero = wsspec_cli("fuzz --runs 0");
    EXPECT_EQ(zero.code, 2) << zero.output;
    auto quirk = wsspec_cli("fuzz --quirk no-such-quirk --runs 1");
    EXPECT_EQ(quirk.code, 2) << quirk.output;
    EXPECT_NE(quirk.output.find("no-such-quirk"), std::string::npos) << quirk.output;
    auto exec = wsspec_cli("fuzz --exec 'true' --runs 1");
    EXPECT_EQ(exec.code, 2) << exec.output;
    auto url = wsspec_cli("fuzz http://127.0.0.1/ --runs 1");
    EXPECT_EQ(url.code, 2) << url.output;
    auto cacert = wsspec_cli("fuzz --cacert /no/such/ca.pem --runs 1");
    EXPECT_EQ(cacert.code, 2) << cacert.output;
    EXPECT_NE(cacert.output.find("/no/such/ca.pem"), std::string::npos) << cacert.output;
    auto dead_exec = wsspec_cli("fuzz ws://127.0.0.1:1/ --exec 'cd / && exit 3' --runs 1");
    EXPECT_EQ(dead_exec.code, 3) << dead_exec.output;
    EXPECT_NE(dead_exec.output.find("--exec 'cd / && exit 3' exited with code 3 before"),
              std::string::npos)
        << dead_exec.output;
}

} // namespace
} // namespace wsspec
