// `wsspec report`, `wsspec diff` and `wsspec baseline`: commands over saved reports.
#include <algorithm>

#include <fmt/format.h>

#include "harness/cli/commands.hpp"
#include "harness/cli/input_checks.hpp"
#include "harness/cli/report_output.hpp"
#include "reports/native_json.hpp"
#include "reports/write_file.hpp"

namespace wsspec::cli {
namespace {

std::string verdicts(const std::optional<report::expectation>& e) {
    if (!e) return "(none)";
    return fmt::format("{} / {}", report::to_string(e->behavior),
                       report::to_string(e->behavior_close));
}

// A file given to `wsspec report`: a report.json, or a load.json (its histogram).
struct loaded {
    std::vector<report::run_report> targets;
    std::optional<nlohmann::json> load;
};

result<loaded> load_inputs(const std::vector<std::string>& files) {
    loaded out;
    for (const auto& f : files) {
        auto text = report::read_file(f);
        if (!text) return text.error();
        auto j = nlohmann::json::parse(*text, nullptr, false);
        if (j.is_discarded()) return make_error(f + ": not JSON", error_kind::bad_input);
        if (j.is_object() && j.value("command", "") == "load") {
            out.load = std::move(j);
            continue;
        }
        auto r = report::from_json(j, f);
        if (!r) return r.error();
        for (auto& t : *r) {
            // The same agent from two runs: two columns, not one that mixes them.
            std::string base = t.agent;
            for (int n = 2; std::any_of(out.targets.begin(), out.targets.end(),
                                        [&](const auto& x) { return x.agent == t.agent; });
                 ++n)
                t.agent = fmt::format("{}#{}", base, n);
            out.targets.push_back(std::move(t));
        }
    }
    if (out.targets.empty())
        return make_error("no report.json among the files: nothing to render",
                          error_kind::bad_input);
    return out;
}

} // namespace

void print_comparison(std::FILE* out, const report::comparison& cmp, bool all) {
    std::size_t changed = 0, not_run = 0;
    for (const auto& n : cmp.notes)
        fmt::print(out, "note: {}\n", n);
    for (const auto& ch : cmp.changes) {
        bool shown = ch.kind == report::change_kind::regressed ||
                     ch.kind == report::change_kind::fixed || all;
        changed += ch.kind == report::change_kind::changed;
        not_run += ch.kind == report::change_kind::not_run;
        if (!shown) continue;
        std::string label(report::to_string(ch.kind));
        for (auto& c : label)
            c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        fmt::print(out, "{:<10} {}  {}: {} -> {}{}\n", label, ch.agent, ch.id, verdicts(ch.before),
                   verdicts(ch.after),
                   ch.after && !ch.after->reason.empty() ? ": " + ch.after->reason : "");
    }
    fmt::print(out, "baseline: {} regressed, {} fixed, {} changed at the same severity{}\n",
               cmp.regressed, cmp.fixed, changed,
               not_run ? fmt::format(", {} not run", not_run) : "");
}

int report_command(const report_args& a) {
    auto formats = report::parse_formats(a.formats);
    if (!formats) {
        fmt::print(stderr, "wsspec: {}\n", formats.error().message);
        return exit_usage;
    }
    auto in = load_inputs(a.files);
    if (!in) {
        fmt::print(stderr, "wsspec: {}\n", in.error().message);
        return exit_usage;
    }
    std::optional<report::comparison> cmp;
    if (!a.baseline.empty()) {
        auto b = report::read_baseline(a.baseline);
        if (!b) {
            fmt::print(stderr, "wsspec: --baseline {}\n", b.error().message);
            return exit_usage;
        }
        cmp = report::compare(*b, in->targets, in->targets.front().strict);
    }
    if (auto d = check_out_dir(a.out_dir); !d) {
        fmt::print(stderr, "wsspec: {}\n", d.error().message);
        return exit_usage;
    }
    report::write_options wo;
    wo.wirelog_in_json = true; // what was saved is kept
    wo.extras.against_baseline = cmp ? &*cmp : nullptr;
    wo.extras.load = in->load;
    auto written = report::write_formats(in->targets, a.out_dir, *formats, wo);
    if (!written) {
        fmt::print(stderr, "wsspec: {}\n", written.error().message);
        return exit_failures;
    }
    for (const auto& w : *written)
        fmt::print(stderr, "report: {}\n", w);
    return exit_ok;
}

int diff_command(const diff_args& a) {
    auto before = report::read_baseline(a.before);
    if (!before) {
        fmt::print(stderr, "wsspec: {}\n", before.error().message);
        return exit_usage;
    }
    auto after = report::read_json(a.after);
    if (!after) {
        fmt::print(stderr, "wsspec: {}\n", after.error().message);
        return exit_usage;
    }
    auto cmp = report::compare(*before, *after, a.strict);
    print_comparison(stdout, cmp, a.all);
    return cmp.regressed ? exit_failures : exit_ok;
}

int baseline_command(const baseline_args& a) {
    auto r = report::read_json(a.report);
    if (!r) {
        fmt::print(stderr, "wsspec: {}\n", r.error().message);
        return exit_usage;
    }
    auto text = report::baseline_json(report::baseline_of(*r, false))
                    .dump(2, ' ', false, nlohmann::json::error_handler_t::replace) +
                "\n";
    if (a.out.empty()) {
        fmt::print(stdout, "{}", text);
        return exit_ok;
    }
    if (auto w = report::write_file(a.out, text); !w) {
        fmt::print(stderr, "wsspec: {}\n", w.error().message);
        return exit_usage;
    }
    fmt::print(stderr, "baseline: {}\n", a.out);
    return exit_ok;
}

} // namespace wsspec::cli
