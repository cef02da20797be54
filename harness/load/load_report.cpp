#include "harness/load/load_report.hpp"

#include <cmath>

#include <fmt/format.h>

namespace wsspec::load {
namespace {

constexpr double percentiles[] = {50, 90, 99, 99.9};
constexpr const char* percentile_names[] = {"p50", "p90", "p99", "p99.9"};
constexpr const char* percentile_keys[] = {"p50", "p90", "p99", "p99_9"};

const char* type_name(payload_type t) {
    return t == payload_type::text ? "text" : "binary";
}

std::string three_digits(double v, const char* unit) {
    const int decimals = v < 10 ? 2 : v < 100 ? 1 : 0;
    return fmt::format("{:.{}f} {}", v, decimals, unit);
}

std::string settings_line(const load_result& r) {
    const auto& o = r.options;
    std::string s = fmt::format("{} connection{} on {} thread{}, {} B {} messages, pipeline {}",
                                o.connections, o.connections == 1 ? "" : "s", r.threads,
                                r.threads == 1 ? "" : "s", o.size, type_name(o.type), o.pipeline);
    if (o.deflate) s += ", permessage-deflate";
    if (o.rate > 0) s += fmt::format(", rate {:g}/s", o.rate);
    if (o.messages > 0)
        s += fmt::format(", {} messages", o.messages);
    else
        s += fmt::format(", for {:g} s", o.duration.count());
    return s;
}

} // namespace

std::string format_latency(std::uint64_t ns) {
    const auto v = static_cast<double>(ns);
    if (ns < 1000) return fmt::format("{} ns", ns);
    if (ns < 1'000'000) return three_digits(v / 1e3, "µs");
    if (ns < 1'000'000'000) return three_digits(v / 1e6, "ms");
    return three_digits(v / 1e9, "s");
}

void print_summary(std::FILE* out, const load_result& r) {
    fmt::print(out, "target      {}\n", r.target);
    fmt::print(out, "load        {}\n", settings_line(r));
    if (r.connections_opened < r.options.connections)
        fmt::print(out, "opened      {} of {} connections\n", r.connections_opened,
                   r.options.connections);
    fmt::print(out, "echoes      {} in {:.2f} s: {:.0f} msg/s, {:.2f} MB/s\n", r.echoed,
               r.elapsed_s, r.messages_per_s(), r.megabytes_per_s());
    if (r.latency_ns.count() > 0) {
        std::string line = "latency    ";
        for (std::size_t i = 0; i < std::size(percentiles); ++i)
            line += fmt::format(" {} {} ", percentile_names[i],
                                format_latency(r.latency_ns.percentile(percentiles[i])));
        line += fmt::format(" max {}", format_latency(r.latency_ns.max()));
        fmt::print(out, "{}\n", line);
    }
    const std::uint64_t errors = r.errors.total();
    if (errors == 0) {
        fmt::print(out, "errors      none\n");
    } else {
        std::string kinds;
        for (std::size_t i = 0; i < error_kind_count; ++i)
            if (r.errors.counts[i])
                kinds += fmt::format("{}{} {}", kinds.empty() ? "" : ", ", r.errors.counts[i],
                                     to_string(static_cast<error_kind>(i)));
        fmt::print(out, "errors      {}: {}\n", errors, kinds);
        for (std::size_t i = 0; i < error_kind_count; ++i)
            if (r.errors.counts[i])
                fmt::print(out, "  {}: {}\n", to_string(static_cast<error_kind>(i)),
                           r.errors.first[i]);
    }
    if (r.interrupted) fmt::print(out, "interrupted: the figures cover the time until then\n");
}

std::string progress_line(const load_progress& now, const load_progress& before,
                          const load_options& o) {
    if (!now.loading)
        return fmt::format("opening connections: {}/{} open, {} errors", now.connections_open,
                           o.connections, now.errors);
    const double dt = now.elapsed_s - (before.loading ? before.elapsed_s : 0);
    const double rate = dt > 0 ? static_cast<double>(now.echoed - before.echoed) / dt : 0;
    return fmt::format("{:6.1f} s  {} open  {:.0f} msg/s  {:.2f} MB/s  {} echoes  {} errors",
                       now.elapsed_s, now.connections_open, rate, rate * o.size / 1e6, now.echoed,
                       now.errors);
}

nlohmann::ordered_json to_json(const load_result& r, const std::string& version,
                               const std::string& started) {
    using json = nlohmann::ordered_json;
    const auto& o = r.options;
    json j;
    j["tool"] = "wsspec";
    j["version"] = version;
    j["command"] = "load";
    j["target"] = r.target;
    j["started"] = started;
    j["settings"] = {
        {"connections", o.connections},
        {"threads", r.threads},
        {"size", o.size},
        {"type", type_name(o.type)},
        {"pipeline", o.pipeline},
        {"permessage_deflate", o.deflate},
        {"rate", o.rate > 0 ? json(o.rate) : json(nullptr)},
        {"duration_s", o.messages ? json(nullptr) : json(o.duration.count())},
        {"messages", o.messages ? json(o.messages) : json(nullptr)},
        {"seed", o.seed},
        {"masking", "one masking key per connection, reused for all its frames"},
    };
    j["connections"] = {{"requested", o.connections}, {"opened", r.connections_opened}};
    j["messages"] = {{"sent", r.sent}, {"echoed", r.echoed}};
    j["duration_s"] = r.elapsed_s;
    j["messages_per_s"] = r.messages_per_s();
    j["megabytes_per_s"] = r.megabytes_per_s();
    j["bytes"] = {{"payload_echoed", r.echoed * o.size},
                  {"wire_sent", r.wire_bytes_sent},
                  {"wire_received", r.wire_bytes_received}};
    json lat = {{"samples", r.latency_ns.count()},
                {"relative_error", r.latency_ns.relative_error()},
                {"min", r.latency_ns.min() / 1e3},
                {"mean", r.latency_ns.mean() / 1e3}};
    for (std::size_t i = 0; i < std::size(percentiles); ++i)
        lat[percentile_keys[i]] = r.latency_ns.percentile(percentiles[i]) / 1e3;
    lat["max"] = r.latency_ns.max() / 1e3;
    j["latency_us"] = lat;
    // For a chart (the HTML report draws it): {upper bound µs, echoes}, 4 bins per doubling.
    json bins = json::array();
    for (const auto& [upper_ns, n] : r.latency_ns.log_bins(4))
        bins.push_back({upper_ns / 1e3, n});
    j["latency_histogram_us"] = std::move(bins);
    json errors = {{"total", r.errors.total()}};
    json examples = json::object();
    for (std::size_t i = 0; i < error_kind_count; ++i) {
        const char* k = to_string(static_cast<error_kind>(i));
        errors[k] = r.errors.counts[i];
        if (r.errors.counts[i]) examples[k] = r.errors.first[i];
    }
    j["errors"] = errors;
    j["error_examples"] = examples;
    j["interrupted"] = r.interrupted;
    return j;
}

} // namespace wsspec::load
