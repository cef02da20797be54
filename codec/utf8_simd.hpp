#pragma once
// Vector UTF-8 validation kernels for utf8.cpp (internal). Each answers only "is all of
// p[0, n) valid UTF-8, ending on a code-point boundary"; utf8.cpp finds the offending byte with
// its DFA when the answer is no, and picks the fastest kernel this CPU runs.
#include <cstddef>
#include <cstdint>

namespace wsspec::detail {

using utf8_kernel = bool (*)(const std::uint8_t* p, std::size_t n) noexcept;

// nullptr when the CPU (or the build target) cannot run it.
utf8_kernel utf8_avx2() noexcept;
utf8_kernel utf8_avx512() noexcept;

} // namespace wsspec::detail
