#pragma once
// What a case file expects: "expect" (verdict level → acceptable event sequences), "close" and
// "timer".
#include "harness/catalog/case_model.hpp"
#include "harness/catalog/detail/json_reader.hpp"

namespace wsspec::catalog::detail {

result<std::vector<expectation>> parse_expect(const json& j, const where& w);
result<close_expectation> parse_close_expectation(const json& j, const where& w);
result<event> parse_event(const json& j, const where& w);

} // namespace wsspec::catalog::detail
