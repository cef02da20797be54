#pragma once
// Counts calls to the global operator new in this process (alloc_counter.cpp replaces it), so
// benchmarks can show how many heap allocations a parser makes per frame.
#include <cstdint>

namespace wsspec::bench {
std::uint64_t allocations() noexcept;
} // namespace wsspec::bench
