#pragma once
// Known results, and what changed against them. A baseline replaces the hand-written xfail maps
// and golden files of Autobahn users: the run fails only when a case got worse, and a case that
// got better is reported as fixed.
//
// A baseline is read from any of: a baseline file (`wsspec baseline` writes one: the cases that
// did not pass, each with its verdicts and reason); a previous report.json; an Autobahn
// index.json (the golden files tungstenite-rs keeps are one). A case a baseline file does not
// list is expected to pass.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "codec/result.hpp"
#include "reports/report.hpp"

namespace wsspec::report {

struct expectation {
    verdict behavior = verdict::ok;
    verdict behavior_close = verdict::ok;
    std::string reason;
};

struct baseline {
    // agent → case id → what it got. The agent "*" stands for every agent.
    std::map<std::string, std::map<std::string, expectation>> agents;
    // Read from a report (every case that ran is listed): a case it lacks is new, not expected
    // to pass, and a listed case that did not run is reported as such.
    bool complete = false;
    std::string source; // the file
};

result<baseline> parse_baseline(const nlohmann::json& j, const std::string& where);
result<baseline> read_baseline(const std::string& path);

// From a run: every case (complete), or only those that did not end OK/OK (for a file to keep).
baseline baseline_of(const std::vector<run_report>& targets, bool complete);
nlohmann::json baseline_json(const baseline& b);

// How bad a result is: 0 passed cleanly (OK, INFORMATIONAL), 1 passed with a remark
// (NON-STRICT, UNIMPLEMENTED), 2 failed, 3 crashed the target. With strict, NON-STRICT is 2.
int severity(verdict behavior, verdict behavior_close, bool strict);

enum class change_kind {
    regressed, // worse than before (or a new case that does not pass)
    fixed,     // better than before
    changed,   // as bad as before, but a different verdict
    added,     // a new case that passes
    not_run,   // in the baseline, not in this run
};
std::string_view to_string(change_kind k) noexcept;

struct change {
    change_kind kind;
    std::string agent, id, title;
    std::optional<expectation> before, after;
};

struct comparison {
    std::vector<change> changes;
    std::size_t regressed = 0, fixed = 0;
    std::vector<std::string> notes; // e.g. an agent the baseline does not know
};

comparison compare(const baseline& before, const std::vector<run_report>& after, bool strict);

} // namespace wsspec::report
