#include "reports/report.hpp"

#include <fstream>

namespace wsspec::report {

bool passed(const case_result& c, bool strict) {
    bool behavior_ok = c.behavior == verdict::ok || c.behavior == verdict::informational ||
                       (!strict && c.behavior == verdict::non_strict);
    bool close_ok = c.behavior_close == verdict::ok || c.behavior_close == verdict::informational;
    return behavior_ok && close_ok;
}

summary summarize(const run_report& r) {
    summary s;
    for (const auto& c : r.cases) {
        ++s.total;
        ++s.behavior[c.behavior];
        ++s.behavior_close[c.behavior_close];
        if (c.behavior == verdict::error)
            ++s.errors;
        else if (c.behavior == verdict::crashed)
            ++s.crashed;
        else if (passed(c, r.strict))
            ++s.passed;
        else
            ++s.failed;
    }
    return s;
}

namespace {

nlohmann::json counts(const std::map<verdict, std::size_t>& m) {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [v, n] : m)
        j[std::string(to_string(v))] = n;
    return j;
}

nlohmann::json metrics_json(const case_metrics& m) {
    nlohmann::json j = {{"handshake_rtt_ms", m.handshake_rtt_ms},
                        {"bytes_sent", m.bytes_sent},
                        {"bytes_received", m.bytes_received}};
    if (m.round_trips)
        j["round_trips"] = {{"count", m.round_trips},
                            {"p50_ms", m.rtt_p50_ms},
                            {"p90_ms", m.rtt_p90_ms},
                            {"p99_ms", m.rtt_p99_ms},
                            {"max_ms", m.rtt_max_ms}};
    return j;
}

} // namespace

nlohmann::json to_json(const run_report& r, bool with_wirelog) {
    using nlohmann::json;
    auto s = summarize(r);
    json j;
    j["tool"] = {{"name", r.tool}, {"version", r.version}};
    j["target"] = r.target;
    j["agent"] = r.agent;
    j["started"] = r.started;
    j["duration_ms"] = r.duration_ms;
    j["seed"] = r.seed;
    j["options"] = {{"jobs", r.jobs}, {"strict", r.strict}, {"settle_ms", r.settle_ms}};
    j["interrupted"] = r.interrupted;
    if (!r.note.empty()) j["note"] = r.note;
    j["summary"] = {{"total", s.total},
                    {"passed", s.passed},
                    {"failed", s.failed},
                    {"errors", s.errors},
                    {"crashed", s.crashed},
                    {"behavior", counts(s.behavior)},
                    {"behaviorClose", counts(s.behavior_close)}};
    json cases = json::array();
    for (const auto& c : r.cases) {
        json cj = {
            {"id", c.id},
            {"group", c.group},
            {"group_title", c.group_title},
            {"title", c.title},
            {"description", c.description},
            {"rfc", c.rfc},
            {"quote", c.quote},
            {"role", c.role},
            {"behavior", to_string(c.behavior)},
            {"behaviorClose", to_string(c.behavior_close)},
            {"passed", passed(c, r.strict)},
            {"duration_ms", c.duration_ms},
            {"remoteCloseCode", c.remote_close_code ? json(*c.remote_close_code) : json(nullptr)},
            {"remoteCloseReason", c.remote_close_reason},
            {"localCloseCode", c.local_close_code ? json(*c.local_close_code) : json(nullptr)},
            {"closedByMe", c.closed_by_me},
            {"failedByMe", c.failed_by_me},
            {"droppedByMe", c.dropped_by_me},
            {"wasClean", c.was_clean},
            {"expected", c.expected},
            {"received", c.received},
            {"metrics", metrics_json(c.metrics)}};
        if (!c.requirement.empty()) cj["requirement"] = c.requirement;
        if (!c.note.empty()) cj["note"] = c.note;
        if (!c.reason.empty()) cj["reason"] = c.reason;
        if (!c.was_not_clean_reason.empty()) cj["wasNotCleanReason"] = c.was_not_clean_reason;
        if (c.server_violation)
            cj["violation"] = {{"rule", c.server_violation->rule},
                               {"rfc", c.server_violation->section},
                               {"text", c.server_violation->text},
                               {"offset", c.server_violation->offset}};
        if (with_wirelog) {
            cj["httpRequest"] = c.http_request;
            cj["httpResponse"] = c.http_response;
            json wl = json::array();
            for (const auto& w : c.wirelog)
                wl.push_back({w.t_ms, w.what, w.text});
            cj["wirelog"] = wl;
        }
        cases.push_back(std::move(cj));
    }
    j["cases"] = std::move(cases);
    return j;
}

result<void> write_json(const run_report& r, const std::string& path, bool with_wirelog) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) return make_error("cannot write " + path);
    out << to_json(r, with_wirelog).dump(2) << '\n';
    out.close();
    if (!out) return make_error("error while writing " + path);
    return {};
}

} // namespace wsspec::report
