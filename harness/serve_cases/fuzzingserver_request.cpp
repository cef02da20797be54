#include "harness/serve_cases/fuzzingserver_request.hpp"

#include <charconv>

namespace wsspec::serve_cases {
namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// application/x-www-form-urlencoded, as browsers and client libraries write query strings.
std::string decode(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '+') {
            out += ' ';
        } else if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 &&
                   hex_value(s[i + 2]) >= 0) {
            out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

} // namespace

fuzzingserver_request parse_request_target(std::string_view target) {
    fuzzingserver_request r;
    const auto q = target.find('?');
    r.path = std::string(target.substr(0, q));
    std::string_view query = q == std::string_view::npos ? "" : target.substr(q + 1);
    std::string case_text;
    bool has_case = false;
    while (!query.empty()) {
        auto amp = query.find('&');
        auto item = query.substr(0, amp);
        query = amp == std::string_view::npos ? "" : query.substr(amp + 1);
        auto eq = item.find('=');
        std::string key = decode(item.substr(0, eq));
        std::string value = eq == std::string_view::npos ? "" : decode(item.substr(eq + 1));
        if (key == "case") {
            has_case = true;
            case_text = value;
        } else if (key == "casetuple") {
            r.case_id = value;
        } else if (key == "agent") {
            r.agent = value;
        } else if (key == "shutdownOnComplete") {
            r.shutdown = value == "true" || value == "1";
        }
    }
    if (has_case) {
        unsigned n = 0;
        auto [end, ec] = std::from_chars(case_text.data(), case_text.data() + case_text.size(), n);
        if (ec != std::errc{} || end != case_text.data() + case_text.size())
            r.error = "case='" + case_text + "' is not a case number";
        else
            r.case_number = n;
    }
    static constexpr std::pair<std::string_view, command> paths[] = {
        {"/getCaseCount", command::get_case_count},  {"/runCase", command::run_case},
        {"/getCaseInfo", command::get_case_info},    {"/getCaseStatus", command::get_case_status},
        {"/updateReports", command::update_reports}, {"/stopServer", command::stop_server}};
    for (const auto& [p, c] : paths)
        if (r.path == p) r.what = c;
    const bool needs_case = r.what == command::run_case || r.what == command::get_case_info ||
                            r.what == command::get_case_status;
    if (r.error.empty() && needs_case && !r.case_number && r.case_id.empty())
        r.error = "no case: add case=N (1-based) or casetuple=X.Y.Z";
    // /updateReports without an agent writes every agent's reports, as Autobahn's does.
    const bool needs_agent = r.what == command::run_case || r.what == command::get_case_status;
    if (r.error.empty() && needs_agent && r.agent.empty()) r.error = "no agent: add agent=NAME";
    return r;
}

} // namespace wsspec::serve_cases
