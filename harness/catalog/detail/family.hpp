#pragma once
// Families: one case entry that stands for many (cases/README.md, "Families"). Before a case is
// parsed, its entry is expanded:
//   rows    = "params" (a list of objects, or a table {"columns": [...], "rows": [[...]]})
//             × every "cross" dimension (name → list of objects), in order
//   for each row: every "{name}" in the entry is replaced by the row's value; then the file's
//   "defaults", the "templates" the entry "use"s (also substituted) and the entry itself are
//   merged field by field, later ones winning.
#include <vector>

#include "harness/catalog/detail/json_reader.hpp"

namespace wsspec::catalog::detail {

struct expanded_case {
    json entry;
    where origin; // the entry in the file, for errors before the id is known
    // For a case expanded from a family: "family cases[6], row 4 {"id": "6.5.4", …}", so an
    // error in one row of a table names that row. Empty for a plain case.
    std::string row;
};

result<std::vector<expanded_case>> expand_cases(const json& file, const where& w);

} // namespace wsspec::catalog::detail
