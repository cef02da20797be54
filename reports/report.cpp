#include "reports/report.hpp"

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

verdict headline(const case_result& c, bool strict) {
    if (c.behavior == verdict::error || c.behavior == verdict::crashed) return c.behavior;
    if (!passed(c, strict)) return c.behavior == verdict::non_strict ? c.behavior : verdict::failed;
    return c.behavior;
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

std::size_t behavior_count(const summary& s, verdict v) {
    auto it = s.behavior.find(v);
    return it == s.behavior.end() ? 0 : it->second;
}

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

namespace {

template <typename Key>
nlohmann::json keyed_by_text(const std::map<Key, unsigned long long>& m) {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [k, n] : m)
        j[std::to_string(k)] = n;
    return j;
}

} // namespace

nlohmann::json stats_json(const std::map<unsigned, unsigned long long>& m) {
    return keyed_by_text(m);
}

nlohmann::json stats_json(const std::map<unsigned long long, unsigned long long>& m) {
    return keyed_by_text(m);
}

nlohmann::json traffic_json(const traffic_stats& t) {
    nlohmann::json j = nlohmann::json::object();
    auto ratio = [](unsigned long long a, unsigned long long b) {
        return b ? nlohmann::json(double(a) / double(b)) : nlohmann::json(nullptr);
    };
    const std::pair<const char*, const traffic_stats::direction*> ways[] = {
        {"outgoing", &t.outgoing}, {"incoming", &t.incoming}};
    for (const auto& [name, d] : ways) {
        const std::string n = name;
        j[n + "OctetsWireLevel"] = d->wire;
        j[n + "OctetsWebSocketLevel"] = d->websocket;
        j[n + "OctetsAppLevel"] = d->app;
        j[n + "CompressionRatio"] = ratio(d->websocket, d->app);
        j[n + "WebSocketOverhead"] =
            ratio(d->wire >= d->websocket ? d->wire - d->websocket : 0, d->websocket);
        j[n + "WebSocketFrames"] = d->frames;
        j[n + "WebSocketMessages"] = d->messages;
    }
    j["preopenOutgoingOctetsWireLevel"] = t.outgoing.preopen;
    j["preopenIncomingOctetsWireLevel"] = t.incoming.preopen;
    return j;
}

traffic_stats traffic_from_json(const nlohmann::json& j) {
    traffic_stats t;
    auto count = [&](const std::string& key) {
        auto it = j.find(key);
        return it != j.end() && it->is_number_unsigned() ? it->get<unsigned long long>() : 0ull;
    };
    const std::pair<const char*, traffic_stats::direction*> ways[] = {{"outgoing", &t.outgoing},
                                                                      {"incoming", &t.incoming}};
    for (const auto& [name, d] : ways) {
        const std::string n = name;
        d->wire = count(n + "OctetsWireLevel");
        d->websocket = count(n + "OctetsWebSocketLevel");
        d->app = count(n + "OctetsAppLevel");
        d->frames = count(n + "WebSocketFrames");
        d->messages = count(n + "WebSocketMessages");
    }
    t.outgoing.preopen = count("preopenOutgoingOctetsWireLevel");
    t.incoming.preopen = count("preopenIncomingOctetsWireLevel");
    return t;
}

} // namespace wsspec::report
