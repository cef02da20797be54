#include "reports/markdown_format.hpp"

#include <fmt/format.h>

#include "reports/report_groups.hpp"
#include "reports/text.hpp"
#include "reports/write_file.hpp"

namespace wsspec::report {
namespace {

// GitHub keeps 1 MiB of a job summary; a server that fails everything must not lose the totals.
constexpr std::size_t max_listed_cases = 150;

std::string verdicts(const std::optional<expectation>& e) {
    if (!e) return "—";
    if (e->behavior_close == verdict::ok) return std::string(to_string(e->behavior));
    return fmt::format("{} / {}", to_string(e->behavior), to_string(e->behavior_close));
}

std::string totals_table(const std::vector<run_report>& targets) {
    std::string s = "| Agent | Cases | Passed | Failed | NON-STRICT | INFORMATIONAL | "
                    "UNIMPLEMENTED | Errors | Crashed | Time |\n"
                    "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n";
    for (const auto& t : targets) {
        auto n = summarize(t);
        auto count = [&](verdict v) { return behavior_count(n, v); };
        s += fmt::format("| {}{} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
                         markdown_line(t.agent), t.error.empty() ? "" : " (not reached)", n.total,
                         n.passed, n.failed, count(verdict::non_strict),
                         count(verdict::informational), count(verdict::unimplemented), n.errors,
                         n.crashed, human_ms(t.duration_ms));
    }
    return s;
}

std::string category_table(const run_report& t) {
    static constexpr verdict columns[] = {
        verdict::ok,     verdict::non_strict, verdict::informational, verdict::unimplemented,
        verdict::failed, verdict::error,      verdict::crashed};
    std::string s = "| Category | Cases | OK | NON-STRICT | INFORMATIONAL | UNIMPLEMENTED | FAILED "
                    "| ERROR | CRASHED |\n|---|--:|--:|--:|--:|--:|--:|--:|--:|\n";
    for (const auto& g : groups_of(t)) {
        s += fmt::format("| {} | {}", markdown_line(g.label()), g.cases.size());
        for (auto v : columns) {
            std::size_t n = 0;
            for (const auto* c : g.cases)
                n += headline(*c, t.strict) == v;
            s += n ? fmt::format(" | {}", n) : std::string(" | ");
        }
        s += " |\n";
    }
    return s;
}

std::string not_passed(const run_report& t) {
    std::vector<const case_result*> bad;
    for (const auto& c : t.cases)
        if (!passed(c, t.strict) || c.behavior == verdict::error || c.behavior == verdict::crashed)
            bad.push_back(&c);
    if (bad.empty()) return "Every case passed.\n";
    std::string s = fmt::format("{} case(s) did not pass:\n\n", bad.size());
    std::size_t shown = 0;
    for (const auto* c : bad) {
        if (++shown > max_listed_cases) {
            s += fmt::format("- … and {} more (see report.json or the HTML report)\n",
                             bad.size() - max_listed_cases);
            break;
        }
        s += fmt::format("- **{}** {} — `{}` / `{}`", markdown_line(c->id), markdown_line(c->title),
                         to_string(c->behavior), to_string(c->behavior_close));
        if (!c->reason.empty()) s += ": " + markdown_line(c->reason);
        if (!c->rfc.empty() && c->reason.find("§") == std::string::npos)
            s += fmt::format(" (RFC 6455 §{})", markdown_line(c->rfc));
        s += "\n";
    }
    return s;
}

std::string baseline_section(const comparison& cmp) {
    std::string s = fmt::format("## Against the baseline: {} regressed, {} fixed\n\n",
                                cmp.regressed, cmp.fixed);
    for (const auto& n : cmp.notes)
        s += "> " + markdown_line(n) + "\n";
    if (!cmp.notes.empty()) s += "\n";
    std::size_t listed = 0;
    std::string rows;
    for (const auto& ch : cmp.changes) {
        if (ch.kind == change_kind::not_run) continue;
        if (++listed > max_listed_cases) break;
        rows += fmt::format("| {} | {} | {} | {} | {} | {} |\n", to_string(ch.kind),
                            markdown_line(ch.agent), markdown_line(ch.id), verdicts(ch.before),
                            verdicts(ch.after),
                            ch.after ? markdown_line(ch.after->reason) : std::string());
    }
    if (rows.empty()) return s + "No case changed.\n\n";
    return s + "| Change | Agent | Case | Before | After | Reason |\n|---|---|---|---|---|---|\n" +
           rows + "\n";
}

} // namespace

std::string markdown_summary(const std::vector<run_report>& targets, const comparison* cmp) {
    std::string s = "# WebSocket conformance (wsspec)\n\n";
    if (!targets.empty())
        s += fmt::format("wsspec {} · started {} · {} agent(s){}\n\n", targets.front().version,
                         targets.front().started, targets.size(),
                         targets.front().strict ? " · --strict" : "");
    if (cmp) s += baseline_section(*cmp);
    s += totals_table(targets) + "\n";
    for (const auto& t : targets) {
        s += fmt::format("## {}\n\n`{}`", markdown_line(t.agent), markdown_line(t.target));
        if (t.interrupted) s += " · interrupted: the report holds the cases that ran";
        s += "\n\n";
        if (!t.error.empty()) s += "**Not tested:** " + markdown_line(t.error) + "\n\n";
        if (!t.note.empty()) s += "> " + markdown_line(t.note) + "\n\n";
        if (t.cases.empty()) continue;
        s += category_table(t) + "\n" + not_passed(t) + "\n";
    }
    return s;
}

result<void> write_markdown(const std::vector<run_report>& targets, const std::string& path,
                            const comparison* cmp) {
    return write_file(path, markdown_summary(targets, cmp));
}

} // namespace wsspec::report
