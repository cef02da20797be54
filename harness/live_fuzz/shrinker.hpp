#pragma once
// Reduces a finding to a small reproducer: drops steps (delta debugging, halving chunks), then
// simplifies what is left (plain writes, no fragmentation, shorter payloads, fewer handshake
// fields), keeping each change only while the finding still reproduces against the live server.
// The last step, the probe ping, stays.
#include <cstddef>
#include <functional>

#include "harness/catalog/case_model.hpp"

namespace wsspec::live_fuzz {

struct shrink_stats {
    std::size_t attempts = 0; // candidates run against the server
    std::size_t accepted = 0; // of which still reproduced
};

using reproduces_fn = std::function<bool(const catalog::case_def&)>;

// Stops after `budget` attempts, or when `stop` says so (Ctrl-C), with the smallest case so far.
catalog::case_def shrink(catalog::case_def c, const reproduces_fn& reproduces, std::size_t budget,
                         shrink_stats& stats, const std::function<bool()>& stop = {});

} // namespace wsspec::live_fuzz
