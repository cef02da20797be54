#pragma once
// Deadlines: every call of the harness that can wait takes one, so a silent peer can never hang
// it. A deadline bounds *waiting*: work that can complete without waiting is done even if the
// deadline has already passed, so a deadline in the past means "poll once".
#include <chrono>

namespace wsspec::transport {

using clock = std::chrono::steady_clock;
using deadline = clock::time_point;

// No deadline at all; waits have no timeout.
inline constexpr deadline no_deadline = deadline::max();

inline deadline deadline_after(clock::duration d) {
    return clock::now() + d;
}

} // namespace wsspec::transport
