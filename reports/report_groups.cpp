#include "reports/report_groups.hpp"

#include <algorithm>

namespace wsspec::report {

std::vector<case_group> groups_of(const run_report& t) {
    std::vector<case_group> out;
    for (const auto& c : t.cases) {
        std::string id = c.group.empty() ? c.id.substr(0, c.id.find('.')) : c.group;
        auto it = std::find_if(out.begin(), out.end(), [&](const auto& g) { return g.id == id; });
        if (it == out.end()) it = out.insert(out.end(), case_group{id, c.group_title, {}});
        it->cases.push_back(&c);
    }
    return out;
}

} // namespace wsspec::report
