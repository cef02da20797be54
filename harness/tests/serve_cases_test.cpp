// serve-cases: Autobahn's fuzzingserver protocol as client loops speak it, and clients that do
// not: garbage, silence, a case that does not exist, a client that leaves mid-case. Each gets a
// clear answer, nothing hangs, and the server goes on serving the others.
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include <nlohmann/json.hpp>

#include "harness/catalog/case_loader.hpp"
#include "harness/engine/selection.hpp"
#include "harness/serve_cases/case_server.hpp"
#include "harness/serve_cases/fuzzingserver_request.hpp"
#include "harness/server/reference_client.hpp"
#include "harness/transport/connect.hpp"

namespace wsspec {
namespace {

using namespace std::chrono_literals;
using serve_cases::command;
using serve_cases::parse_request_target;

TEST(ServeCasesRequest, ReadsThePathsOfTheProtocol) {
    auto r = parse_request_target("/runCase?case=12&agent=my%20client+1");
    EXPECT_EQ(r.what, command::run_case);
    EXPECT_EQ(r.case_number, 12u);
    EXPECT_EQ(r.agent, "my client 1");
    EXPECT_TRUE(r.error.empty());
    r = parse_request_target("/runCase?casetuple=6.4.1&agent=a");
    EXPECT_EQ(r.case_id, "6.4.1");
    EXPECT_EQ(parse_request_target("/getCaseCount").what, command::get_case_count);
    EXPECT_EQ(parse_request_target("/getCaseInfo?case=1").what, command::get_case_info);
    EXPECT_EQ(parse_request_target("/getCaseStatus?case=1&agent=a").what, command::get_case_status);
    r = parse_request_target("/updateReports?agent=a&shutdownOnComplete=true");
    EXPECT_EQ(r.what, command::update_reports);
    EXPECT_TRUE(r.shutdown);
    EXPECT_TRUE(parse_request_target("/updateReports").error.empty());
    EXPECT_EQ(parse_request_target("/stopServer").what, command::stop_server);
    EXPECT_EQ(parse_request_target("/echo").what, command::unknown);
    EXPECT_EQ(parse_request_target("/runCase?case=x&agent=a").error,
              "case='x' is not a case number");
    EXPECT_EQ(parse_request_target("/runCase?agent=a").error,
              "no case: add case=N (1-based) or casetuple=X.Y.Z");
    EXPECT_EQ(parse_request_target("/runCase?case=1").error, "no agent: add agent=NAME");
}

class ServeCases : public ::testing::Test {
protected:
    void SetUp() override {
        auto all = catalog::load_catalog("", false);
        ASSERT_TRUE(all.has_value());
        serve_cases::case_server_options o;
        o.port = 0;
        o.cases = engine::select(*all, {"1.1.1", "2.1", "5.1"}, {});
        ASSERT_EQ(o.cases.size(), 3u);
        o.exclude_agent_cases = {{"picky*", {"2.1"}}};
        o.log = [this](const std::string& line) {
            std::lock_guard lock(mu_);
            log_ += line + "\n";
        };
        auto s = serve_cases::case_server::start(std::move(o));
        ASSERT_TRUE(s.has_value()) << s.error().message;
        server_ = std::move(*s);
    }
    void TearDown() override {
        if (server_) server_->stop();
    }

    // Sends `bytes` on a new connection and returns everything the server sent until it closed.
    std::string exchange(const std::string& bytes) {
        auto s =
            transport::connect_tcp("127.0.0.1", server_->port(), transport::deadline_after(5s));
        EXPECT_TRUE(s.has_value());
        if (!s) return {};
        if (!bytes.empty())
            (*s)->write_all(
                std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()),
                transport::deadline_after(5s));
        std::string got;
        std::array<std::uint8_t, 4096> buf;
        const auto dl = transport::deadline_after(10s);
        for (;;) {
            auto r = (*s)->read_some(buf, dl);
            if (!r.ok()) break;
            got.append(reinterpret_cast<const char*>(buf.data()), r.bytes);
        }
        return got;
    }

    static std::string upgrade(const std::string& target) {
        return "GET " + target +
               " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    }

    server::client_options client(const std::string& agent) const {
        server::client_options o;
        o.server = *transport::parse_url(server_->url());
        o.agent = agent;
        o.update_reports = false;
        return o;
    }

    std::string log() {
        std::lock_guard lock(mu_);
        return log_;
    }

    std::unique_ptr<serve_cases::case_server> server_;
    std::mutex mu_;
    std::string log_;
};

TEST_F(ServeCases, ControlPathsAnswerAsAutobahnsDo) {
    std::string count, info, status;
    ASSERT_TRUE(server::run_client_connection(client("a"), "/getCaseCount",
                                              [&](std::string_view m) { count = m; }));
    EXPECT_EQ(count, "3");
    ASSERT_TRUE(server::run_client_connection(client("a"), "/getCaseInfo?case=2",
                                              [&](std::string_view m) { info = m; }));
    EXPECT_EQ(nlohmann::json::parse(info)["id"], "2.1");
    ASSERT_TRUE(server::run_client_loop(client("a")));
    ASSERT_TRUE(server::run_client_connection(client("a"), "/getCaseStatus?case=2&agent=a",
                                              [&](std::string_view m) { status = m; }));
    EXPECT_EQ(nlohmann::json::parse(status)["behavior"], "OK");
    // By id, as /runCase?casetuple= asks.
    ASSERT_TRUE(server::run_client_connection(client("b"), "/runCase?casetuple=5.1&agent=b"));
    ASSERT_TRUE(server_->wait_idle(10s));
    auto reports = server_->reports();
    ASSERT_EQ(reports.size(), 2u);
    EXPECT_EQ(reports[0].agent, "a");
    EXPECT_EQ(reports[0].cases.size(), 3u);
    // Numbered as /runCase?case=N numbers them (Autobahn's fuzzingserver `case`).
    for (std::size_t i = 0; i < reports[0].cases.size(); ++i)
        EXPECT_EQ(reports[0].cases[i].number, i + 1) << reports[0].cases[i].id;
    EXPECT_EQ(reports[1].cases.size(), 1u);
    EXPECT_EQ(reports[1].cases[0].id, "5.1");
    EXPECT_EQ(reports[1].cases[0].behavior, report::verdict::ok);
    EXPECT_FALSE(server_->stop_requested());
    ASSERT_TRUE(server::run_client_connection(client("a"), "/stopServer"));
    EXPECT_TRUE(server_->stop_requested());
}

TEST_F(ServeCases, AnAgentExclusionOpensAndClosesWithoutARecord) {
    ASSERT_TRUE(server::run_client_loop(client("picky-client")));
    ASSERT_TRUE(server_->wait_idle(10s));
    auto reports = server_->reports();
    ASSERT_EQ(reports.size(), 1u);
    EXPECT_EQ(reports[0].cases.size(), 2u);
    EXPECT_EQ(reports[0].excluded, std::vector<std::string>{"2.1"});
}

TEST_F(ServeCases, MisbehavingClientsGetAClearAnswerAndOthersAreStillServed) {
    // A good agent runs its loop the whole time.
    auto good = std::async(std::launch::async, [this] {
        auto o = client("good");
        for (int i = 0; i < 3; ++i)
            EXPECT_TRUE(server::run_client_loop(o));
    });
    EXPECT_EQ(exchange("hello there\r\n\r\n").rfind("HTTP/1.1 400 Bad Request", 0), 0u);
    EXPECT_NE(exchange("\x16\x03\x01\x02\x00garbage\r\n\r\n").find("not an HTTP request"),
              std::string::npos);
    auto zero = exchange(upgrade("/runCase?case=0&agent=x"));
    EXPECT_EQ(zero.rfind("HTTP/1.1 404", 0), 0u) << zero;
    EXPECT_NE(zero.find("there is no case 0: the cases are 1 to 3"), std::string::npos) << zero;
    auto beyond = exchange(upgrade("/runCase?case=4&agent=x"));
    EXPECT_NE(beyond.find("there is no case 4: the cases are 1 to 3"), std::string::npos);
    auto unknown_id = exchange(upgrade("/runCase?casetuple=8.8.8&agent=x"));
    EXPECT_NE(unknown_id.find("there is no case '8.8.8'"), std::string::npos);
    auto no_agent = exchange(upgrade("/runCase?case=1"));
    EXPECT_NE(no_agent.find("no agent: add agent=NAME"), std::string::npos);
    auto other = exchange(upgrade("/echo"));
    EXPECT_NE(other.find("/echo is not a path of the protocol"), std::string::npos);
    EXPECT_NE(other.find("/getCaseCount"), std::string::npos);
    // Connects and says nothing: dropped after the request timeout (5 s), not held for ever.
    auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(exchange(""), "");
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 8s);
    // Leaves in the middle of a case: the case ends at once, judged.
    {
        auto s =
            transport::connect_tcp("127.0.0.1", server_->port(), transport::deadline_after(5s));
        ASSERT_TRUE(s.has_value());
        auto req = upgrade("/runCase?case=2&agent=quitter");
        (*s)->write_all(std::span(reinterpret_cast<const std::uint8_t*>(req.data()), req.size()),
                        transport::deadline_after(5s));
        std::array<std::uint8_t, 512> buf;
        auto r = (*s)->read_some(buf, transport::deadline_after(5s));
        EXPECT_TRUE(r.ok());
        (*s)->abort(); // gone, with a reset
    }
    good.get();
    ASSERT_TRUE(server_->wait_idle(10s));
    std::map<std::string, report::run_report> by_agent;
    for (auto& r : server_->reports())
        by_agent[r.agent] = r;
    ASSERT_TRUE(by_agent.count("good"));
    EXPECT_EQ(by_agent["good"].cases.size(), 3u);
    for (const auto& c : by_agent["good"].cases)
        EXPECT_TRUE(report::passed(c, true)) << c.id << ": " << c.reason;
    ASSERT_TRUE(by_agent.count("quitter"));
    ASSERT_EQ(by_agent["quitter"].cases.size(), 1u);
    EXPECT_FALSE(report::passed(by_agent["quitter"].cases[0], true));
    EXPECT_FALSE(by_agent.count("x"));
    EXPECT_NE(log().find("no opening request"), std::string::npos) << log();
}

TEST_F(ServeCases, APlainGetIsTheBrowserPage) {
    auto page = exchange("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    EXPECT_EQ(page.rfind("HTTP/1.1 200 OK", 0), 0u);
    EXPECT_NE(page.find("Content-Type: text/html"), std::string::npos);
    EXPECT_NE(page.find("/getCaseCount"), std::string::npos);
    EXPECT_NE(page.find("/updateReports?agent="), std::string::npos);
    auto missing = exchange("GET /favicon.ico HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    EXPECT_EQ(missing.rfind("HTTP/1.1 404", 0), 0u);
}

} // namespace
} // namespace wsspec
