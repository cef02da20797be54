#pragma once
// A target's cases by category (group), in the order they first appear: the rows of the
// Markdown and HTML summaries and of the HTML matrix.
#include <string>
#include <vector>

#include "reports/report.hpp"

namespace wsspec::report {

struct case_group {
    std::string id, title; // "6", "UTF-8 Handling"
    std::vector<const case_result*> cases;
    std::string label() const { return title.empty() ? id : id + " " + title; }
};

std::vector<case_group> groups_of(const run_report& t);

} // namespace wsspec::report
