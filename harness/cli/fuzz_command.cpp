// `wsspec fuzz [URL]`: the live-server fuzzer (harness/live_fuzz/) with its console output, the
// reproducers as case files and the JSON summary.
#include <filesystem>
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "harness/catalog/case_writer.hpp"
#include "harness/cli/build_info.hpp"
#include "harness/cli/commands.hpp"
#include "harness/cli/input_checks.hpp"
#include "harness/engine/target_probe.hpp"
#include "harness/live_fuzz/fuzzer.hpp"
#include "harness/server/quirk.hpp"
#include "harness/transport/url.hpp"

namespace wsspec::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string self_path() {
    std::error_code ec;
    auto p = fs::read_symlink("/proc/self/exe", ec);
    return ec ? std::string("wsspec") : p.string();
}

std::string case_file_name(const live_fuzz::finding& f, std::uint64_t seed) {
    return fmt::format("fuzz-{}-{}-{}.json", seed, f.run, f.kind);
}

json finding_json(const live_fuzz::finding& f, const std::string& file, const std::string& replay) {
    json j = {{"kind", f.kind},
              {"detail", f.detail},
              {"run", f.run},
              {"case_id", f.reduced.id},
              {"steps", f.original.steps.size()},
              {"steps_after_shrinking", f.reduced.steps.size()},
              {"shrink_attempts", f.shrink_attempts},
              {"reproduced", f.reproduced},
              {"duplicates", f.duplicates},
              {"case_file", file},
              {"replay", replay}};
    if (!f.rule.empty()) {
        j["rule"] = f.rule;
        j["section"] = f.section;
    }
    return j;
}

// Written next to its name, then renamed: an interrupted write leaves no half report.
void write_report(const json& report, const std::string& path) {
    std::error_code ec;
    auto tmp = path + ".tmp";
    std::FILE* fp = std::fopen(tmp.c_str(), "wb");
    bool ok = fp && std::fputs((report.dump(2) + "\n").c_str(), fp) >= 0;
    if (fp) ok = std::fclose(fp) == 0 && ok;
    if (ok) fs::rename(tmp, path, ec);
    if (!ok || ec) fmt::print(stderr, "wsspec fuzz: cannot write {}\n", path);
}

} // namespace

int fuzz_command(const fuzz_args& a, const std::atomic<bool>& interrupted) {
    if (!a.url.empty()) {
        auto u = transport::parse_url(a.url);
        if (!u) {
            fmt::print(stderr, "wsspec fuzz: {}\n", u.error().message);
            return exit_usage;
        }
        if (!a.quirks.empty()) {
            fmt::print(
                stderr,
                "wsspec fuzz: --quirk applies to the built-in server only (run without a URL)\n");
            return exit_usage;
        }
    } else {
        if (!a.exec.empty()) {
            fmt::print(stderr,
                       "wsspec fuzz: --exec needs the URL the command's server listens on\n");
            return exit_usage;
        }
        for (const auto& q : a.quirks)
            if (auto parsed = server::parse_quirk_list(q); !parsed) {
                fmt::print(stderr, "wsspec fuzz: {}\n", parsed.error().message);
                return exit_usage;
            }
    }
    if (a.runs && *a.runs == 0) {
        fmt::print(stderr, "wsspec fuzz: --runs must be at least 1\n");
        return exit_usage;
    }
    if (auto tls = check_tls_files(a.tls); !tls) {
        fmt::print(stderr, "wsspec fuzz: {}\n", tls.error().message);
        return exit_usage;
    }
    if (auto out = check_out_dir(a.out_dir); !out) {
        fmt::print(stderr, "wsspec fuzz: {}\n", out.error().message);
        return exit_usage;
    }

    live_fuzz::target_spec spec{a.url, a.exec, a.quirks, self_path()};
    auto t = live_fuzz::target::start(spec, std::chrono::seconds(10));
    if (!t) {
        fmt::print(stderr, "wsspec fuzz: {}\n", t.error().message);
        return exit_unreachable;
    }
    auto& target = **t;
    // A target that cannot be fuzzed still leaves a fuzz.json that says why (CI reads it).
    auto unreachable = [&](const std::string& why) {
        fmt::print(stderr, "wsspec fuzz: {}: {}\n", target.url(), why);
        write_report({{"tool", "wsspec"},
                      {"version", std::string(version())},
                      {"command", "fuzz"},
                      {"target", a.url.empty() ? "built-in reference server" : a.url},
                      {"seed", a.seed},
                      {"runs", 0},
                      {"stopped_because", "unreachable"},
                      {"error", why},
                      {"findings", json::array()}},
                     (fs::path(a.out_dir) / "fuzz.json").string());
        return exit_unreachable;
    };
    if (!live_fuzz::accepts(target.url(), std::chrono::seconds(3)))
        return unreachable("cannot connect: target unreachable");
    {
        // Fuzzing something that is not a WebSocket server finds nothing and proves nothing.
        engine::run_options probe;
        probe.target = *transport::parse_url(target.url());
        probe.tls = a.tls;
        probe.seed = a.seed;
        if (auto up = engine::target_upgrades(probe); !up)
            return unreachable("no WebSocket connection: " + up.error().message);
    }

    live_fuzz::fuzz_options o;
    o.seed = a.seed;
    o.runs = a.runs;
    if (a.duration) o.duration = std::chrono::milliseconds(static_cast<long>(*a.duration * 1000));
    if (!a.runs && !a.duration) o.duration = std::chrono::seconds(60);
    o.jobs = a.jobs;
    o.hang_timeout = std::chrono::milliseconds(static_cast<long>(a.hang_timeout * 1000));
    o.generator.max_steps = a.max_steps;
    o.generator.max_payload = a.max_payload;
    o.shrink = !a.no_shrink;
    o.interrupted = &interrupted;
    o.run.seed = a.seed;
    o.run.tls = a.tls;

    std::error_code ec;
    fs::path out(a.out_dir), cases = out / "cases";
    fs::create_directories(cases, ec);
    if (ec) {
        fmt::print(stderr, "wsspec fuzz: cannot create {}: {}\n", cases.string(), ec.message());
        return exit_usage;
    }

    std::string shown_target = a.url.empty() ? "the built-in reference server" : a.url;
    if (!a.quirks.empty()) {
        std::string q;
        for (const auto& x : a.quirks)
            q += (q.empty() ? "" : ",") + x;
        shown_target += " (quirks: " + q + ")";
    }
    fmt::print(stderr, "fuzzing {} with seed {}, {} connections at once\n", shown_target, a.seed,
               a.jobs);
    // How to replay: the same server (for the built-in one, `wsspec serve` with the same quirks).
    std::string replay_target = a.url;
    if (a.url.empty()) {
        std::string q;
        for (const auto& x : a.quirks)
            q += " --quirk " + x;
        replay_target = "URL";
        if (!q.empty()) replay_target += " (of `wsspec serve" + q + "`)";
    }

    const bool tty = isatty(fileno(stderr)) != 0;
    bool progress_shown = false;
    std::map<std::string, json> written;
    live_fuzz::fuzz_callbacks cb;
    cb.on_progress = [&](std::uint64_t runs, double s, std::size_t findings) {
        if (a.quiet) return;
        static double last_plain = -1;
        std::string line = fmt::format("{} runs, {:.0f} runs/s, {} findings, {:.1f} s", runs,
                                       s > 0 ? runs / s : 0.0, findings, s);
        if (tty) {
            fmt::print(stderr, "\r\033[K{}", line);
            progress_shown = true;
        } else if (s - last_plain >= 5) { // a line every 5 s in a log
            fmt::print(stderr, "{}\n", line);
            last_plain = s;
        }
    };
    auto clear_line = [&] {
        if (progress_shown) fmt::print(stderr, "\r\033[K");
        progress_shown = false;
    };
    cb.on_note = [&](const std::string& s) {
        clear_line();
        fmt::print(stderr, "{}\n", s);
    };
    cb.on_finding = [&](const live_fuzz::finding& f) {
        clear_line();
        auto file = (cases / case_file_name(f, a.seed)).string();
        auto doc = catalog::case_file_json("fuzz", "wsspec fuzz findings", {f.reduced});
        std::string replay = fmt::format("wsspec run {} --case-dir {} -c {}", replay_target,
                                         cases.string(), f.reduced.id);
        if (auto w = catalog::write_case_file(file, doc); !w)
            fmt::print(stderr, "wsspec fuzz: {}\n", w.error().message);
        fmt::print("FINDING {}{}: {}\n  run {}: {} steps, {} after shrinking ({} attempts){}\n  "
                   "saved: {}\n  replay: {}\n",
                   f.kind, f.rule.empty() ? "" : " (" + f.rule + ")", f.detail, f.run,
                   f.original.steps.size(), f.reduced.steps.size(), f.shrink_attempts,
                   f.reproduced ? "" : ", NOT reproduced on its own", file, replay);
        std::fflush(stdout);
        written[f.signature()] = finding_json(f, file, replay);
    };

    auto summary = live_fuzz::fuzz(target, o, cb);
    clear_line();

    json findings = json::array();
    for (const auto& f : summary.findings) {
        auto j = written.count(f.signature()) ? written[f.signature()] : json::object();
        j["duplicates"] = f.duplicates;
        findings.push_back(j);
    }
    json report = {{"tool", "wsspec"},
                   {"version", std::string(version())},
                   {"command", "fuzz"},
                   {"target", a.url.empty() ? "built-in reference server" : a.url},
                   {"quirks", a.quirks},
                   {"seed", a.seed},
                   {"jobs", a.jobs},
                   {"runs", summary.runs},
                   {"seconds", summary.seconds},
                   {"runs_per_second", summary.seconds > 0 ? summary.runs / summary.seconds : 0.0},
                   {"target_restarts", summary.restarts},
                   {"stopped_because", summary.stopped_because},
                   {"interrupted", summary.interrupted},
                   {"findings", findings}};
    auto report_path = (out / "fuzz.json").string();
    write_report(report, report_path);
    fmt::print("{} runs in {:.1f} s ({:.0f} runs/s), {} findings, stopped: {}; summary: {}\n",
               summary.runs, summary.seconds,
               summary.seconds > 0 ? summary.runs / summary.seconds : 0.0, summary.findings.size(),
               summary.stopped_because, report_path);
    if (!summary.findings.empty()) return exit_failures;
    return exit_ok; // interrupted or not: nothing was found in what ran
}

} // namespace wsspec::cli
