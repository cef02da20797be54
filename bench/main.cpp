// The benchmark binary's entry point: Google Benchmark's flags, plus the context a reader of
// the results needs (which SIMD kernels ran, which compiler built it), and a non-zero exit
// when any benchmark's cross-check failed, so the smoke test can fail.
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdio>
#include <string>

#include "bench/measure.hpp"
#include "codec/mask.hpp"
#include "codec/utf8.hpp"

namespace wsspec::bench {
namespace {
std::atomic<int> failures{0};
} // namespace

void fail(benchmark::State& state, const std::string& why) {
    failures.fetch_add(1, std::memory_order_relaxed);
    state.SkipWithError(why.c_str());
}

} // namespace wsspec::bench

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
    benchmark::AddCustomContext("wsspec_mask", wsspec::detail::mask_implementation());
    benchmark::AddCustomContext("wsspec_utf8", wsspec::detail::utf8_implementation());
#if defined(__clang__)
    benchmark::AddCustomContext("compiler", "clang " __clang_version__);
#elif defined(__GNUC__)
    benchmark::AddCustomContext("compiler", "g++ " __VERSION__);
#endif
#if defined(NDEBUG)
    benchmark::AddCustomContext("wsspec_build", "optimised (NDEBUG)");
#else
    benchmark::AddCustomContext("wsspec_build",
                                "debug (assertions on): figures are not meaningful");
#endif
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    const int failed = wsspec::bench::failures.load();
    if (failed != 0) std::fprintf(stderr, "%d benchmark(s) failed their cross-check\n", failed);
    return failed == 0 ? 0 : 1;
}
