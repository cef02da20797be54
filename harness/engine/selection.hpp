#pragma once
// Autobahn's case patterns (autobahntestsuite/caseset.py): "*" matches any run of characters,
// everything else literally; "1.*" selects 1.1.1 … 1.2.8, "2.1" only 2.1.
#include <string>
#include <string_view>
#include <vector>

#include "harness/catalog/case_model.hpp"

namespace wsspec::engine {

bool glob_match(std::string_view pattern, std::string_view id);
// Comma-separated patterns, as -c/-x take them.
std::vector<std::string> split_patterns(std::string_view list);
std::vector<catalog::case_def> select(const std::vector<catalog::case_def>& all,
                                      const std::vector<std::string>& include,
                                      const std::vector<std::string>& exclude);

} // namespace wsspec::engine
