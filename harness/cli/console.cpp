#include "harness/cli/console.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <unistd.h>

namespace wsspec::cli {

progress::progress(std::FILE* out, bool quiet, std::string label)
    : out_(out), tty_(!quiet && label.empty() && isatty(fileno(out)) != 0), quiet_(quiet),
      label_(label.empty() ? "" : "[" + label + "] ") {}

void progress::on_result(const report::case_result& r, std::size_t done, std::size_t total,
                         bool strict) {
    bool ok = report::passed(r, strict);
    if (!ok) ++failed_;
    if (quiet_ && ok) return;
    if (tty_) {
        fmt::print(out_, "\r\033[K[{:>4}/{}] {} failed  {:<8} {} / {}", done, total, failed_, r.id,
                   to_string(r.behavior), to_string(r.behavior_close));
        if (!ok)
            fmt::print(out_, "\r\033[K{:<8} {} / {}  {}\n", r.id, to_string(r.behavior),
                       to_string(r.behavior_close), r.reason);
    } else {
        fmt::print(out_, "{}{:<8} {:<13} {:<16} {:>7.0f} ms{}{}\n", label_, r.id + " ",
                   to_string(r.behavior), to_string(r.behavior_close), r.duration_ms,
                   ok ? "" : "  ", ok ? "" : r.reason);
    }
    std::fflush(out_);
}

void progress::finish() {
    if (tty_) fmt::print(out_, "\r\033[K");
}

void print_summary(std::FILE* out, const report::run_report& r) {
    struct row {
        std::string title;
        std::size_t total = 0, passed = 0, failed = 0, errors = 0, crashed = 0;
    };
    std::map<std::string, row> groups;
    std::vector<std::string> order;
    for (const auto& c : r.cases) {
        if (!groups.count(c.group)) order.push_back(c.group);
        auto& g = groups[c.group];
        g.title = c.group_title;
        ++g.total;
        if (c.behavior == report::verdict::error)
            ++g.errors;
        else if (c.behavior == report::verdict::crashed)
            ++g.crashed;
        else if (report::passed(c, r.strict))
            ++g.passed;
        else
            ++g.failed;
    }
    // Named groups ("example.close") are wider than Autobahn's numbers: size the column.
    std::size_t width = 6;
    for (const auto& id : order)
        width = std::max(width, id.size());
    // The columns of the summary line below, so that the two always add up the same way.
    fmt::print(out, "\n{:<{}} {:<28} {:>6} {:>6} {:>6} {:>6} {:>7}\n", "group", width, "", "cases",
               "pass", "fail", "error", "crashed");
    for (const auto& id : order) {
        const auto& g = groups[id];
        fmt::print(out, "{:<{}} {:<28} {:>6} {:>6} {:>6} {:>6} {:>7}\n", id, width,
                   g.title.substr(0, 28), g.total, g.passed, g.failed, g.errors, g.crashed);
    }
    auto s = report::summarize(r);
    fmt::print(out,
               "\n{} cases, {} passed, {} failed, {} errors, {} crashed in {:.2f} s against {}\n",
               s.total, s.passed, s.failed, s.errors, s.crashed, r.duration_ms / 1000.0, r.target);
    if (auto u = s.behavior.find(report::verdict::unimplemented); u != s.behavior.end())
        fmt::print(out,
                   "{} of the passed cases are UNIMPLEMENTED (the server declined the "
                   "extension they need)\n",
                   u->second);
    if (!r.note.empty()) fmt::print(out, "note: {}\n", r.note);
    if (r.interrupted) fmt::print(out, "interrupted: the report holds the cases that ran\n");
}

void print_durations(std::FILE* out, const report::run_report& r, std::size_t slowest) {
    if (r.cases.empty()) return;
    struct bucket {
        const char* label;
        double below_ms;
        std::size_t n = 0;
    };
    bucket buckets[] = {{"< 1 ms", 1},        {"1-10 ms", 10},   {"10-100 ms", 100},
                        {"100 ms-1 s", 1000}, {"1-10 s", 10000}, {">= 10 s", 1e300}};
    for (const auto& c : r.cases)
        for (auto& b : buckets)
            if (c.duration_ms < b.below_ms) {
                ++b.n;
                break;
            }
    std::size_t most = 0;
    for (const auto& b : buckets)
        most = std::max(most, b.n);
    fmt::print(out, "\ncase durations\n");
    for (const auto& b : buckets) {
        const std::size_t bar = most ? (b.n * 40 + most - 1) / most : 0;
        fmt::print(out, "  {:<11} {:>5}  {}\n", b.label, b.n, std::string(bar, '#'));
    }
    std::vector<const report::case_result*> order;
    for (const auto& c : r.cases)
        order.push_back(&c);
    std::sort(order.begin(), order.end(),
              [](auto* a, auto* b) { return a->duration_ms > b->duration_ms; });
    order.resize(std::min(order.size(), slowest));
    fmt::print(out, "slowest\n");
    for (const auto* c : order)
        fmt::print(out, "  {:<12} {:>9.1f} ms  {}\n", c->id, c->duration_ms, c->title);
}

} // namespace wsspec::cli
