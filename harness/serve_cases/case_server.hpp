#pragma once
// `wsspec serve-cases`: the catalog served to WebSocket *clients* over Autobahn's fuzzingserver
// protocol (fuzzingserver_request.hpp), so the client loops projects already keep run unchanged
// against it. Each /runCase connection runs one case with wsspec as the server
// (engine::run_case_accepted); results are kept per agent, and /updateReports writes them
// through the same writers as a server run (every --format). Several agents may run at once:
// every connection has its own thread. A request that is not a WebSocket upgrade gets the
// browser page (GET /) or a 404 that lists the paths.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "codec/result.hpp"
#include "harness/catalog/case_model.hpp"
#include "harness/engine/case_runner.hpp"
#include "harness/transport/tls_options.hpp"
#include "reports/formats.hpp"
#include "reports/report.hpp"

namespace wsspec::serve_cases {

struct case_server_options {
    std::string host = "127.0.0.1";
    std::uint16_t port = 9001; // 0: an ephemeral port
    std::optional<transport::tls_server_options> tls;
    // The selection, in the order /runCase?case=N counts (1-based).
    std::vector<catalog::case_def> cases;
    // agent pattern → case patterns (a spec's exclude-agent-cases): such a case, asked for,
    // opens and closes at once and is not recorded (as Autobahn does).
    std::vector<std::pair<std::string, std::vector<std::string>>> exclude_agent_cases;
    // /updateReports writes these here; empty: nothing is written.
    std::string out_dir;
    std::vector<report::format> formats{report::format::json};
    engine::run_options run; // timer_scale, seed, wirelog; the target is unused
    bool strict = false;
    std::string tool_version; // for the reports
    // One line per connection that did not go as the protocol says, and per case run.
    std::function<void(const std::string&)> log;
    // Every case result, as it is recorded (from connection threads, one at a time).
    std::function<void(const std::string& agent, const report::case_result&)> on_result;
};

class case_server {
public:
    static result<std::unique_ptr<case_server>> start(case_server_options o);
    ~case_server(); // stop()

    case_server(const case_server&) = delete;
    case_server& operator=(const case_server&) = delete;

    std::uint16_t port() const noexcept;
    // "ws://127.0.0.1:9001" (wss:// with TLS).
    std::string url() const;

    // Blocks until /stopServer, /updateReports?…&shutdownOnComplete=true, stop() or `flag`
    // turning true.
    void wait(const std::atomic<bool>& flag) const;
    bool stop_requested() const noexcept;
    // Stops accepting, waits for running cases to end, joins every thread. Idempotent.
    void stop();

    // Waits until no case is running (false: still some after `limit`).
    bool wait_idle(std::chrono::milliseconds limit) const;

    // The results so far, one report per agent in the order agents first appeared.
    std::vector<report::run_report> reports() const;
    // Writes reports() into out_dir in every format; the paths written.
    result<std::vector<std::string>> write_reports() const;

    struct state;

private:
    explicit case_server(std::unique_ptr<state> s);
    std::unique_ptr<state> s_;
};

} // namespace wsspec::serve_cases
