#include "reports/baseline.hpp"

#include <algorithm>
#include <set>

#include "reports/native_json.hpp"
#include "reports/write_file.hpp"

namespace wsspec::report {
namespace {

using nlohmann::json;

result<verdict> verdict_at(const json& entry, const char* key, const std::string& where,
                           bool required) {
    auto it = entry.find(key);
    if (it == entry.end()) {
        if (required) return make_error(where + "." + key + ": missing", error_kind::bad_input);
        return verdict::ok;
    }
    if (!it->is_string())
        return make_error(where + "." + key + ": expected a verdict string (\"OK\", \"FAILED\", …)",
                          error_kind::bad_input);
    auto v = parse_verdict(it->get<std::string>());
    if (!v)
        return make_error(where + "." + key + ": '" + it->get<std::string>() +
                              "' is not a verdict (OK, NON-STRICT, FAILED, INFORMATIONAL, "
                              "UNIMPLEMENTED, WRONG CODE, UNCLEAN, FAILED BY CLIENT, ERROR, "
                              "CRASHED)",
                          error_kind::bad_input);
    return *v;
}

// {case id: {behavior, behaviorClose, reason}} as both our files and Autobahn's index hold them.
result<std::map<std::string, expectation>> read_cases(const json& cases, const std::string& where,
                                                      bool close_required) {
    if (!cases.is_object())
        return make_error(where + ": expected an object of case id → verdicts",
                          error_kind::bad_input);
    std::map<std::string, expectation> out;
    for (const auto& [id, entry] : cases.items()) {
        const std::string at = where + "." + id;
        if (!entry.is_object())
            return make_error(at + ": expected an object with \"behavior\"", error_kind::bad_input);
        expectation e;
        auto b = verdict_at(entry, "behavior", at, true);
        if (!b) return b.error();
        auto bc = verdict_at(entry, "behaviorClose", at, close_required);
        if (!bc) return bc.error();
        e.behavior = *b;
        e.behavior_close = *bc;
        if (auto r = entry.find("reason"); r != entry.end()) {
            if (!r->is_string())
                return make_error(at + ".reason: expected a string", error_kind::bad_input);
            e.reason = r->get<std::string>();
        }
        out.emplace(id, std::move(e));
    }
    return out;
}

bool looks_like_autobahn_index(const json& j) {
    if (!j.is_object() || j.empty()) return false;
    for (const auto& [agent, cases] : j.items()) {
        if (!cases.is_object()) return false;
        for (const auto& [id, entry] : cases.items())
            if (!entry.is_object() || !entry.contains("behavior")) return false;
    }
    return true;
}

// Which of the baseline's agents a run's agent is compared with: its own name, else "*", else
// the only agent there is (a baseline taken against the same server on another port).
const std::map<std::string, expectation>* cases_for(const baseline& b, const std::string& agent,
                                                    std::vector<std::string>& notes) {
    if (auto it = b.agents.find(agent); it != b.agents.end()) return &it->second;
    if (auto it = b.agents.find("*"); it != b.agents.end()) return &it->second;
    if (b.agents.size() == 1) return &b.agents.begin()->second;
    notes.push_back("the baseline has no agent '" + agent +
                    "': each of its cases is expected to pass");
    return nullptr;
}

} // namespace

std::string_view to_string(change_kind k) noexcept {
    switch (k) {
    case change_kind::regressed: return "regressed";
    case change_kind::fixed: return "fixed";
    case change_kind::changed: return "changed";
    case change_kind::added: return "new";
    case change_kind::not_run: return "not run";
    }
    return "?";
}

int severity(verdict behavior, verdict behavior_close, bool strict) {
    auto one = [&](verdict v) {
        switch (v) {
        case verdict::ok:
        case verdict::informational: return 0;
        case verdict::non_strict: return strict ? 2 : 1;
        case verdict::unimplemented: return 1;
        case verdict::crashed: return 3;
        default: return 2;
        }
    };
    return std::max(one(behavior), one(behavior_close));
}

result<baseline> parse_baseline(const json& j, const std::string& where) {
    baseline b;
    b.source = where;
    if (j.is_object() && j.contains("wsspec_baseline")) {
        if (j["wsspec_baseline"] != 1)
            return make_error(where + ": wsspec_baseline: this wsspec reads version 1",
                              error_kind::bad_input);
        if (auto c = j.find("complete"); c != j.end() && c->is_boolean()) b.complete = *c;
        if (auto cases = j.find("cases"); cases != j.end()) {
            auto m = read_cases(*cases, where + ": cases", false);
            if (!m) return m.error();
            b.agents["*"] = std::move(*m);
        }
        if (auto agents = j.find("agents"); agents != j.end()) {
            if (!agents->is_object())
                return make_error(where + ": agents: expected an object of agent → cases",
                                  error_kind::bad_input);
            for (const auto& [agent, cases] : agents->items()) {
                auto m = read_cases(cases, where + ": agents." + agent, false);
                if (!m) return m.error();
                b.agents[agent] = std::move(*m);
            }
        }
        return b;
    }
    if (j.is_object() && j.contains("tool") && j.contains("targets")) {
        auto r = from_json(j, where);
        if (!r) return r.error();
        auto out = baseline_of(*r, true);
        out.source = where;
        return out;
    }
    if (looks_like_autobahn_index(j)) {
        b.complete = true;
        for (const auto& [agent, cases] : j.items()) {
            auto m = read_cases(cases, where + ": " + agent, true);
            if (!m) return m.error();
            b.agents[agent] = std::move(*m);
        }
        return b;
    }
    return make_error(where + ": not a baseline: expected a file written by `wsspec baseline`, a "
                              "wsspec report.json or an Autobahn index.json",
                      error_kind::bad_input);
}

result<baseline> read_baseline(const std::string& path) {
    auto text = read_file(path);
    if (!text) return text.error();
    auto j = json::parse(*text, nullptr, false);
    if (j.is_discarded()) return make_error(path + ": not JSON", error_kind::bad_input);
    return parse_baseline(j, path);
}

baseline baseline_of(const std::vector<run_report>& targets, bool complete) {
    baseline b;
    b.complete = complete;
    for (const auto& t : targets) {
        auto& cases = b.agents[t.agent];
        for (const auto& c : t.cases)
            if (complete || severity(c.behavior, c.behavior_close, t.strict) > 0)
                cases[c.id] = {c.behavior, c.behavior_close, c.reason};
    }
    return b;
}

nlohmann::json baseline_json(const baseline& b) {
    json agents = json::object();
    for (const auto& [agent, cases] : b.agents) {
        json cj = json::object();
        for (const auto& [id, e] : cases) {
            json entry = {{"behavior", to_string(e.behavior)},
                          {"behaviorClose", to_string(e.behavior_close)}};
            if (!e.reason.empty()) entry["reason"] = e.reason;
            cj[id] = std::move(entry);
        }
        agents[agent] = std::move(cj);
    }
    json j = {{"wsspec_baseline", 1}, {"agents", std::move(agents)}};
    if (b.complete) j["complete"] = true;
    return j;
}

comparison compare(const baseline& before, const std::vector<run_report>& after, bool strict) {
    comparison out;
    for (const auto& t : after) {
        const auto* known = cases_for(before, t.agent, out.notes);
        std::set<std::string> seen;
        for (const auto& c : t.cases) {
            seen.insert(c.id);
            expectation now{c.behavior, c.behavior_close, c.reason};
            int s_now = severity(c.behavior, c.behavior_close, strict);
            const expectation* was = nullptr;
            if (known)
                if (auto it = known->find(c.id); it != known->end()) was = &it->second;
            change ch{change_kind::changed, t.agent, c.id, c.title, std::nullopt, now};
            if (!was && before.complete) {
                ch.kind = s_now >= 2 ? change_kind::regressed : change_kind::added;
            } else {
                expectation expected = was ? *was : expectation{};
                int s_was = severity(expected.behavior, expected.behavior_close, strict);
                if (was) ch.before = expected;
                if (s_now > s_was)
                    ch.kind = change_kind::regressed;
                else if (s_now < s_was)
                    ch.kind = change_kind::fixed;
                else if (was && (expected.behavior != now.behavior ||
                                 expected.behavior_close != now.behavior_close))
                    ch.kind = change_kind::changed;
                else
                    continue;
                if (!was) ch.before = expected;
            }
            if (ch.kind == change_kind::regressed) ++out.regressed;
            if (ch.kind == change_kind::fixed) ++out.fixed;
            out.changes.push_back(std::move(ch));
        }
        // A case the baseline lists that did not run: an interrupted or narrowed run, or a case
        // that left the catalog. Said, never a failure.
        // Only a complete baseline (a report) says which cases ran; a baseline file lists failures.
        if (!known || !before.complete || !t.error.empty()) continue;
        for (const auto& [id, e] : *known)
            if (!seen.count(id))
                out.changes.push_back({change_kind::not_run, t.agent, id, "", e, std::nullopt});
    }
    return out;
}

} // namespace wsspec::report
