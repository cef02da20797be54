// Replaces the global operator new (the replaceable form, [new.delete.single]) with one that
// counts. libstdc++'s array and nothrow forms call this one, and its operator delete calls
// free(), which matches the malloc() here. Over-aligned new is left alone: none of the
// parsers measured use it per frame.
#include "bench/alloc_counter.hpp"

#include <atomic>
#include <cstdlib>
#include <new>

namespace {
std::atomic<std::uint64_t> count{0};
} // namespace

void* operator new(std::size_t n) {
    count.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
    throw std::bad_alloc();
}

namespace wsspec::bench {
std::uint64_t allocations() noexcept {
    return count.load(std::memory_order_relaxed);
}
} // namespace wsspec::bench
