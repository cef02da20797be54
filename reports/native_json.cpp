#include "reports/native_json.hpp"

#include <charconv>

#include "reports/write_file.hpp"

namespace wsspec::report {
namespace {

using nlohmann::json;

json counts(const std::map<verdict, std::size_t>& m) {
    json j = json::object();
    for (const auto& [v, n] : m)
        j[std::string(to_string(v))] = n;
    return j;
}

json metrics_json(const case_metrics& m) {
    json j = {{"handshake_rtt_ms", m.handshake_rtt_ms},
              {"bytes_sent", m.bytes_sent},
              {"bytes_received", m.bytes_received}};
    if (m.round_trips)
        j["round_trips"] = {{"count", m.round_trips},
                            {"p50_ms", m.rtt_p50_ms},
                            {"p90_ms", m.rtt_p90_ms},
                            {"p99_ms", m.rtt_p99_ms},
                            {"max_ms", m.rtt_max_ms}};
    if (m.largest_echo_bytes) j["largest_echo_bytes"] = m.largest_echo_bytes;
    j["rxFrameStats"] = stats_json(m.rx_frames);
    j["txFrameStats"] = stats_json(m.tx_frames);
    j["rxOctetStats"] = stats_json(m.rx_reads);
    j["txOctetStats"] = stats_json(m.tx_writes);
    if (m.traffic) j["trafficStats"] = traffic_json(*m.traffic);
    return j;
}

json summary_json(const summary& s) {
    return {{"total", s.total},
            {"passed", s.passed},
            {"failed", s.failed},
            {"errors", s.errors},
            {"crashed", s.crashed},
            {"behavior", counts(s.behavior)},
            {"behaviorClose", counts(s.behavior_close)}};
}

json case_json(const case_result& c, bool strict, bool with_wirelog) {
    json cj = {
        {"id", c.id},
        {"number", c.number},
        {"group", c.group},
        {"group_title", c.group_title},
        {"title", c.title},
        {"description", c.description},
        {"rfc", c.rfc},
        {"quote", c.quote},
        {"role", c.role},
        {"behavior", to_string(c.behavior)},
        {"behaviorClose", to_string(c.behavior_close)},
        {"passed", passed(c, strict)},
        {"duration_ms", c.duration_ms},
        {"remoteCloseCode", c.remote_close_code ? json(*c.remote_close_code) : json(nullptr)},
        {"remoteCloseReason", c.remote_close_reason},
        {"localCloseCode", c.local_close_code ? json(*c.local_close_code) : json(nullptr)},
        {"closedByMe", c.closed_by_me},
        {"failedByMe", c.failed_by_me},
        {"droppedByMe", c.dropped_by_me},
        {"wasClean", c.was_clean},
        {"wasOpenHandshakeTimeout", c.open_timeout},
        {"wasCloseHandshakeTimeout", c.close_timeout},
        {"wasServerConnectionDropTimeout", c.drop_timeout},
        {"upgraded", c.upgraded},
        {"expected", c.expected},
        {"expectedClose", c.expected_close},
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
    return cj;
}

json target_json(const run_report& r, bool with_wirelog) {
    json j;
    j["target"] = r.target;
    j["agent"] = r.agent;
    j["started"] = r.started;
    j["duration_ms"] = r.duration_ms;
    j["interrupted"] = r.interrupted;
    if (!r.error.empty()) j["error"] = r.error;
    if (!r.note.empty()) j["note"] = r.note;
    if (!r.excluded.empty()) j["excluded"] = r.excluded;
    j["summary"] = summary_json(summarize(r));
    json cases = json::array();
    for (const auto& c : r.cases)
        cases.push_back(case_json(c, r.strict, with_wirelog));
    j["cases"] = std::move(cases);
    return j;
}

// Reading: each field is looked up with the path it sits at, so a hand-edited or truncated
// report gets an error that says where it is wrong.
struct reader {
    const std::string& file;
    std::optional<error_info> failure;

    void fail(const std::string& path, const std::string& what) {
        if (!failure) failure = error_info{file + ": " + path + ": " + what, error_kind::bad_input};
    }
    const json* field(const json& obj, const std::string& path, const char* key, bool required) {
        if (!obj.is_object()) {
            fail(path, "expected an object");
            return nullptr;
        }
        auto it = obj.find(key);
        if (it == obj.end() || (it->is_null() && required)) {
            if (required) fail(path + "." + key, "missing");
            return nullptr;
        }
        return &*it;
    }
    template <typename T>
    void get(const json& obj, const std::string& path, const char* key, T& out,
             bool required = false) {
        const json* v = field(obj, path, key, required);
        if (!v || v->is_null()) return;
        try {
            out = v->get<T>();
        } catch (const json::exception&) {
            fail(path + "." + key, std::string("wrong type (") + v->type_name() + ")");
        }
    }
    template <typename Key>
    void get_stats(const json& obj, const std::string& path, const char* key,
                   std::map<Key, unsigned long long>& out) {
        const json* v = field(obj, path, key, false);
        if (!v) return;
        if (!v->is_object()) return fail(path + "." + key, "expected an object");
        for (const auto& [k, n] : v->items()) {
            Key at{};
            auto [end, ec] = std::from_chars(k.data(), k.data() + k.size(), at);
            if (ec != std::errc() || end != k.data() + k.size() || !n.is_number_unsigned())
                return fail(path + "." + key + "." + k, "expected a count under a number");
            out[at] = n.template get<unsigned long long>();
        }
    }
    void get_verdict(const json& obj, const std::string& path, const char* key, verdict& out) {
        std::string s;
        get(obj, path, key, s, true);
        if (failure) return;
        auto v = parse_verdict(s);
        if (!v)
            fail(path + "." + key, "'" + s + "' is not a verdict");
        else
            out = *v;
    }
};

case_result read_case(reader& rd, const json& cj, const std::string& p) {
    case_result c;
    rd.get(cj, p, "id", c.id, true);
    rd.get(cj, p, "number", c.number);
    rd.get(cj, p, "group", c.group);
    rd.get(cj, p, "group_title", c.group_title);
    rd.get(cj, p, "title", c.title);
    rd.get(cj, p, "description", c.description);
    rd.get(cj, p, "rfc", c.rfc);
    rd.get(cj, p, "quote", c.quote);
    rd.get(cj, p, "requirement", c.requirement);
    rd.get(cj, p, "note", c.note);
    rd.get(cj, p, "role", c.role);
    rd.get_verdict(cj, p, "behavior", c.behavior);
    rd.get_verdict(cj, p, "behaviorClose", c.behavior_close);
    rd.get(cj, p, "reason", c.reason);
    rd.get(cj, p, "duration_ms", c.duration_ms);
    if (const json* v = rd.field(cj, p, "remoteCloseCode", false); v && !v->is_null()) {
        int code = 0;
        rd.get(cj, p, "remoteCloseCode", code);
        c.remote_close_code = code;
    }
    rd.get(cj, p, "remoteCloseReason", c.remote_close_reason);
    if (const json* v = rd.field(cj, p, "localCloseCode", false); v && !v->is_null()) {
        int code = 0;
        rd.get(cj, p, "localCloseCode", code);
        c.local_close_code = code;
    }
    rd.get(cj, p, "closedByMe", c.closed_by_me);
    rd.get(cj, p, "failedByMe", c.failed_by_me);
    rd.get(cj, p, "droppedByMe", c.dropped_by_me);
    rd.get(cj, p, "wasClean", c.was_clean);
    rd.get(cj, p, "wasOpenHandshakeTimeout", c.open_timeout);
    rd.get(cj, p, "wasCloseHandshakeTimeout", c.close_timeout);
    rd.get(cj, p, "wasServerConnectionDropTimeout", c.drop_timeout);
    rd.get(cj, p, "upgraded", c.upgraded);
    rd.get(cj, p, "wasNotCleanReason", c.was_not_clean_reason);
    if (const json* v = rd.field(cj, p, "expected", false)) c.expected = *v;
    if (const json* v = rd.field(cj, p, "expectedClose", false)) c.expected_close = *v;
    if (const json* v = rd.field(cj, p, "received", false)) c.received = *v;
    if (const json* v = rd.field(cj, p, "violation", false)) {
        violation x;
        rd.get(*v, p + ".violation", "rule", x.rule);
        rd.get(*v, p + ".violation", "rfc", x.section);
        rd.get(*v, p + ".violation", "document", x.document);
        rd.get(*v, p + ".violation", "text", x.text);
        rd.get(*v, p + ".violation", "offset", x.offset);
        c.server_violation = x;
    }
    if (const json* m = rd.field(cj, p, "metrics", false)) {
        const std::string mp = p + ".metrics";
        rd.get(*m, mp, "handshake_rtt_ms", c.metrics.handshake_rtt_ms);
        rd.get(*m, mp, "bytes_sent", c.metrics.bytes_sent);
        rd.get(*m, mp, "bytes_received", c.metrics.bytes_received);
        rd.get(*m, mp, "largest_echo_bytes", c.metrics.largest_echo_bytes);
        rd.get_stats(*m, mp, "rxFrameStats", c.metrics.rx_frames);
        rd.get_stats(*m, mp, "txFrameStats", c.metrics.tx_frames);
        rd.get_stats(*m, mp, "rxOctetStats", c.metrics.rx_reads);
        rd.get_stats(*m, mp, "txOctetStats", c.metrics.tx_writes);
        if (const json* t = rd.field(*m, mp, "trafficStats", false); t && t->is_object())
            c.metrics.traffic = traffic_from_json(*t);
        if (const json* rt = rd.field(*m, mp, "round_trips", false)) {
            const std::string rp = mp + ".round_trips";
            rd.get(*rt, rp, "count", c.metrics.round_trips);
            rd.get(*rt, rp, "p50_ms", c.metrics.rtt_p50_ms);
            rd.get(*rt, rp, "p90_ms", c.metrics.rtt_p90_ms);
            rd.get(*rt, rp, "p99_ms", c.metrics.rtt_p99_ms);
            rd.get(*rt, rp, "max_ms", c.metrics.rtt_max_ms);
        }
    }
    rd.get(cj, p, "httpRequest", c.http_request);
    rd.get(cj, p, "httpResponse", c.http_response);
    if (const json* wl = rd.field(cj, p, "wirelog", false)) {
        if (!wl->is_array()) rd.fail(p + ".wirelog", "expected an array");
        for (std::size_t i = 0; wl->is_array() && i < wl->size(); ++i) {
            const json& e = (*wl)[i];
            if (!e.is_array() || e.size() != 3 || !e[0].is_number() || !e[1].is_string() ||
                !e[2].is_string()) {
                rd.fail(p + ".wirelog[" + std::to_string(i) + "]",
                        "expected [milliseconds, tag, text]");
                break;
            }
            c.wirelog.push_back(
                {e[0].get<double>(), e[1].get<std::string>(), e[2].get<std::string>()});
        }
    }
    return c;
}

} // namespace

nlohmann::json to_json(const std::vector<run_report>& targets, bool with_wirelog) {
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

result<void> write_json(const std::vector<run_report>& targets, const std::string& path,
                        bool with_wirelog) {
    return write_file(
        path,
        to_json(targets, with_wirelog).dump(2, ' ', false, json::error_handler_t::replace) + '\n');
}

result<std::vector<run_report>> from_json(const nlohmann::json& j, const std::string& where) {
    reader rd{where, std::nullopt};
    std::vector<run_report> out;
    std::string tool;
    if (const json* t = rd.field(j, "(top)", "tool", true)) rd.get(*t, "tool", "name", tool, true);
    if (!rd.failure && tool != "wsspec")
        rd.fail("tool.name", "'" + tool + "': not a wsspec report");
    const json* targets = rd.failure ? nullptr : rd.field(j, "(top)", "targets", true);
    if (targets && !targets->is_array()) rd.fail("targets", "expected an array");
    if (rd.failure) return *rd.failure;
    run_report base;
    if (const json* t = rd.field(j, "(top)", "tool", true))
        rd.get(*t, "tool", "version", base.version);
    rd.get(j, "(top)", "seed", base.seed);
    if (const json* o = rd.field(j, "(top)", "options", false)) {
        rd.get(*o, "options", "jobs", base.jobs);
        rd.get(*o, "options", "strict", base.strict);
        rd.get(*o, "options", "settle_ms", base.settle_ms);
        rd.get(*o, "options", "timer_scale", base.timer_scale);
    }
    for (std::size_t i = 0; i < targets->size(); ++i) {
        const json& tj = (*targets)[i];
        const std::string p = "targets[" + std::to_string(i) + "]";
        run_report r = base;
        rd.get(tj, p, "target", r.target, true);
        rd.get(tj, p, "agent", r.agent, true);
        rd.get(tj, p, "started", r.started);
        rd.get(tj, p, "duration_ms", r.duration_ms);
        rd.get(tj, p, "interrupted", r.interrupted);
        rd.get(tj, p, "error", r.error);
        rd.get(tj, p, "note", r.note);
        rd.get(tj, p, "excluded", r.excluded);
        const json* cases = rd.field(tj, p, "cases", true);
        if (cases && !cases->is_array()) rd.fail(p + ".cases", "expected an array");
        for (std::size_t k = 0; !rd.failure && cases && k < cases->size(); ++k)
            r.cases.push_back(read_case(rd, (*cases)[k], p + ".cases[" + std::to_string(k) + "]"));
        if (rd.failure) return *rd.failure;
        out.push_back(std::move(r));
    }
    return out;
}

result<std::vector<run_report>> read_json(const std::string& path) {
    auto text = read_file(path);
    if (!text) return text.error();
    auto j = json::parse(*text, nullptr, false);
    if (j.is_discarded()) return make_error(path + ": not JSON", error_kind::bad_input);
    return from_json(j, path);
}

} // namespace wsspec::report
