#include "reports/html_charts.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "reports/report_groups.hpp"
#include "reports/text.hpp"

namespace wsspec::report::html {
namespace {

constexpr verdict stacked[] = {
    verdict::ok,     verdict::informational, verdict::non_strict, verdict::unimplemented,
    verdict::failed, verdict::error,         verdict::crashed};

// Agents take these colours in the bar charts (the verdict colours are the matrix's).
constexpr const char* agent_colours[] = {"#3b6ea8", "#d9822b", "#5a9e4b", "#9b59b6",
                                         "#c0392b", "#16a085", "#7f8c8d", "#b7950b"};

std::string legend(const std::vector<std::pair<std::string, std::string>>& items, int y) {
    std::string s;
    int x = 0;
    for (const auto& [colour, label] : items) {
        s += fmt::format(R"(<rect x="{}" y="{}" width="12" height="12" fill="{}"/>)"
                         R"(<text x="{}" y="{}">{}</text>)",
                         x, y, colour, x + 16, y + 11, markup_escape(label));
        x += 24 + static_cast<int>(label.size()) * 7;
    }
    return s;
}

std::string agent_legend(const std::vector<run_report>& targets, int y) {
    std::vector<std::pair<std::string, std::string>> items;
    for (std::size_t i = 0; i < targets.size(); ++i)
        items.emplace_back(agent_colours[i % std::size(agent_colours)], targets[i].agent);
    return legend(items, y);
}

// Categories 9.x only, in order: the cases with their duration per agent.
std::vector<std::string> category9_ids(const std::vector<run_report>& targets) {
    std::vector<std::string> ids;
    for (const auto& t : targets)
        for (const auto& c : t.cases)
            if (c.group == "9" && std::find(ids.begin(), ids.end(), c.id) == ids.end())
                ids.push_back(c.id);
    return ids;
}

const case_result* find_case(const run_report& t, const std::string& id) {
    for (const auto& c : t.cases)
        if (c.id == id) return &c;
    return nullptr;
}

std::string nice_ms(double v) {
    return v >= 100 ? fmt::format("{:.0f}", v) : fmt::format("{:.3g}", v);
}

// A horizontal bar chart: one row per label, one bar per series, on a log or linear scale.
struct bar_row {
    std::string label;
    std::vector<double> values; // one per series; < 0: missing
};

std::string bar_chart(const std::string& title, const std::vector<bar_row>& rows,
                      const std::vector<run_report>& targets, bool log_scale,
                      const std::string& unit) {
    if (rows.empty()) return "";
    double max = 0;
    for (const auto& r : rows)
        for (double v : r.values)
            max = std::max(max, v);
    if (max <= 0) max = 1;
    const std::size_t series = targets.size();
    const int bar_h = 7, label_w = 90, width = 640, plot_w = width - label_w - 60;
    const int row_h = static_cast<int>(series) * bar_h + 4;
    const int height = static_cast<int>(rows.size()) * row_h + 40;
    auto scale = [&](double v) {
        if (v <= 0) return 0.0;
        if (!log_scale) return plot_w * v / max;
        double lo = 0.01; // ms
        double span = std::log10(max / lo);
        return span <= 0 ? plot_w : plot_w * std::max(0.0, std::log10(std::max(v, lo) / lo)) / span;
    };
    std::string s = fmt::format(
        R"(<svg class="chart" role="img" viewBox="0 0 {} {}" width="{}" height="{}"><title>{}</title>)",
        width, height, width, height, markup_escape(title));
    s += agent_legend(targets, 0);
    int y = 22;
    for (const auto& r : rows) {
        s += fmt::format(R"(<text x="0" y="{}" class="label">{}</text>)", y + row_h / 2 + 3,
                         markup_escape(r.label));
        for (std::size_t i = 0; i < series && i < r.values.size(); ++i) {
            double v = r.values[i];
            if (v < 0) continue;
            double w = scale(v);
            s += fmt::format(R"(<rect x="{}" y="{}" width="{:.1f}" height="{}" fill="{}">)"
                             R"(<title>{} · {}: {} {}</title></rect>)",
                             label_w, y + static_cast<int>(i) * bar_h, std::max(w, 1.0), bar_h - 1,
                             agent_colours[i % std::size(agent_colours)], markup_escape(r.label),
                             markup_escape(targets[i].agent), nice_ms(v), unit);
        }
        y += row_h;
    }
    s += fmt::format(R"(<text x="{}" y="{}" class="axis">{}{} {}</text>)", label_w, y + 12,
                     log_scale ? "log scale, max " : "max ", nice_ms(max), unit);
    return s + "</svg>";
}

} // namespace

std::string verdict_class(verdict v) {
    std::string s = "v-";
    for (char ch : to_string(v))
        s += ch == ' ' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
}

std::string verdicts_per_category(const run_report& t) {
    auto groups = groups_of(t);
    if (groups.empty()) return "";
    const int label_w = 190, plot_w = 420, bar_h = 16, gap = 6;
    const int height = static_cast<int>(groups.size()) * (bar_h + gap) + 30;
    std::string s = fmt::format(
        R"(<svg class="chart" role="img" viewBox="0 0 {} {}" width="{}" height="{}">)"
        R"(<title>Verdicts per category: {}</title>)",
        label_w + plot_w + 60, height, label_w + plot_w + 60, height, markup_escape(t.agent));
    int y = 0;
    for (const auto& g : groups) {
        s += fmt::format(R"(<text x="0" y="{}" class="label">{}</text>)", y + 12,
                         markup_escape(g.label()));
        double x = label_w;
        for (auto v : stacked) {
            std::size_t n = 0;
            for (const auto* c : g.cases)
                n += headline(*c, t.strict) == v;
            if (!n) continue;
            double w = plot_w * static_cast<double>(n) / static_cast<double>(g.cases.size());
            s += fmt::format(R"(<rect x="{:.1f}" y="{}" width="{:.1f}" height="{}" class="{}">)"
                             R"(<title>{}: {} {}</title></rect>)",
                             x, y, w, bar_h, verdict_class(v), markup_escape(g.label()), n,
                             to_string(v));
            x += w;
        }
        s += fmt::format(R"(<text x="{}" y="{}" class="label">{}</text>)", label_w + plot_w + 6,
                         y + 12, g.cases.size());
        y += bar_h + gap;
    }
    int lx = 0;
    for (auto v : stacked) {
        s += fmt::format(R"(<rect x="{}" y="{}" width="12" height="12" class="{}"/>)"
                         R"(<text x="{}" y="{}">{}</text>)",
                         lx, y + 4, verdict_class(v), lx + 16, y + 15, to_string(v));
        lx += 28 + static_cast<int>(to_string(v).size()) * 7;
    }
    return s + "</svg>";
}

std::string category9_durations(const std::vector<run_report>& targets) {
    std::vector<bar_row> rows;
    for (const auto& id : category9_ids(targets)) {
        bar_row r{id, {}};
        for (const auto& t : targets) {
            const auto* c = find_case(t, id);
            r.values.push_back(c ? c->duration_ms : -1);
        }
        rows.push_back(std::move(r));
    }
    return bar_chart("Category 9: duration of each case", rows, targets, true, "ms");
}

std::string round_trip_percentiles(const std::vector<run_report>& targets) {
    std::vector<bar_row> rows;
    std::vector<std::string> ids;
    for (const auto& t : targets)
        for (const auto& c : t.cases)
            if (c.metrics.round_trips && std::find(ids.begin(), ids.end(), c.id) == ids.end())
                ids.push_back(c.id);
    for (const auto& id : ids)
        for (int p : {50, 99}) {
            bar_row r{fmt::format("{} p{}", id, p), {}};
            for (const auto& t : targets) {
                const auto* c = find_case(t, id);
                r.values.push_back(!c || !c->metrics.round_trips
                                       ? -1
                                       : (p == 50 ? c->metrics.rtt_p50_ms : c->metrics.rtt_p99_ms));
            }
            rows.push_back(std::move(r));
        }
    return bar_chart("Round trips: median and p99", rows, targets, false, "ms");
}

std::string load_histogram(const nlohmann::json& load) {
    auto it = load.find("latency_histogram_us");
    if (it == load.end() || !it->is_array() || it->empty()) return "";
    std::vector<std::pair<double, double>> bins; // upper bound µs, count
    double max_count = 0;
    for (const auto& b : *it) {
        if (!b.is_array() || b.size() != 2 || !b[0].is_number() || !b[1].is_number()) continue;
        bins.emplace_back(b[0].get<double>(), b[1].get<double>());
        max_count = std::max(max_count, b[1].get<double>());
    }
    if (bins.empty() || max_count <= 0) return "";
    const int width = 640, height = 220, plot_h = 170, left = 50;
    const double bar_w = static_cast<double>(width - left - 10) / static_cast<double>(bins.size());
    std::string s = fmt::format(
        R"(<svg class="chart" role="img" viewBox="0 0 {} {}" width="{}" height="{}">)"
        R"(<title>Echo latency histogram ({})</title>)",
        width, height, width, height, markup_escape(load.value("target", std::string())));
    for (std::size_t i = 0; i < bins.size(); ++i) {
        double h = plot_h * bins[i].second / max_count;
        s += fmt::format(
            R"(<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="#3b6ea8">)"
            R"(<title>≤ {} µs: {} echoes</title></rect>)",
            left + static_cast<double>(i) * bar_w, plot_h - h + 10, std::max(bar_w - 1, 1.0), h,
            nice_ms(bins[i].first), bins[i].second);
    }
    s += fmt::format(R"(<text x="{}" y="{}" class="axis">{} µs</text>)", left, height - 20,
                     nice_ms(bins.front().first));
    s += fmt::format(
        R"(<text x="{}" y="{}" class="axis" text-anchor="end">{} µs (log scale)</text>)",
        width - 10, height - 20, nice_ms(bins.back().first));
    s += fmt::format(R"(<text x="0" y="20" class="axis">{:.0f}</text>)", max_count);
    return s + "</svg>";
}

} // namespace wsspec::report::html
