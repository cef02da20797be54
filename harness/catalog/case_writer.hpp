#pragma once
// case_def → the JSON of a case file (cases/README.md), the inverse of case_loader: what
// `wsspec fuzz` saves is read back by `wsspec run --case-dir` unchanged.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "codec/result.hpp"
#include "harness/catalog/case_model.hpp"

namespace wsspec::catalog {

nlohmann::json case_to_json(const case_def& c);

// A whole case file: {"group", "title", "cases": [...]}.
nlohmann::json case_file_json(const std::string& group, const std::string& title,
                              const std::vector<case_def>& cases);

// Writes the file atomically (temporary file, then rename), so a run killed mid-write never
// leaves half a case file for --case-dir to choke on.
result<void> write_case_file(const std::string& path, const nlohmann::json& file);

} // namespace wsspec::catalog
