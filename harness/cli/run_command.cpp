#include <chrono>
#include <ctime>
#include <filesystem>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "codec/handshake/http_fields.hpp"
#include "harness/catalog/case_loader.hpp"
#include "harness/cli/autobahn_spec.hpp"
#include "harness/cli/build_info.hpp"
#include "harness/cli/case_selection.hpp"
#include "harness/cli/commands.hpp"
#include "harness/cli/console.hpp"
#include "harness/cli/input_checks.hpp"
#include "harness/cli/report_output.hpp"
#include "harness/engine/scheduler.hpp"
#include "harness/engine/selection.hpp"
#include "harness/engine/target_probe.hpp"
#include "harness/server/reference_server.hpp"
#include "harness/transport/url.hpp"

namespace wsspec::cli {
namespace {

// One server under test (an agent) and what it runs.
struct target_plan {
    std::string url;
    std::string agent; // given (--agent, the spec); else found at the pre-flight check
    engine::run_options options;
    std::vector<catalog::case_def> cases;
    std::vector<std::string> excluded; // by the spec's exclude-agent-cases
    // The pre-flight check: empty when the target upgraded.
    std::string error;
    int error_code = exit_ok;
};

// Everything a run reads before its first connection: the spec, the catalog, the baseline,
// the formats. Any of them wrong is a usage error (exit 2), never a finding.
struct run_inputs {
    std::optional<fuzzingclient_spec> spec;
    std::string spec_file;
    std::vector<catalog::case_def> selection;
    std::vector<report::format> formats;
    std::optional<report::baseline> baseline;
    std::string out_dir;
};

result<engine::run_options> make_options(const run_args& a, const std::string& url,
                                         const spec_server* from_spec) {
    auto u = transport::parse_url(url);
    if (!u) return make_error("URL '" + url + "': " + u.error().message, error_kind::bad_input);
    engine::run_options o;
    o.target = *u;
    o.tls = a.tls;
    for (const auto& h : a.headers) {
        auto field = handshake::parse_header_line(h);
        if (!field)
            return make_error("bad -H '" + h +
                                  "': expected 'Name: value', a token for the name and no CR, "
                                  "LF or NUL anywhere",
                              error_kind::bad_input);
        o.headers.push_back(std::move(*field));
    }
    if (!a.origin.empty()) o.origin = a.origin;
    o.subprotocols = a.subprotocols;
    if (from_spec) {
        if (!from_spec->origin.empty() && a.origin.empty()) o.origin = from_spec->origin;
        if (a.subprotocols.empty()) o.subprotocols = from_spec->protocols;
        if (!from_spec->hostname.empty() && o.tls.sni.empty()) o.tls.sni = from_spec->hostname;
    }
    if (a.settle_ms) o.settle = std::chrono::milliseconds(static_cast<long>(*a.settle_ms));
    if (!a.max_message.empty()) {
        auto n = parse_byte_size("--max-message", a.max_message);
        if (!n) return n.error();
        o.max_message = *n;
    }
    o.timer_scale = a.timer_scale;
    o.seed = a.seed;
    return o;
}

result<run_inputs> read_inputs(const run_args& a) {
    run_inputs in;
    auto formats = report::parse_formats(a.formats);
    if (!formats) return formats.error();
    in.formats = *formats;
    if (!a.spec.empty()) {
        auto spec = read_fuzzingclient_spec(a.spec);
        if (!spec) return spec.error();
        for (const auto& w : spec->warnings)
            fmt::print(stderr, "wsspec: warning: {}\n", w);
        if (!spec->servers.empty() && !a.urls.empty())
            return make_error("give the servers in " + a.spec + " or as URLs, not both",
                              error_kind::bad_input);
        in.spec = std::move(*spec);
        in.spec_file = a.spec;
    }
    selection_request sel;
    sel.case_dir = a.case_dir;
    sel.replace_builtin = a.replace_builtin;
    sel.cases = a.cases;
    sel.exclude = a.exclude;
    if (in.spec) {
        sel.spec_cases = &in.spec->cases;
        sel.spec_exclude = &in.spec->exclude_cases;
        sel.spec_file = a.spec;
    }
    auto cases = select_cases(sel);
    if (!cases) return cases.error();
    in.selection = std::move(*cases);
    if (!a.baseline.empty()) {
        auto b = report::read_baseline(a.baseline);
        if (!b) return make_error("--baseline " + b.error().message, error_kind::bad_input);
        in.baseline = std::move(*b);
    }
    // Autobahn writes into the spec's outdir; -o wins.
    in.out_dir = !a.out_dir.empty() ? a.out_dir : in.spec ? in.spec->outdir : std::string();
    if (in.out_dir.empty() && !a.formats.empty())
        return make_error("--format needs -o DIR: the directory to write the reports into",
                          error_kind::bad_input);
    if (auto t = check_tls_files(a.tls); !t) return t.error();
    if (!in.out_dir.empty())
        if (auto d = check_out_dir(in.out_dir); !d) return d.error();
    return in;
}

result<std::vector<target_plan>> plan_targets(const run_args& a, const run_inputs& in,
                                              const std::vector<std::string>& urls,
                                              const std::string& builtin_agent) {
    if (a.agents.size() > urls.size())
        return make_error(fmt::format("{} --agent names for {} URL(s): give one per URL, in "
                                      "the same order",
                                      a.agents.size(), urls.size()),
                          error_kind::bad_input);
    std::vector<target_plan> plans;
    std::vector<spec_server> servers;
    if (in.spec && !in.spec->servers.empty())
        servers = in.spec->servers;
    else
        for (const auto& u : urls)
            servers.push_back({"", u, "", "", {}});
    for (std::size_t i = 0; i < servers.size(); ++i) {
        const auto& s = servers[i];
        auto o = make_options(a, s.url, in.spec ? &s : nullptr);
        if (!o) return o.error();
        o->wirelog = a.wirelog || report::needs_wirelog(in.formats);
        target_plan p;
        p.url = s.url;
        p.agent = i < a.agents.size() ? a.agents[i] : !s.agent.empty() ? s.agent : builtin_agent;
        p.options = std::move(*o);
        plans.push_back(std::move(p));
    }
    for (std::size_t i = 0; i < plans.size(); ++i)
        for (std::size_t k = 0; k < i; ++k)
            if (!plans[i].agent.empty() && plans[i].agent == plans[k].agent)
                return make_error("two targets are named '" + plans[i].agent +
                                      "': give each its own --agent",
                                  error_kind::bad_input);
    return plans;
}

// The pre-flight check of every target, before any case runs: it finds the agent names (the
// Server header) that exclude-agent-cases is matched against.
void preflight(target_plan& p, std::set<std::string>& taken) {
    auto& o = p.options;
    if (!engine::target_listens_within(o, std::chrono::milliseconds(3000))) {
        p.error = fmt::format("cannot connect to {}:{}: target unreachable (nothing accepted a "
                              "TCP connection within 3 s)",
                              o.target.host, o.target.port);
        p.error_code = exit_unreachable;
    } else if (auto up = engine::target_upgrades(o); !up) {
        // A target that never completes an opening handshake is not a server with 300 failures.
        p.error = "no WebSocket connection: " + up.error().message;
        p.error_code = exit_unreachable;
    } else if (p.agent.empty() && !up->empty()) {
        p.agent = *up;
    }
    if (p.agent.empty()) p.agent = p.url;
    // Two servers that send the same Server header stay two agents.
    std::string base = p.agent;
    for (int n = 2; taken.count(p.agent); ++n)
        p.agent = fmt::format("{}#{}", base, n);
    taken.insert(p.agent);
    if (!p.error.empty()) fmt::print(stderr, "wsspec: {}: {}\n", p.url, p.error);
}

result<void> apply_agent_exclusions(const run_inputs& in, std::vector<target_plan>& plans) {
    for (auto& p : plans)
        p.cases = in.selection;
    if (!in.spec) return {};
    for (const auto& exclusion : in.spec->exclude_agent_cases) {
        // (not a structured binding: clang 14 cannot capture one in the lambda below)
        const std::string& agent_pattern = exclusion.first;
        const std::vector<std::string>& case_patterns = exclusion.second;
        bool any = false;
        for (auto& p : plans) {
            if (!spec_full_match(agent_pattern, p.agent)) continue;
            any = true;
            std::erase_if(p.cases, [&](const catalog::case_def& c) {
                for (const auto& cp : case_patterns)
                    if (spec_full_match(cp, c.id)) {
                        p.excluded.push_back(c.id);
                        return true;
                    }
                return false;
            });
        }
        if (!any) {
            std::string agents;
            for (const auto& p : plans)
                agents += (agents.empty() ? "" : ", ") + p.agent;
            return make_error(in.spec_file + ": exclude-agent-cases." + agent_pattern +
                                  ": matches no agent (the agents are: " + agents + ")",
                              error_kind::bad_input);
        }
    }
    return {};
}

report::run_report blank_report(const run_args& a, const target_plan& p) {
    report::run_report rep;
    rep.version = std::string(version());
    rep.target = p.url;
    rep.agent = p.agent;
    rep.started = now_iso8601();
    rep.seed = a.seed;
    rep.strict = a.strict;
    rep.jobs = a.jobs ? a.jobs : std::max(8u, 4 * std::thread::hardware_concurrency());
    rep.settle_ms = a.settle_ms.value_or(-1);
    rep.timer_scale = a.timer_scale;
    rep.excluded = p.excluded;
    rep.error = p.error;
    return rep;
}

// Runs one target's cases into `rep`; returns the exit code for it.
int run_target(const run_args& a, const target_plan& p, report::run_report& rep,
               const std::atomic<bool>& interrupted) {
    if (!p.error.empty()) return p.error_code;
    if (p.cases.empty()) return exit_ok;
    auto t0 = std::chrono::steady_clock::now();
    progress prog(stderr, a.quiet, a.side_by_side ? p.agent : "");
    engine::schedule_options so;
    so.jobs = rep.jobs;
    so.interrupted = &interrupted;
    so.on_result = [&](const report::case_result& r, std::size_t done, std::size_t total) {
        prog.on_result(r, done, total, a.strict);
    };
    engine::run_cases(p.cases, p.options, so, rep);
    rep.duration_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    prog.finish();

    auto s = report::summarize(rep);
    bool every_handshake_refused = s.total > 0;
    for (const auto& c : rep.cases)
        if (c.behavior == report::verdict::error || c.upgraded || report::passed(c, rep.strict))
            every_handshake_refused = false;
    if (every_handshake_refused) {
        fmt::print(stderr, "wsspec: every opening handshake with {} failed\n", p.url);
        return exit_unreachable;
    }
    bool any_upgraded = std::any_of(rep.cases.begin(), rep.cases.end(),
                                    [](const report::case_result& c) { return c.upgraded; });
    if (s.errors == s.total && s.total > 0 && !any_upgraded) return exit_unreachable;
    return s.failed || s.errors || s.crashed || rep.interrupted ? exit_failures : exit_ok;
}

// Every target in turn, one report holding them all. The exit code is the worst of them; with
// a baseline, failures count only where they are regressions.
int run_targets(const run_args& a, const run_inputs& in, std::vector<target_plan>& plans,
                const std::atomic<bool>& interrupted) {
    std::set<std::string> taken;
    for (auto& p : plans)
        preflight(p, taken);
    if (auto ex = apply_agent_exclusions(in, plans); !ex) {
        fmt::print(stderr, "wsspec: {}\n", ex.error().message);
        return exit_usage;
    }
    if (a.timer_scale != 1.0)
        fmt::print(stderr,
                   "case timers and timeouts are {}x Autobahn's (--timer-scale): a server that "
                   "answers late may pass here and fail under Autobahn\n",
                   a.timer_scale);
    std::vector<report::run_report> reports;
    int worst = exit_ok;
    auto heading = [&](const target_plan& p) {
        if (plans.size() > 1 && p.error.empty())
            fmt::print(stdout, "\n== {}{}: {} case(s){}\n", p.agent,
                       p.agent == p.url ? "" : " (" + p.url + ")", p.cases.size(),
                       p.excluded.empty()
                           ? ""
                           : fmt::format(", {} excluded for this agent", p.excluded.size()));
    };
    if (a.side_by_side && plans.size() > 1) {
        // Every target at once, each with its own -j; the summaries follow in the given order.
        for (const auto& p : plans)
            reports.push_back(blank_report(a, p));
        std::vector<int> codes(plans.size(), exit_ok);
        std::vector<std::thread> threads;
        for (std::size_t i = 0; i < plans.size(); ++i)
            threads.emplace_back(
                [&, i] { codes[i] = run_target(a, plans[i], reports[i], interrupted); });
        for (auto& t : threads)
            t.join();
        for (std::size_t i = 0; i < plans.size(); ++i) {
            heading(plans[i]);
            if (plans[i].error.empty()) print_summary(stdout, reports[i]);
            if (plans[i].error.empty() && a.verbose) print_durations(stdout, reports[i]);
            worst = std::max(worst, codes[i]);
        }
    } else {
        for (const auto& p : plans) {
            heading(p);
            reports.push_back(blank_report(a, p));
            worst = std::max(worst, run_target(a, p, reports.back(), interrupted));
            if (p.error.empty()) print_summary(stdout, reports.back());
            if (p.error.empty() && a.verbose) print_durations(stdout, reports.back());
            if (interrupted) break;
        }
    }
    if (reports.size() > 1) {
        auto s = report::summarize(reports);
        fmt::print(stdout, "\n{} targets: {} cases, {} passed, {} failed, {} errors, {} crashed\n",
                   reports.size(), s.total, s.passed, s.failed, s.errors, s.crashed);
    }
    std::optional<report::comparison> cmp;
    if (in.baseline) {
        cmp = report::compare(*in.baseline, reports, a.strict);
        print_comparison(stdout, *cmp, false);
        // Against a baseline only regressions fail the run; a target that could not be
        // tested at all still exits 3.
        if (worst == exit_failures && !cmp->regressed && !interrupted) worst = exit_ok;
        if (cmp->regressed) worst = std::max(worst, static_cast<int>(exit_failures));
    }
    if (!in.out_dir.empty()) {
        report::write_options wo;
        wo.wirelog_in_json = a.wirelog;
        wo.extras.against_baseline = cmp ? &*cmp : nullptr;
        auto written = report::write_formats(reports, in.out_dir, in.formats, wo);
        if (!written) {
            fmt::print(stderr, "wsspec: {}\n", written.error().message);
            return std::max(worst, static_cast<int>(exit_failures));
        }
        for (const auto& w : *written)
            fmt::print(stderr, "report: {}\n", w);
    }
    return worst;
}

} // namespace

int run_command(const run_args& a, const std::atomic<bool>& interrupted) {
    auto in = read_inputs(a);
    if (!in) {
        fmt::print(stderr, "wsspec: {}\n", in.error().message);
        return exit_usage;
    }
    bool has_targets = !a.urls.empty() || (in->spec && !in->spec->servers.empty());
    if (has_targets) {
        if (!a.quirks.empty()) {
            fmt::print(stderr,
                       "wsspec: --quirk applies to the built-in server only (run without a URL)\n");
            return exit_usage;
        }
        auto plans = plan_targets(a, *in, a.urls, "");
        if (!plans) {
            fmt::print(stderr, "wsspec: {}\n", plans.error().message);
            return exit_usage;
        }
        return run_targets(a, *in, *plans, interrupted);
    }
    // No URL: the built-in reference server, in this process, on a loopback port, with
    // permessage-deflate (the cases of categories 12 and 13 offer it; the others offer nothing).
    server::server_options so;
    so.deflate = server::echo_policy();
    for (const auto& q : a.quirks) {
        auto parsed = server::parse_quirk_list(q);
        if (!parsed) {
            fmt::print(stderr, "wsspec: {}\n", parsed.error().message);
            return exit_usage;
        }
        for (auto x : *parsed) {
            if (server::info(x).needs_own_process) {
                fmt::print(stderr,
                           "wsspec: quirk '{}' would abort this process: start it with "
                           "`wsspec serve --quirk {}` and run against its URL\n",
                           server::info(x).name, server::info(x).name);
                return exit_usage;
            }
            so.quirks.push_back(x);
        }
    }
    auto srv = server::reference_server::start(so);
    if (!srv) {
        fmt::print(stderr, "wsspec: cannot start the reference server: {}\n", srv.error().message);
        return exit_unreachable;
    }
    std::string url = fmt::format("ws://127.0.0.1:{}/", (*srv)->port());
    auto plans = plan_targets(a, *in, {url}, "wsspec-reference");
    if (!plans) {
        fmt::print(stderr, "wsspec: {}\n", plans.error().message);
        return exit_usage;
    }
    fmt::print(stderr, "built-in reference server on {}{}\n", url,
               a.quirks.empty() ? "" : " with quirks");
    return run_targets(a, *in, *plans, interrupted);
}

} // namespace wsspec::cli
