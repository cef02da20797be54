#include "reports/html_format.hpp"

#include <map>

#include <fmt/format.h>

#include "reports/html_charts.hpp"
#include "reports/report_groups.hpp"
#include "reports/text.hpp"
#include "reports/write_file.hpp"

namespace wsspec::report {
namespace {

using html::verdict_class;

// Autobahn's colours: pass green, non-strict yellow, informational blue, fail red,
// unimplemented grey; close cells: wrong code yellow, failed by client orange, unclean red.
constexpr std::string_view style = R"css(
body { font: 14px/1.45 system-ui, sans-serif; margin: 1.5em; color: #1d1d1d; }
h1 { font-size: 1.5em; margin: 0 0 .2em; } h2 { font-size: 1.2em; margin-top: 1.6em; }
.meta { color: #555; }
table { border-collapse: collapse; }
th, td { border: 1px solid #d0d0d0; padding: 2px 6px; text-align: left; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.matrix td.v { text-align: center; min-width: 5.5em; }
.matrix td.v a { color: inherit; text-decoration: none; display: block; }
.matrix tr.group th { background: #eef1f5; }
.v-ok { background: #7dc67d; } .v-informational { background: #8fb8e6; }
.v-non-strict { background: #f3d861; } .v-unimplemented { background: #c8c8c8; }
.v-failed { background: #e57373; } .v-error { background: #b58ad1; }
.v-crashed { background: #333; color: #fff; } .v-wrong-code { background: #f3d861; }
.v-unclean { background: #e57373; } .v-failed-by-client { background: #f0a04b; }
.v-missing { background: #fafafa; color: #999; }
svg .v-ok { fill: #7dc67d; } svg .v-informational { fill: #8fb8e6; }
svg .v-non-strict { fill: #f3d861; } svg .v-unimplemented { fill: #c8c8c8; }
svg .v-failed { fill: #e57373; } svg .v-error { fill: #b58ad1; } svg .v-crashed { fill: #333; }
svg text { font-size: 11px; fill: #333; } svg .axis { fill: #777; }
.charts { display: flex; flex-wrap: wrap; gap: 1.5em; align-items: flex-start; }
.toolbar { position: sticky; top: 0; background: #fff; padding: .4em 0; z-index: 1; }
body.only-failures tr.case:not(.bad) { display: none; }
body.only-failures details.case:not(.bad) { display: none; }
.hidden { display: none; }
details.case { border: 1px solid #ddd; margin: .3em 0; padding: .2em .6em; }
details.case > summary { cursor: pointer; }
details.case > summary .badge { padding: 0 .4em; border-radius: 3px; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .2em 1em; }
dt { font-weight: 600; } dd { margin: 0; }
pre { background: #f6f6f6; padding: .5em; overflow-x: auto; white-space: pre-wrap; }
.wirelog td { font: 12px ui-monospace, monospace; word-break: break-all; }
blockquote { margin: 0; padding-left: .8em; border-left: 3px solid #bbb; color: #333; }
.regressed { color: #b00020; font-weight: 600; } .fixed { color: #1b7f1b; font-weight: 600; }
)css";

// Filters: "only cases that did not pass", and a search over case ids and titles. Following a
// link to a case opens its details.
constexpr std::string_view script = R"js(
(function () {
  var only = document.getElementById('only-failures');
  var find = document.getElementById('find');
  function apply() {
    document.body.classList.toggle('only-failures', only.checked);
    var q = find.value.trim().toLowerCase();
    document.querySelectorAll('tr.case, details.case').forEach(function (e) {
      e.classList.toggle('hidden', q !== '' && e.dataset.find.indexOf(q) < 0);
    });
  }
  only.addEventListener('change', apply);
  find.addEventListener('input', apply);
  function openTarget() {
    var e = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (e && e.tagName === 'DETAILS') e.open = true;
  }
  window.addEventListener('hashchange', openTarget);
  openTarget();
  // index.html?failures opens with the filter on: a link to share, and what the tests load.
  if (/[?&]failures\b/.test(location.search)) { only.checked = true; apply(); }
})();
)js";

std::string esc(std::string_view s) {
    return markup_escape(s);
}

std::string anchor(std::size_t agent, const std::string& id) {
    return fmt::format("case-{}-{}", agent, id);
}

bool is_bad(const case_result& c, bool strict) {
    auto h = headline(c, strict);
    return h == verdict::failed || h == verdict::error || h == verdict::crashed ||
           !passed(c, strict);
}

std::string summary_table(const std::vector<run_report>& targets) {
    std::string s = "<table class=\"summary\"><tr><th>Agent</th><th>Target</th><th>Cases</th>"
                    "<th>Passed</th><th>Failed</th><th>NON-STRICT</th><th>INFORMATIONAL</th>"
                    "<th>UNIMPLEMENTED</th><th>Errors</th><th>Crashed</th><th>Time</th></tr>\n";
    for (const auto& t : targets) {
        auto n = summarize(t);
        auto count = [&](verdict v) { return behavior_count(n, v); };
        s += fmt::format("<tr><td>{}</td><td>{}{}</td><td class=n>{}</td><td class=n>{}</td>"
                         "<td class=n>{}</td><td class=n>{}</td><td class=n>{}</td>"
                         "<td class=n>{}</td><td class=n>{}</td><td class=n>{}</td>"
                         "<td class=n>{}</td></tr>\n",
                         esc(t.agent), esc(t.target),
                         t.error.empty() ? "" : "<br><b>not tested:</b> " + esc(t.error), n.total,
                         n.passed, n.failed, count(verdict::non_strict),
                         count(verdict::informational), count(verdict::unimplemented), n.errors,
                         n.crashed, esc(human_ms(t.duration_ms)));
    }
    return s + "</table>\n";
}

std::string baseline_section(const comparison& cmp) {
    std::string s = fmt::format("<h2 id=\"baseline\">Against the baseline: <span class=\"{}\">{} "
                                "regressed</span>, <span class=\"fixed\">{} fixed</span></h2>\n",
                                cmp.regressed ? "regressed" : "", cmp.regressed, cmp.fixed);
    for (const auto& n : cmp.notes)
        s += "<p>" + esc(n) + "</p>\n";
    std::string rows;
    for (const auto& ch : cmp.changes) {
        if (ch.kind == change_kind::not_run) continue;
        auto v = [](const std::optional<expectation>& e) {
            return e ? fmt::format("{} / {}", to_string(e->behavior), to_string(e->behavior_close))
                     : std::string("—");
        };
        rows += fmt::format("<tr><td class=\"{}\">{}</td><td>{}</td><td>{}</td><td>{}</td>"
                            "<td>{}</td><td>{}</td></tr>\n",
                            ch.kind == change_kind::regressed ? "regressed"
                            : ch.kind == change_kind::fixed   ? "fixed"
                                                              : "",
                            to_string(ch.kind), esc(ch.agent), esc(ch.id), esc(v(ch.before)),
                            esc(v(ch.after)), ch.after ? esc(ch.after->reason) : "");
    }
    if (rows.empty()) return s + "<p>No case changed.</p>\n";
    return s +
           "<table><tr><th>Change</th><th>Agent</th><th>Case</th><th>Before</th>"
           "<th>After</th><th>Reason</th></tr>\n" +
           rows + "</table>\n";
}

std::string charts(const std::vector<run_report>& targets, const html_extras& extras) {
    std::string s = "<h2 id=\"charts\">Verdicts per category</h2>\n<div class=\"charts\">";
    for (const auto& t : targets)
        if (!t.cases.empty())
            s += "<figure><figcaption>" + esc(t.agent) + "</figcaption>" +
                 html::verdicts_per_category(t) + "</figure>";
    s += "</div>\n";
    if (auto d = html::category9_durations(targets); !d.empty())
        s += "<h2>Category 9: limits and performance</h2>\n<div class=\"charts\"><figure>"
             "<figcaption>Duration of each case</figcaption>" +
             d + "</figure><figure><figcaption>Round trips: median and p99</figcaption>" +
             html::round_trip_percentiles(targets) + "</figure></div>\n";
    else if (auto r = html::round_trip_percentiles(targets); !r.empty())
        s += "<h2>Round trips</h2>\n<div class=\"charts\">" + r + "</div>\n";
    if (extras.load)
        if (auto h = html::load_histogram(*extras.load); !h.empty())
            s += "<h2>Load: echo latency</h2>\n<div class=\"charts\">" + h + "</div>\n";
    return s;
}

// Rows: every case id in the order first seen, grouped by category; columns: two per agent.
// "0.123" (websocket / app bytes), or "-" where nothing went that way; Autobahn's format.
std::string compression_ratio(const traffic_stats::direction& d) {
    return d.app ? fmt::format("{:.3f}", double(d.websocket) / double(d.app)) : "-";
}

// Under a 12.x/13.x verdict, as Autobahn shows it: [incoming/outgoing] compression ratio.
std::string ratio_note(const case_result& c) {
    if (!c.metrics.traffic || (c.group != "12" && c.group != "13")) return "";
    return "<br><small>[" + compression_ratio(c.metrics.traffic->incoming) + "/" +
           compression_ratio(c.metrics.traffic->outgoing) + "]</small>";
}

std::string matrix(const std::vector<run_report>& targets) {
    struct row {
        const case_result* any = nullptr;
        std::vector<const case_result*> per_agent;
    };
    std::vector<std::string> order;
    std::map<std::string, row> rows;
    for (std::size_t a = 0; a < targets.size(); ++a)
        for (const auto& c : targets[a].cases) {
            auto [it, inserted] = rows.try_emplace(c.id);
            if (inserted) {
                order.push_back(c.id);
                it->second.any = &c;
                it->second.per_agent.assign(targets.size(), nullptr);
            }
            it->second.per_agent[a] = &c;
        }
    std::string head = "<tr><th>Case</th><th>Title</th>";
    for (const auto& t : targets)
        head += "<th colspan=2>" + esc(t.agent) + "</th>";
    head += "</tr>\n";
    std::string s = "<table class=\"matrix\" id=\"matrix\">\n" + head;
    std::string group = "\x01";
    for (const auto& id : order) {
        const auto& r = rows[id];
        if (r.any->group != group) {
            group = r.any->group;
            s += fmt::format("<tr class=\"group\"><th colspan={}>{}{}</th></tr>\n",
                             2 + 2 * targets.size(), esc(group),
                             r.any->group_title.empty() ? "" : " " + esc(r.any->group_title));
        }
        bool bad = false;
        std::string cells;
        for (std::size_t a = 0; a < targets.size(); ++a) {
            const auto* c = r.per_agent[a];
            if (!c) {
                cells += "<td class=\"v v-missing\" colspan=2>Missing</td>";
                continue;
            }
            bad = bad || is_bad(*c, targets[a].strict);
            auto h = headline(*c, targets[a].strict);
            std::string close_text =
                c->remote_close_code ? std::to_string(*c->remote_close_code) : "none";
            if (c->behavior_close != verdict::ok && c->behavior_close != verdict::informational)
                close_text = std::string(to_string(c->behavior_close)) + " (" + close_text + ")";
            cells += fmt::format("<td class=\"v {}\" title=\"{}\"><a href=\"#{}\">{}</a>{}</td>"
                                 "<td class=\"v {}\">{}</td>",
                                 verdict_class(h), esc(c->reason), esc(anchor(a, id)), to_string(h),
                                 ratio_note(*c), verdict_class(c->behavior_close), esc(close_text));
        }
        s += fmt::format("<tr class=\"case{}\" data-find=\"{}\"><td>{}</td><td>{}</td>{}</tr>\n",
                         bad ? " bad" : "", esc(valid_utf8(id + " " + r.any->title)), esc(id),
                         esc(r.any->title), cells);
    }
    return s + "</table>\n";
}

std::string field(const char* name, const std::string& html_value) {
    return fmt::format("<dt>{}</dt><dd>{}</dd>", name, html_value);
}

std::string case_details(const run_report& t, std::size_t agent, const case_result& c) {
    auto h = headline(c, t.strict);
    std::string s = fmt::format(
        "<details class=\"case{}\" id=\"{}\" data-find=\"{}\"><summary><b>{}</b> · {} · "
        "<span class=\"badge {}\">{}</span> / <span class=\"badge {}\">{}</span> · "
        "{}</summary>\n<dl>",
        is_bad(c, t.strict) ? " bad" : "", esc(anchor(agent, c.id)),
        esc(c.id + " " + c.title + " " + t.agent), esc(c.id), esc(t.agent), verdict_class(h),
        to_string(c.behavior), verdict_class(c.behavior_close), to_string(c.behavior_close),
        esc(c.title));
    if (!c.reason.empty()) s += field("Reason", esc(c.reason));
    if (!c.description.empty()) s += field("Description", esc(c.description));
    if (!c.rfc.empty())
        s += field("Rule",
                   "RFC 6455 §" + esc(c.rfc) +
                       (c.requirement.empty() ? "" : " (" + esc(c.requirement) + ")") +
                       (c.quote.empty() ? "" : "<blockquote>" + esc(c.quote) + "</blockquote>"));
    if (c.server_violation)
        s += field("Violation",
                   fmt::format("{} ({} §{}) at byte {}: {}", esc(c.server_violation->rule),
                               esc(c.server_violation->document), esc(c.server_violation->section),
                               c.server_violation->offset, esc(c.server_violation->text)));
    if (!c.note.empty()) s += field("Note", esc(c.note));
    s += field("Duration", esc(human_ms(c.duration_ms)));
    s += field(
        "Close",
        fmt::format("remote {} {} · local {} · closed by {} · {}{}",
                    c.remote_close_code ? std::to_string(*c.remote_close_code) : "none",
                    esc(c.remote_close_reason),
                    c.local_close_code ? std::to_string(*c.local_close_code) : "none",
                    c.closed_by_me ? "wsspec" : "the peer", c.was_clean ? "clean" : "not clean",
                    c.was_not_clean_reason.empty() ? "" : ": " + esc(c.was_not_clean_reason)));
    if (c.metrics.round_trips)
        s += field("Round trips",
                   fmt::format("{} · p50 {} · p90 {} · p99 {} · max {}", c.metrics.round_trips,
                               human_ms(c.metrics.rtt_p50_ms), human_ms(c.metrics.rtt_p90_ms),
                               human_ms(c.metrics.rtt_p99_ms), human_ms(c.metrics.rtt_max_ms)));
    if (const auto& traffic = c.metrics.traffic) {
        auto way = [](const traffic_stats::direction& d) {
            return fmt::format("{} messages in {} frames, {} B as messages, {} B as payloads "
                               "(ratio {}), {} B on the wire",
                               d.messages, d.frames, d.app, d.websocket, compression_ratio(d),
                               d.wire);
        };
        s += field("Traffic",
                   "sent " + way(traffic->outgoing) + "<br>received " + way(traffic->incoming));
    }
    s += field("Expected",
               "<pre>" +
                   esc(c.expected.dump(1, ' ', false, nlohmann::json::error_handler_t::replace)) +
                   "</pre>");
    s += field("Received",
               "<pre>" +
                   esc(c.received.dump(1, ' ', false, nlohmann::json::error_handler_t::replace)) +
                   "</pre>");
    s += "</dl>\n";
    if (!c.http_request.empty() || !c.http_response.empty())
        s += "<p>Opening handshake</p><pre>" + esc(c.http_request) + "</pre><pre>" +
             esc(c.http_response) + "</pre>\n";
    // The wire logs of the cases that passed stay out of the page: with the 216 deflate cases they
    // made it 77 MB, too much for a browser to open. The per-case files and --wirelog keep them.
    const bool passed_clean = h == verdict::ok && c.behavior_close == verdict::ok;
    if (!c.wirelog.empty() && passed_clean) {
        s += "<p>Wire log: in the case's Autobahn file (<code>--format autobahn</code>) and, with "
             "<code>--wirelog</code>, in report.json</p>\n";
    } else if (!c.wirelog.empty()) {
        s += "<p>Wire log</p><table class=\"wirelog\"><tr><th>ms</th><th></th><th></th></tr>\n";
        for (const auto& w : c.wirelog)
            s += fmt::format("<tr><td class=n>{:.3f}</td><td>{}</td><td>{}</td></tr>\n", w.t_ms,
                             esc(w.what), esc(w.text));
        s += "</table>\n";
    }
    return s + "</details>\n";
}

} // namespace

std::string html_page(const std::vector<run_report>& targets, const html_extras& extras) {
    std::string s = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
                    "<meta name=\"viewport\" content=\"width=device-width\">\n"
                    "<title>wsspec report</title>\n<style>";
    s += style;
    s += "</style></head>\n<body>\n<h1>WebSocket conformance report</h1>\n";
    if (!targets.empty())
        s += fmt::format(
            "<p class=\"meta\">wsspec {} · started {} · {} agent(s) · seed {}{}{}</p>\n",
            esc(targets.front().version), esc(targets.front().started), targets.size(),
            targets.front().seed, targets.front().strict ? " · --strict: NON-STRICT fails" : "",
            targets.front().timer_scale != 1
                ? fmt::format(" · timers {}× Autobahn's", targets.front().timer_scale)
                : "");
    if (extras.against_baseline) s += baseline_section(*extras.against_baseline);
    s += "<h2 id=\"summary\">Summary</h2>\n" + summary_table(targets);
    s += charts(targets, extras);
    s += "<h2 id=\"cases\">Cases</h2>\n<div class=\"toolbar\"><label><input type=\"checkbox\" "
         "id=\"only-failures\"> only cases that did not pass</label> · <input id=\"find\" "
         "type=\"search\" placeholder=\"find a case: 6.4 or close\"></div>\n";
    s += matrix(targets);
    s += "<h2 id=\"details\">Case details</h2>\n";
    for (std::size_t a = 0; a < targets.size(); ++a)
        for (const auto& c : targets[a].cases)
            s += case_details(targets[a], a, c);
    s += "<script>";
    s += script;
    s += "</script>\n</body></html>\n";
    return s;
}

result<void> write_html(const std::vector<run_report>& targets, const std::string& path,
                        const html_extras& extras) {
    return write_file(path, html_page(targets, extras));
}

} // namespace wsspec::report
