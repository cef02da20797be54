#pragma once
// What `run --baseline`, `diff` and `report` print about a comparison, and the report
// formats every command writes through (reports/formats.hpp).
#include <cstdio>

#include "reports/baseline.hpp"
#include "reports/formats.hpp"

namespace wsspec::cli {

// One line per regression and fix ("REGRESSED ws 7.9.5: OK / OK -> FAILED / OK: reason"), with
// `all` also the cases that changed verdict at the same severity and those that did not run;
// then a count line.
void print_comparison(std::FILE* out, const report::comparison& cmp, bool all);

} // namespace wsspec::cli
