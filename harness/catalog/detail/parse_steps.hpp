#pragma once
// The WebSocket phase of a case file: "steps" and what they send.
#include "harness/catalog/case_model.hpp"
#include "harness/catalog/detail/json_reader.hpp"

namespace wsspec::catalog::detail {

result<std::vector<step_def>> parse_steps(const json& j, const where& w);
result<frame_def> parse_frame(const json& j, const where& w);
result<wait_def> parse_wait(const json& j, const where& w);

} // namespace wsspec::catalog::detail
