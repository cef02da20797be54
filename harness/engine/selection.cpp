#include "harness/engine/selection.hpp"

namespace wsspec::engine {

bool glob_match(std::string_view p, std::string_view s) {
    // Iterative wildcard match with backtracking to the last '*'.
    std::size_t pi = 0, si = 0, star = std::string_view::npos, mark = 0;
    while (si < s.size()) {
        if (pi < p.size() && p[pi] == '*') {
            star = pi++;
            mark = si;
        } else if (pi < p.size() && p[pi] == s[si]) {
            ++pi;
            ++si;
        } else if (star != std::string_view::npos) {
            pi = star + 1;
            si = ++mark;
        } else {
            return false;
        }
    }
    while (pi < p.size() && p[pi] == '*')
        ++pi;
    return pi == p.size();
}

std::vector<std::string> split_patterns(std::string_view list) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= list.size()) {
        auto end = list.find(',', start);
        if (end == std::string_view::npos) end = list.size();
        auto item = list.substr(start, end - start);
        while (!item.empty() && item.front() == ' ')
            item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ')
            item.remove_suffix(1);
        if (!item.empty()) out.emplace_back(item);
        start = end + 1;
    }
    return out;
}

std::vector<catalog::case_def> select(const std::vector<catalog::case_def>& all,
                                      const std::vector<std::string>& include,
                                      const std::vector<std::string>& exclude) {
    std::vector<catalog::case_def> out;
    for (const auto& c : all) {
        bool in = include.empty();
        for (const auto& p : include)
            in = in || glob_match(p, c.id);
        for (const auto& p : exclude)
            in = in && !glob_match(p, c.id);
        if (in) out.push_back(c);
    }
    return out;
}

} // namespace wsspec::engine
