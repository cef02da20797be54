#pragma once
// One expanded case entry (detail/family.hpp) → case_def, a field group at a time.
#include "harness/catalog/case_model.hpp"
#include "harness/catalog/detail/json_reader.hpp"

namespace wsspec::catalog::detail {

struct group_info {
    std::string id, title;
};

result<case_def> parse_case(const json& j, const where& entry, const group_info& group);

} // namespace wsspec::catalog::detail
