#pragma once
// The WebSocket phase of a case: its steps, in order, on a session.
#include <chrono>
#include <vector>

#include "harness/catalog/case_model.hpp"
#include "harness/engine/session.hpp"

namespace wsspec::engine {

// The bytes of one send step's frames (fragmented as it says), masked as the session's role
// wants. Cases with with_first_frame write the first step's frames with the handshake.
std::vector<std::vector<std::uint8_t>> encode_send(session& s, const catalog::step_def& step);

// Runs c.steps from `first` on; `settle` is the adaptive wait of "settle" steps.
void run_steps(session& s, const catalog::case_def& c, std::size_t first,
               std::chrono::milliseconds settle, observation& obs);

} // namespace wsspec::engine
