#include "codec/mask.hpp"

#include <bit>
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
    // A word rotation: memory byte j of the result is key[(phase + j) % 4].
    std::uint32_t k;
    std::memcpy(&k, key.data(), 4);
    const int bits = static_cast<int>(8 * (phase & 3));
    if constexpr (std::endian::native == std::endian::little)
        k = std::rotr(k, bits);
    else
        k = std::rotl(k, bits);
    mask_key r;
    std::memcpy(r.data(), &k, 4);
    return r;
}

// One kernel per instruction set, shaped as copy-and-XOR: the in-place form passes src == dst,
// which is safe because each block is fully loaded before it is stored.
using xor_fn = void (*)(const std::uint8_t* src, std::uint8_t* dst, std::size_t n,
                        mask_key rotated) noexcept;

std::uint32_t key_word(mask_key rotated) noexcept {
    std::uint32_t k;
    std::memcpy(&k, rotated.data(), 4);
    return k;
}

// memcpy loads and stores: payloads sit at any offset after a 2..14-byte header, so the
// pointer is rarely aligned and a reinterpret_cast load would be undefined behaviour. The
// 8-byte key is built in a register: assembling it in memory from two 4-byte stores and
// loading it back stalls on a failed store-to-load forward at every call.
void xor_scalar(const std::uint8_t* src, std::uint8_t* dst, std::size_t n,
                mask_key rotated) noexcept {
    const std::uint64_t k4 = key_word(rotated);
    const std::uint64_t k = (k4 << 32) | k4; // same byte pattern on either endianness
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        std::uint64_t w;
        std::memcpy(&w, src + i, 8);
        w ^= k;
        std::memcpy(dst + i, &w, 8);
    }
    if (i + 4 <= n) {
        std::uint32_t w;
        std::memcpy(&w, src + i, 4);
        w ^= static_cast<std::uint32_t>(k4);
        std::memcpy(dst + i, &w, 4);
        i += 4;
    }
    for (; i < n; ++i) // at most 3 bytes
        dst[i] = static_cast<std::uint8_t>(src[i] ^ rotated[i & 3]);
}

#if WSSPEC_MASK_X86
// The tail (n not a multiple of the vector width) is one more vector store over the last
// `width` bytes, masked with the key as it meets them, instead of a byte loop. In place
// (src == dst) that window is loaded before the main loop stores anything, so bytes it shares
// with the last full block get the same value twice.

// SSE2 is part of the x86-64 baseline, so this needs no run-time check.
void xor_sse2(const std::uint8_t* src, std::uint8_t* dst, std::size_t n,
              mask_key rotated) noexcept {
    if (n < 16) return xor_scalar(src, dst, n, rotated);
    const __m128i k = _mm_set1_epi32(static_cast<int>(key_word(rotated)));
    const __m128i tail_k = _mm_set1_epi32(static_cast<int>(key_word(rotate_key(rotated, n))));
    const __m128i tail = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + n - 16));
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
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + n - 16), _mm_xor_si128(tail, tail_k));
}

// Compiled for AVX2 whatever the build flags say; only called after __builtin_cpu_supports.
__attribute__((target("avx2"))) void xor_avx2(const std::uint8_t* src, std::uint8_t* dst,
                                              std::size_t n, mask_key rotated) noexcept {
    if (n < 32) return xor_sse2(src, dst, n, rotated);
    const __m256i k = _mm256_set1_epi32(static_cast<int>(key_word(rotated)));
    const __m256i tail_k = _mm256_set1_epi32(static_cast<int>(key_word(rotate_key(rotated, n))));
    const __m256i tail = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + n - 32));
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
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + n - 32), _mm256_xor_si256(tail, tail_k));
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

// Below one AVX2 block the word loop is done before a vector kernel would have set up.
constexpr std::size_t short_span = 32;

std::size_t apply_mask(std::span<std::uint8_t> data, mask_key key, std::size_t phase) noexcept {
    const mask_key rotated = rotate_key(key, phase);
    if (data.size() < short_span)
        xor_scalar(data.data(), data.data(), data.size(), rotated);
    else
        chosen().kernel(data.data(), data.data(), data.size(), rotated);
    return (phase + data.size()) & 3;
}

std::size_t copy_masked(std::span<const std::uint8_t> src, std::uint8_t* dst, mask_key key,
                        std::size_t phase) noexcept {
    const mask_key rotated = rotate_key(key, phase);
    if (src.size() < short_span)
        xor_scalar(src.data(), dst, src.size(), rotated);
    else
        chosen().kernel(src.data(), dst, src.size(), rotated);
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
