#pragma once
// RFC 6455 §5.3 client-to-server masking: octet i of the payload is XORed with octet
// (i MOD 4) of the masking key. Compilers do not vectorise the byte loop, so the fast path is
// SIMD (AVX2 or SSE2, picked once at run time) with a word-at-a-time scalar fallback.
#include <cstddef>
#include <cstdint>
#include <span>

#include "codec/frame_header.hpp"

namespace wsspec {

// XORs `data` in place with `key`, where data[0] is payload octet number `phase` (mod 4).
// Returns the phase of the octet after the last one, so a payload masked in pieces gives the
// same bytes as one call.
std::size_t apply_mask(std::span<std::uint8_t> data, mask_key key, std::size_t phase = 0) noexcept;

// Copies src to dst (same size, may not overlap) and masks it on the way.
std::size_t copy_masked(std::span<const std::uint8_t> src, std::uint8_t* dst, mask_key key,
                        std::size_t phase = 0) noexcept;

namespace detail {
using mask_fn = std::size_t (*)(std::uint8_t* data, std::size_t n, mask_key key, std::size_t phase);
std::size_t mask_bytewise(std::uint8_t* data, std::size_t n, mask_key key,
                          std::size_t phase) noexcept;
std::size_t mask_scalar(std::uint8_t* data, std::size_t n, mask_key key,
                        std::size_t phase) noexcept;
// nullptr where the CPU or the build cannot run it.
mask_fn mask_sse2() noexcept;
mask_fn mask_avx2() noexcept;
// Name of the implementation apply_mask uses ("avx2", "sse2", "scalar").
const char* mask_implementation() noexcept;
} // namespace detail

} // namespace wsspec
