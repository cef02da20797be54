#pragma once
// JSON case files → case_def. Every error names the file, the case and the field, e.g.
// "cases/x.json: case 2.5: steps[0].send.opcode: unknown opcode 'pingg'".
#include <string>
#include <string_view>
#include <vector>

#include "codec/result.hpp"
#include "harness/catalog/case_model.hpp"

namespace wsspec::catalog {

result<std::vector<case_def>> load_case_file(std::string_view json_text,
                                             const std::string& file_name);

// Every *.json under dir (recursively), sorted by id. Duplicate ids are an error.
result<std::vector<case_def>> load_case_dir(const std::string& dir);

// The catalog compiled into the binary from cases/.
result<std::vector<case_def>> builtin_catalog();

// The built-in catalog with the cases of `case_dir` (none when empty) merged in: what `run` and
// `list` select from. A case of `case_dir` with a built-in id is an error, unless
// `replace_builtin` (--replace-builtin) says it is meant to replace the built-in one. Each case's
// `number` is its position in the result.
result<std::vector<case_def>> load_catalog(const std::string& case_dir,
                                           bool replace_builtin = false);

// Adds `more` to `base`; a case with an id already present replaces it (a user can override a
// built-in case). Keeps id order.
void merge_cases(std::vector<case_def>& base, std::vector<case_def> more);

} // namespace wsspec::catalog
