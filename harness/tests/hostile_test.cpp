// wsspec against servers that misbehave on purpose (hostile_server.hpp): every command ends by
// itself, with the exit code the README documents, a report that matches its schema and a
// reason a user can act on. Under the ASan+UBSan pass of the test command these runs are also
// the sanitizers' check that hostile input never reaches undefined behaviour.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "harness/tests/cli_util.hpp"
#include "harness/tests/hostile_server.hpp"

namespace wsspec {
namespace {

using testing::hostile;
using wsspec::test::report_schema_errors;
using wsspec::test::temp_dir;
using wsspec::test::wsspec_cli;

struct expectation {
    hostile how;
    int run_exit;      // wsspec run (and wsspec fuzz: 3 alike; 1 means findings or none)
    int load_exit;     // wsspec load
    const char* words; // in the run's output or report: the reason, as a user reads it
};

// 3: no WebSocket connection at all (the pre-flight handshake fails); 1: connections open, but
// what the server then does fails the cases (or the load run's echoes).
const expectation table[] = {
    {hostile::silent, 3, 3, "no complete response"},
    {hostile::close_at_once, 3, 3, "no WebSocket connection"},
    {hostile::reset_at_once, 3, 3, "no WebSocket connection"},
    {hostile::garbage, 3, 3, "no WebSocket connection"},
    {hostile::http_200, 3, 3, "200"},
    {hostile::redirect, 3, 3, "302"},
    {hostile::refuse_426, 3, 3, "426"},
    {hostile::error_500, 3, 3, "500"},
    {hostile::wrong_accept, 3, 3, "Accept"},
    {hostile::no_upgrade_field, 3, 3, "Upgrade"},
    {hostile::http_10, 3, 3, "HTTP/1.1"},
    {hostile::tls_only, 3, 3, "use wss://"},
    {hostile::slowloris, 3, 3, "no WebSocket connection"},
    {hostile::endless_header, 3, 3, "no WebSocket connection"},
    {hostile::half_response, 3, 3, "no WebSocket connection"},
    {hostile::reset_after_open, 1, 1, "reset"},
    {hostile::close_after_open, 1, 1, "FAILED"},
    {hostile::garbage_after_open, 1, 1, "RFC 6455"},
    {hostile::huge_length, 1, 1, "larger than wsspec's limit"},
    {hostile::masked_frames, 1, 1, "masked"},
    {hostile::ping_flood, 1, 1, "FAILED"},
    {hostile::endless_message, 1, 1, "larger than wsspec's limit of 1048576 bytes"},
    {hostile::dies_after_three, 1, 1, "CRASHED"},
};

void PrintTo(const expectation& e, std::ostream* os) {
    *os << testing::hostile_names[static_cast<int>(e.how)];
}

class Hostile : public ::testing::TestWithParam<expectation> {};

// A fresh directory per command and behaviour: tests of one binary may run side by side.
std::filesystem::path scratch_dir(const std::string& command, hostile how) {
    return temp_dir("hostile-" + command + "-" +
                    std::string(testing::hostile_names[static_cast<int>(how)]));
}

std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST_P(Hostile, RunEndsWithTheDocumentedExitCodeAndAValidReport) {
    const auto& e = GetParam();
    testing::hostile_server srv(e.how);
    auto dir = scratch_dir("run", e.how);
    // A few cases of every kind of wait: echo, ping, a must-fail frame, fragments.
    auto o = wsspec_cli(
        "run -q -j 4 -c '1.1.1,1.2.2,2.2,3.1,5.3' -o " + dir.string() + " " + srv.url(), 90);
    EXPECT_EQ(o.code, e.run_exit) << o.output;
    ASSERT_TRUE(std::filesystem::exists(dir / "report.json")) << o.output;
    EXPECT_EQ(report_schema_errors(dir / "report.json"), "");
    auto text = slurp(dir / "report.json") + o.output;
    EXPECT_NE(text.find(e.words), std::string::npos) << "expected '" << e.words << "' in:\n"
                                                     << o.output;
    auto rep = nlohmann::json::parse(slurp(dir / "report.json"));
    ASSERT_EQ(rep["targets"].size(), 1u);
    if (e.run_exit == 3) {
        EXPECT_TRUE(rep["targets"][0].contains("error")) << rep.dump(2);
        EXPECT_TRUE(rep["targets"][0]["cases"].empty());
    }
    std::filesystem::remove_all(dir);
}

TEST_P(Hostile, LoadEndsWithTheDocumentedExitCode) {
    const auto& e = GetParam();
    testing::hostile_server srv(e.how);
    auto dir = scratch_dir("load", e.how);
    auto o = wsspec_cli(
        "load -q -c 2 --duration 1 --timeout 2 -o " + dir.string() + " " + srv.url(), 60);
    EXPECT_EQ(o.code, e.load_exit) << o.output;
    std::filesystem::remove_all(dir);
}

TEST_P(Hostile, FuzzRefusesWhatIsNotAWebSocketServerAndEndsInTime) {
    const auto& e = GetParam();
    testing::hostile_server srv(e.how);
    auto dir = scratch_dir("fuzz", e.how);
    auto o = wsspec_cli(
        "fuzz -q --runs 20 --no-shrink --hang-timeout 1 -o " + dir.string() + " " + srv.url(), 90);
    if (e.run_exit == 3) {
        EXPECT_EQ(o.code, 3) << o.output; // not "0 findings": there was nothing to fuzz
        EXPECT_NE(o.output.find("no WebSocket connection"), std::string::npos) << o.output;
        auto j = nlohmann::json::parse(slurp(dir / "fuzz.json")); // the reason is kept
        EXPECT_EQ(j["runs"], 0);
        EXPECT_NE(j["error"].get<std::string>().find("no WebSocket connection"), std::string::npos);
    } else {
        // It upgrades, then misbehaves: the fuzzer ends by itself, with findings or a crash.
        EXPECT_TRUE(o.code == 0 || o.code == 1) << o.output;
        EXPECT_TRUE(std::filesystem::exists(dir / "fuzz.json")) << o.output;
    }
    std::filesystem::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Servers, Hostile, ::testing::ValuesIn(table),
                         [](const ::testing::TestParamInfo<expectation>& i) {
                             return std::string(
                                 testing::hostile_names[static_cast<int>(i.param.how)]);
                         });

} // namespace
} // namespace wsspec
