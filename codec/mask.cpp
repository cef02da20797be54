#include "codec/mask.hpp"

#include <cstdlib>
#include <cstring>
#include <string_view>

#if defined(__x86_64__)
#include <immintrin.h>
#define WSSPEC_MASK_X86 1
#else
#define WSSPEC_MASK_X86 0
#endif

namespace wsspec {
namespace {

// The four key octets in the order they meet the payload when data[0] is octet `phase`
// (RFC 6455 §5.3: j = i MOD 4). Every SIMD block length is a multiple of 4, so this pattern
// repeats unchanged across blocks and only the tail needs the phase again.
mask_key rotate_key(mask_key key, std::size_t phase) noexcept {
    mask_key r;
    for (std::size_t j = 0; j < 4; ++j)
        r[j] = key[(phase + j) & 3];
    return r;
}

// One kernel per instruction set, shaped as copy-and-XOR: the in-place form passes src == dst,
// which is safe because each block is fully loaded before it is stored.
using xor_fn = void (*)(const std::uint8_t* src, std::uint8_t* dst, std::size_t n,
                        mask_key rotated) noexcept;

// memcpy loads and stores: payloads sit at any offset after a 2..14-byte header, so the
// pointer is rarely aligned and a reinterpret_cast load would be undefined behaviour.
void xor_scalar(const std::uint8_t* src, std::uint8_t* dst, std::size_t n,
                mask_key rotated) noexcept {
    std::uint8_t pattern[8];
    std::memcpy(pattern, rotated.data(), 4);
    std::memcpy(pattern + 4, rotated.data(), 4);
    std::uint64_t k;
    std::memcpy(&k, pattern, 8); // byte pattern, so correct on either endianness
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        std::uint64_t w;
        std::memcpy(&w, src + i, 8);
        w ^= k;
        std::memcpy(dst + i, &w, 8);
    }
    for (; i < n; ++i)
        dst[i] = static_cast<std::uint8_t>(src[i] ^ rotated[i & 3]);
}

#if WSSPEC_MASK_X86
std::uint32_t key_word(mask_key rotated) noexcept {
    std::uint32_t k;
    std::memcpy(&k, rotated.data(), 4);
    return k;
}

// SSE2 is part of the x86-64 baseline, so this needs no run-time check.
void xor_sse2(const std::uint8_t* src, std::uint8_t* dst, std::size_t n,
              mask_key rotated) noexcept {
    const __m128i k = _mm_set1_epi32(static_cast<int>(key_word(rotated)));
    std::size_t i = 0;
    // Four independent vectors per step keep the load/XOR/store ports busy.
    for (; i + 64 <= n; i += 64) {
        __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i));
        __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i + 16));
        __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i + 32));
        __m128i d = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i + 48));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i), _mm_xor_si128(a, k));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i + 16), _mm_xor_si128(b, k));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i + 32), _mm_xor_si128(c, k));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i + 48), _mm_xor_si128(d, k));
    }
    for (; i + 16 <= n; i += 16) {
        __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i), _mm_xor_si128(a, k));
    }
    xor_scalar(src + i, dst + i, n - i, rotated);
}

// Compiled for AVX2 whatever the build flags say; only called after __builtin_cpu_supports.
__attribute__((target("avx2"))) void xor_avx2(const std::uint8_t* src, std::uint8_t* dst,
                                              std::size_t n, mask_key rotated) noexcept {
    const __m256i k = _mm256_set1_epi32(static_cast<int>(key_word(rotated)));
    std::size_t i = 0;
    for (; i + 128 <= n; i += 128) {
        __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + i));
        __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + i + 32));
        __m256i c = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + i + 64));
        __m256i d = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + i + 96));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i), _mm256_xor_si256(a, k));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i + 32), _mm256_xor_si256(b, k));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i + 64), _mm256_xor_si256(c, k));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i + 96), _mm256_xor_si256(d, k));
    }
    for (; i + 32 <= n; i += 32) {
        __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + i));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i), _mm256_xor_si256(a, k));
    }
    xor_sse2(src + i, dst + i, n - i, rotated);
}

bool cpu_has_avx2() noexcept {
    // Needed when the first call happens before libgcc's own constructor has run.
    __builtin_cpu_init();
    // Both GCC's and LLVM's runtimes also check XGETBV, i.e. that the OS saves YMM state.
    return __builtin_cpu_supports("avx2");
}

std::size_t mask_sse2_in_place(std::uint8_t* data, std::size_t n, mask_key key,
                               std::size_t phase) noexcept {
    xor_sse2(data, data, n, rotate_key(key, phase));
    return (phase + n) & 3;
}

std::size_t mask_avx2_in_place(std::uint8_t* data, std::size_t n, mask_key key,
                               std::size_t phase) noexcept {
    xor_avx2(data, data, n, rotate_key(key, phase));
    return (phase + n) & 3;
}
#endif

struct mask_choice {
    xor_fn kernel;
    const char* name;
};

bool have_sse2() noexcept {
    return WSSPEC_MASK_X86 != 0;
}

bool have_avx2() noexcept {
#if WSSPEC_MASK_X86
    return cpu_has_avx2();
#else
    return false;
#endif
}

mask_choice make_choice(std::string_view name) noexcept {
#if WSSPEC_MASK_X86
    if (name == "avx2") return {xor_avx2, "avx2"};
    if (name == "sse2") return {xor_sse2, "sse2"};
#else
    (void)name;
#endif
    return {xor_scalar, "scalar"};
}

// Picked once: the CPU does not change under a running process, and a function-local static
// is safe to reach from other translation units' static initialisers.
mask_choice choose() noexcept {
    // WSSPEC_MASK_IMPL forces a kernel so benchmarks can compare them in one build; a name
    // this CPU cannot run falls back to the automatic choice.
    if (const char* forced = std::getenv("WSSPEC_MASK_IMPL")) {
        const std::string_view f = forced;
        if (f == "scalar") return make_choice("scalar");
        if (f == "sse2" && have_sse2()) return make_choice("sse2");
        if (f == "avx2" && have_avx2()) return make_choice("avx2");
    }
    if (have_avx2()) return make_choice("avx2");
    if (have_sse2()) return make_choice("sse2");
    return make_choice("scalar");
}

const mask_choice& chosen() noexcept {
    static const mask_choice c = choose();
    return c;
}

} // namespace

std::size_t apply_mask(std::span<std::uint8_t> data, mask_key key, std::size_t phase) noexcept {
    chosen().kernel(data.data(), data.data(), data.size(), rotate_key(key, phase));
    return (phase + data.size()) & 3;
}

std::size_t copy_masked(std::span<const std::uint8_t> src, std::uint8_t* dst, mask_key key,
                        std::size_t phase) noexcept {
    chosen().kernel(src.data(), dst, src.size(), rotate_key(key, phase));
    return (phase + src.size()) & 3;
}

namespace detail {

std::size_t mask_bytewise(std::uint8_t* data, std::size_t n, mask_key key,
                          std::size_t phase) noexcept {
    for (std::size_t i = 0; i < n; ++i)
        data[i] ^= key[(phase + i) % 4];
    return (phase + n) % 4;
}

std::size_t mask_scalar(std::uint8_t* data, std::size_t n, mask_key key,
                        std::size_t phase) noexcept {
    xor_scalar(data, data, n, rotate_key(key, phase));
    return (phase + n) & 3;
}

#if WSSPEC_MASK_X86
mask_fn mask_sse2() noexcept {
    return mask_sse2_in_place;
}
mask_fn mask_avx2() noexcept {
    return have_avx2() ? mask_avx2_in_place : nullptr;
}
#else
mask_fn mask_sse2() noexcept {
    return nullptr;
}
mask_fn mask_avx2() noexcept {
    return nullptr;
}
#endif

const char* mask_implementation() noexcept {
    return chosen().name;
}

} // namespace detail

} // namespace wsspec
