#include "reports/report.hpp"

#include <filesystem>
#include <fstream>

namespace wsspec::report {

bool passed(const case_result& c, bool strict) {
    // UNIMPLEMENTED: an optional extension (permessage-deflate) the peer declined is not a failure,
    // as Autobahn users' CI scripts treat it; the summary counts it apart.
    bool behavior_ok = c.behavior == verdict::ok || c.behavior == verdict::informational ||
                       c.behavior == verdict::unimplemented ||
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
    if (m.largest_echo_bytes) j["largest_echo_bytes"] = m.largest_echo_bytes;
    return j;
}

} // namespace

namespace {

nlohmann::json summary_json(const summary& s) {
    return {{"total", s.total},
            {"passed", s.passed},
            {"failed", s.failed},
            {"errors", s.errors},
            {"crashed", s.crashed},
            {"behavior", counts(s.behavior)},
            {"behaviorClose", counts(s.behavior_close)}};
}

nlohmann::json target_json(const run_report& r, bool with_wirelog) {
    using nlohmann::json;
    json j;
    j["target"] = r.target;
    j["agent"] = r.agent;
    j["started"] = r.started;
    j["duration_ms"] = r.duration_ms;
    j["interrupted"] = r.interrupted;
    if (!r.error.empty()) j["error"] = r.error;
    if (!r.note.empty()) j["note"] = r.note;
    j["summary"] = summary_json(summarize(r));
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
                               {"document", c.server_violation->document},
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

} // namespace

summary summarize(const std::vector<run_report>& targets) {
    summary all;
    for (const auto& t : targets) {
        auto s = summarize(t);
        all.total += s.total;
        all.passed += s.passed;
        all.failed += s.failed;
        all.errors += s.errors;
        all.crashed += s.crashed;
        for (const auto& [v, n] : s.behavior)
            all.behavior[v] += n;
        for (const auto& [v, n] : s.behavior_close)
            all.behavior_close[v] += n;
    }
    return all;
}

nlohmann::json to_json(const std::vector<run_report>& targets, bool with_wirelog) {
    using nlohmann::json;
    json j;
    if (targets.empty()) return j;
    // The run's own fields are the same in every target's report: take the first.
    const auto& first = targets.front();
    j["tool"] = {{"name", first.tool}, {"version", first.version}};
    j["started"] = first.started;
    double ms = 0;
    bool interrupted = false;
    for (const auto& t : targets) {
        ms += t.duration_ms;
        interrupted = interrupted || t.interrupted;
    }
    j["duration_ms"] = ms;
    j["seed"] = first.seed;
    j["options"] = {{"jobs", first.jobs},
                    {"strict", first.strict},
                    {"settle_ms", first.settle_ms},
                    {"timer_scale", first.timer_scale}};
    j["interrupted"] = interrupted;
    j["summary"] = summary_json(summarize(targets));
    json all = json::array();
    for (const auto& t : targets)
        all.push_back(target_json(t, with_wirelog));
    j["targets"] = std::move(all);
    return j;
}

nlohmann::json to_json(const run_report& r, bool with_wirelog) {
    return to_json(std::vector<run_report>{r}, with_wirelog);
}

result<void> write_json(const std::vector<run_report>& targets, const std::string& path,
                        bool with_wirelog) {
    // Written next to its final name, then renamed: an interrupted write never leaves a
    // truncated report where the last good one was.
    const std::string tmp = path + ".part";
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return make_error("cannot write " + tmp, error_kind::bad_input);
    out << to_json(targets, with_wirelog).dump(2) << '\n';
    out.close();
    if (!out) return make_error("error while writing " + tmp);
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) return make_error("cannot rename " + tmp + " to " + path + ": " + ec.message());
    return {};
}

result<void> write_json(const run_report& r, const std::string& path, bool with_wirelog) {
    return write_json(std::vector<run_report>{r}, path, with_wirelog);
}

} // namespace wsspec::report
