#pragma once
// The request paths of Autobahn's fuzzingserver protocol (autobahn-catalog.md §4.3), which the
// client loops that projects keep in their repositories speak:
//   /getCaseCount                              one text message: the number of cases
//   /runCase?case=N&agent=A                    run case N (1-based) on this connection
//   /runCase?casetuple=6.4.1&agent=A           the same, by id
//   /getCaseInfo?case=N                        {"id": ..., "description": ...}
//   /getCaseStatus?case=N&agent=A              {"behavior": ...}
//   /updateReports?agent=A[&shutdownOnComplete=true]
//   /stopServer
#include <optional>
#include <string>
#include <string_view>

namespace wsspec::serve_cases {

enum class command {
    get_case_count,
    run_case,
    get_case_info,
    get_case_status,
    update_reports,
    stop_server,
    unknown, // Autobahn's "direct command mode": not served here
};

struct fuzzingserver_request {
    command what = command::unknown;
    std::string path;                    // "/runCase"
    std::optional<unsigned> case_number; // case=N
    std::string case_id;                 // casetuple=X.Y.Z
    std::string agent;                   // percent-decoded
    bool shutdown = false;               // shutdownOnComplete=true
    std::string error;                   // a parameter that is missing or wrong, in words
};

// Parses a request-target ("/runCase?case=3&agent=my%20client").
fuzzingserver_request parse_request_target(std::string_view target);

} // namespace wsspec::serve_cases
