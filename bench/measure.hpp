#pragma once
// The loop every stream benchmark shares: one verification pass (right messages, right bytes,
// right checksum, else SkipWithError), then the timed passes, then the counters the table
// script reads. Ours and the peers' go through the same code, so they are timed alike.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <type_traits>

#include "bench/alloc_counter.hpp"
#include "bench/inputs.hpp"

namespace wsspec::bench {

// SkipWithError, and counted: the binary exits non-zero when any benchmark failed (main.cpp).
void fail(benchmark::State& state, const std::string& why);

enum class items_are : std::uint8_t { frames, messages };

inline bool verified(benchmark::State& state, const frame_stream& s, const tally& t) {
    std::string why;
    if (!t.error.empty())
        why = "parse error: " + t.error;
    else if (t.messages != s.messages)
        why = "parsed " + std::to_string(t.messages) + " messages, expected " +
              std::to_string(s.messages);
    else if (t.payload_bytes != s.payload_bytes)
        why = "parsed " + std::to_string(t.payload_bytes) + " payload bytes, expected " +
              std::to_string(s.payload_bytes);
    else if (t.sum.h != s.checksum)
        why = "payload checksum differs from the bytes encoded";
    if (why.empty()) return true;
    fail(state, why);
    return false;
}

// pass(std::true_type) computes the checksum, pass(std::false_type) is the timed form.
template <class Pass>
void measure(benchmark::State& state, const frame_stream& s, items_are items, Pass&& pass) {
    if (!verified(state, s, pass(std::true_type{}))) return;
    const std::uint64_t allocs_before = allocations();
    for (auto _ : state) {
        tally t = pass(std::false_type{});
        benchmark::DoNotOptimize(t.payload_bytes);
        if (!t.error.empty()) {
            fail(state, t.error);
            break;
        }
    }
    const std::uint64_t allocs = allocations() - allocs_before;
    const std::uint64_t per_pass = items == items_are::frames ? s.frames : s.messages;
    const auto n = static_cast<std::int64_t>(state.iterations());
    state.SetBytesProcessed(n * static_cast<std::int64_t>(s.payload_bytes));
    state.SetItemsProcessed(n * static_cast<std::int64_t>(per_pass));
    // Heap allocations per item in the timed loop: ours must stay at 0 (the codec allocates
    // nothing per frame); the peers' figure explains part of their cost.
    state.counters["allocs_per_item"] =
        n == 0 ? 0.0 : static_cast<double>(allocs) / static_cast<double>(n * per_pass);
}

} // namespace wsspec::bench
