#include "reports/formats.hpp"

#include <algorithm>
#include <filesystem>

#include "reports/autobahn_format.hpp"
#include "reports/junit_format.hpp"
#include "reports/markdown_format.hpp"
#include "reports/native_json.hpp"

namespace wsspec::report {
namespace {

constexpr std::pair<std::string_view, format> names[] = {{"json", format::json},
                                                         {"autobahn", format::autobahn},
                                                         {"html", format::html},
                                                         {"junit", format::junit},
                                                         {"md", format::md}};

} // namespace

result<std::vector<format>> parse_formats(const std::vector<std::string>& lists) {
    std::vector<format> out;
    for (const auto& list : lists) {
        std::size_t start = 0;
        while (start <= list.size()) {
            auto end = std::min(list.find(',', start), list.size());
            std::string name = list.substr(start, end - start);
            start = end + 1;
            if (name.empty()) continue;
            auto it = std::find_if(std::begin(names), std::end(names),
                                   [&](const auto& n) { return n.first == name; });
            if (it == std::end(names))
                return make_error("--format: '" + name +
                                      "' is not a format (json, autobahn, html, junit, md)",
                                  error_kind::bad_input);
            if (std::find(out.begin(), out.end(), it->second) == out.end())
                out.push_back(it->second);
        }
    }
    if (out.empty()) out.push_back(format::json);
    return out;
}

bool needs_wirelog(const std::vector<format>& formats) {
    return std::any_of(formats.begin(), formats.end(),
                       [](format f) { return f == format::autobahn || f == format::html; });
}

result<std::vector<std::string>> write_formats(const std::vector<run_report>& targets,
                                               const std::string& dir,
                                               const std::vector<format>& formats,
                                               const write_options& o) {
    namespace fs = std::filesystem;
    std::vector<std::string> written;
    auto path = [&](const char* name) { return (fs::path(dir) / name).string(); };
    for (auto f : formats) {
        result<void> w;
        std::string p;
        switch (f) {
        case format::json:
            p = path("report.json");
            w = write_json(targets, p, o.wirelog_in_json);
            break;
        case format::autobahn:
            p = path("index.json");
            w = write_autobahn(targets, dir);
            break;
        case format::html:
            p = path("index.html");
            w = write_html(targets, p, o.extras);
            break;
        case format::junit:
            p = path("junit.xml");
            w = write_junit(targets, p);
            break;
        case format::md:
            p = path("summary.md");
            w = write_markdown(targets, p, o.extras.against_baseline);
            break;
        }
        if (!w) return w.error();
        written.push_back(p);
    }
    return written;
}

} // namespace wsspec::report
