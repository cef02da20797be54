// UTF-8 validation with byte-class lookups (Keiser and Lemire, "Validating UTF-8 in less than
// one instruction per byte", Software: Practice and Experience 51(5), 2021), the method
// simdjson also uses. For every byte, three 16-entry tables indexed by the high nibble of the
// previous byte, its low nibble and the high nibble of this byte each give a set of possible
// errors; a real error is in all three sets. That covers every two-byte rule of RFC 3629 §4
// (a continuation without a lead, a lead without a continuation, overlongs, surrogates, above
// U+10FFFF); the third and fourth bytes of a sequence are checked by whether the byte two or
// three back is a 3- or 4-byte lead.
//
// Unlike simdjson, the previous bytes are fetched with unaligned loads at p-1, p-2 and p-3
// rather than built with lane shuffles: on CPUs with two shuffle ports (AMD Zen 4 here) the
// shuffles were the bottleneck, and loads are cheap (bench/README.md has the figures).
#include "codec/utf8_simd.hpp"

#include <cstring>

#if defined(__x86_64__)
// GCC 12's own _mm512_broadcast_i32x4 starts from an uninitialised vector (fixed in GCC 13);
// inlined at -O2 it warns in the header, not in this file.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif
#include <immintrin.h>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
#endif

namespace wsspec::detail {

#if defined(__x86_64__)
namespace {

// clang-format off
// Error classes, one bit each (the paper's names).
constexpr std::uint8_t too_short = 1 << 0;      // lead, then not a continuation
constexpr std::uint8_t too_long = 1 << 1;       // ASCII, then a continuation
constexpr std::uint8_t overlong_3 = 1 << 2;     // E0 80..9F
constexpr std::uint8_t too_large = 1 << 3;      // F4 90..BF, F5..FF
constexpr std::uint8_t surrogate = 1 << 4;      // ED A0..BF
constexpr std::uint8_t overlong_2 = 1 << 5;     // C0, C1
constexpr std::uint8_t too_large_1000 = 1 << 6; // F5..FF 80..8F
constexpr std::uint8_t overlong_4 = 1 << 6;     // F0 80..8F (same bit; the tables tell them apart)
constexpr std::uint8_t two_conts = 1 << 7;      // continuation, then continuation
constexpr std::uint8_t carry = too_short | too_long | two_conts; // decided by the high nibbles

// Indexed by the high nibble of the previous byte.
alignas(16) constexpr std::uint8_t prev_high[16] = {
    too_long, too_long, too_long, too_long, too_long, too_long, too_long, too_long, // 0_______
    two_conts, two_conts, two_conts, two_conts,                                      // 10______
    too_short | overlong_2,                                                          // 1100____
    too_short,                                                                       // 1101____
    too_short | overlong_3 | surrogate,                                              // 1110____
    too_short | too_large | too_large_1000 | overlong_4,                             // 1111____
};
// Indexed by the low nibble of the previous byte.
alignas(16) constexpr std::uint8_t prev_low[16] = {
    carry | overlong_3 | overlong_2 | overlong_4,   // ____0000
    carry | overlong_2,                             // ____0001
    carry,                                          // ____0010
    carry,                                          // ____0011
    carry | too_large,                              // ____0100
    carry | too_large | too_large_1000,             // ____0101
    carry | too_large | too_large_1000,             // ____0110
    carry | too_large | too_large_1000,             // ____0111
    carry | too_large | too_large_1000,             // ____1000
    carry | too_large | too_large_1000,             // ____1001
    carry | too_large | too_large_1000,             // ____1010
    carry | too_large | too_large_1000,             // ____1011
    carry | too_large | too_large_1000,             // ____1100
    carry | too_large | too_large_1000 | surrogate, // ____1101
    carry | too_large | too_large_1000,             // ____1110
    carry | too_large | too_large_1000,             // ____1111
};
// Indexed by the high nibble of this byte.
alignas(16) constexpr std::uint8_t this_high[16] = {
    too_short, too_short, too_short, too_short, too_short, too_short, too_short, too_short, // 0___
    too_long | overlong_2 | two_conts | overlong_3 | too_large_1000 | overlong_4, // 1000____
    too_long | overlong_2 | two_conts | overlong_3 | too_large,                   // 1001____
    too_long | overlong_2 | two_conts | surrogate | too_large,                    // 1010____
    too_long | overlong_2 | two_conts | surrogate | too_large,                    // 1011____
    too_short, too_short, too_short, too_short,                                   // 11______
};
// clang-format on

// Saturating p - (E0 - 80) has its high bit set exactly when p >= E0: a 3- or 4-byte lead two
// back (F0 - 80 for a 4-byte lead three back) means this byte must be a continuation.
constexpr char third_byte_bias = static_cast<char>(0xE0 - 0x80);
constexpr char fourth_byte_bias = static_cast<char>(0xF0 - 0x80);

// The last block: the 3 bytes before `from` (fewer at the start of the buffer) and the rest of
// the input, then zeros. A sequence cut short by the end meets a zero, an ASCII byte, and fails
// as too_short, so the end needs no check of its own.
template <std::size_t Width>
struct padded_tail {
    alignas(64) std::uint8_t bytes[2 * Width]{};
    padded_tail(const std::uint8_t* p, std::size_t from, std::size_t n) noexcept {
        const std::size_t back = from < 3 ? from : 3;
        std::memcpy(bytes + Width - back, p + from - back, back + (n - from));
    }
    const std::uint8_t* block() const noexcept { return bytes + Width; }
};

struct avx2_tables {
    __m256i prev_high, prev_low, this_high, nibble, third, fourth, high_bit;
};

__attribute__((target("avx2"))) inline __m256i avx2_errors(const std::uint8_t* q,
                                                           const avx2_tables& t) noexcept {
    const __m256i in = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q));
    const __m256i p1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q - 1));
    const __m256i p2 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q - 2));
    const __m256i p3 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q - 3));
    const __m256i a =
        _mm256_shuffle_epi8(t.prev_high, _mm256_and_si256(_mm256_srli_epi16(p1, 4), t.nibble));
    const __m256i b = _mm256_shuffle_epi8(t.prev_low, _mm256_and_si256(p1, t.nibble));
    const __m256i c =
        _mm256_shuffle_epi8(t.this_high, _mm256_and_si256(_mm256_srli_epi16(in, 4), t.nibble));
    const __m256i special = _mm256_and_si256(_mm256_and_si256(a, b), c);
    const __m256i must_continue = _mm256_and_si256(
        _mm256_or_si256(_mm256_subs_epu8(p2, t.third), _mm256_subs_epu8(p3, t.fourth)), t.high_bit);
    // A needed continuation shows as two_conts in `special`; anything else there is an error.
    return _mm256_xor_si256(must_continue, special);
}

__attribute__((target("avx2"))) bool validate_avx2(const std::uint8_t* p, std::size_t n) noexcept {
    avx2_tables t;
    t.prev_high =
        _mm256_broadcastsi128_si256(_mm_load_si128(reinterpret_cast<const __m128i*>(prev_high)));
    t.prev_low =
        _mm256_broadcastsi128_si256(_mm_load_si128(reinterpret_cast<const __m128i*>(prev_low)));
    t.this_high =
        _mm256_broadcastsi128_si256(_mm_load_si128(reinterpret_cast<const __m128i*>(this_high)));
    t.nibble = _mm256_set1_epi8(0x0F);
    t.third = _mm256_set1_epi8(third_byte_bias);
    t.fourth = _mm256_set1_epi8(fourth_byte_bias);
    t.high_bit = _mm256_set1_epi8(static_cast<char>(0x80));
    constexpr std::size_t w = 32;
    __m256i errors = _mm256_setzero_si256();
    std::size_t i = 0;
    if (n >= w) {
        // The first block has nothing before it: read it from a copy with zeros in front.
        alignas(32) std::uint8_t first[2 * w]{};
        std::memcpy(first + w, p, w);
        errors = avx2_errors(first + w, t);
        for (i = w; i + 2 * w <= n; i += 2 * w) {
            // 64 ASCII bytes after 3 ASCII bytes (no sequence left open) are valid as they are.
            // Checked per 64 bytes, not 32: in mostly-ASCII text about half the 32-byte blocks
            // are pure ASCII, and a branch that unpredictable costs more than it saves.
            const __m256i any = _mm256_or_si256(
                _mm256_or_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i)),
                                _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + w))),
                _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i - 3)));
            if (_mm256_testz_si256(any, t.high_bit) != 0) continue;
            errors = _mm256_or_si256(errors, avx2_errors(p + i, t));
            errors = _mm256_or_si256(errors, avx2_errors(p + i + w, t));
        }
        if (i + w <= n) {
            errors = _mm256_or_si256(errors, avx2_errors(p + i, t));
            i += w;
        }
    }
    const padded_tail<w> tail(p, i, n);
    errors = _mm256_or_si256(errors, avx2_errors(tail.block(), t));
    return _mm256_testz_si256(errors, errors) != 0;
}

struct avx512_tables {
    __m512i prev_high, prev_low, this_high, nibble, third, fourth, high_bit;
};

__attribute__((target("avx512f,avx512bw"))) inline __m512i
avx512_errors(__m512i in, __m512i p1, __m512i p2, __m512i p3, const avx512_tables& t) noexcept {
    const __m512i a =
        _mm512_shuffle_epi8(t.prev_high, _mm512_and_si512(_mm512_srli_epi16(p1, 4), t.nibble));
    const __m512i b = _mm512_shuffle_epi8(t.prev_low, _mm512_and_si512(p1, t.nibble));
    const __m512i c =
        _mm512_shuffle_epi8(t.this_high, _mm512_and_si512(_mm512_srli_epi16(in, 4), t.nibble));
    const __m512i special = _mm512_ternarylogic_epi32(a, b, c, 0x80); // a & b & c
    const __m512i must_continue = _mm512_and_si512(
        _mm512_or_si512(_mm512_subs_epu8(p2, t.third), _mm512_subs_epu8(p3, t.fourth)), t.high_bit);
    return _mm512_xor_si512(must_continue, special);
}

// Lanes j with 0 <= j < count, as a 64-bit lane mask.
constexpr std::uint64_t first_lanes(std::size_t count) noexcept {
    return count >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << count) - 1;
}

// The 64 bytes at p + i - back, as lanes: those outside p[0, n) read as zero and are never
// accessed, so nothing before p or after p + n is read.
__attribute__((target("avx512f,avx512bw"))) inline __m512i
masked_lanes(const std::uint8_t* p, std::size_t i, std::size_t n, std::size_t back) noexcept {
    // Lane j holds p[i + j - back], which exists when back <= i + j and i + j - back < n.
    const std::uint64_t after = first_lanes(n - i + back);
    const std::uint64_t before = i >= back ? ~std::uint64_t{0} : ~first_lanes(back - i);
    // The address may lie before p; masked-off lanes are not accessed.
    const auto* from =
        reinterpret_cast<const void*>(reinterpret_cast<std::uintptr_t>(p) + i - back);
    return _mm512_maskz_loadu_epi8(after & before, from);
}

// The first block, which has nothing before it, and the last one, where zeros after the end
// make a sequence cut short fail as too_short.
__attribute__((target("avx512f,avx512bw"))) inline __m512i
avx512_edge_errors(const std::uint8_t* p, std::size_t i, std::size_t n,
                   const avx512_tables& t) noexcept {
    return avx512_errors(masked_lanes(p, i, n, 0), masked_lanes(p, i, n, 1),
                         masked_lanes(p, i, n, 2), masked_lanes(p, i, n, 3), t);
}

__attribute__((target("avx512f,avx512bw"))) bool validate_avx512(const std::uint8_t* p,
                                                                 std::size_t n) noexcept {
    avx512_tables t;
    t.prev_high =
        _mm512_broadcast_i32x4(_mm_load_si128(reinterpret_cast<const __m128i*>(prev_high)));
    t.prev_low = _mm512_broadcast_i32x4(_mm_load_si128(reinterpret_cast<const __m128i*>(prev_low)));
    t.this_high =
        _mm512_broadcast_i32x4(_mm_load_si128(reinterpret_cast<const __m128i*>(this_high)));
    t.nibble = _mm512_set1_epi8(0x0F);
    t.third = _mm512_set1_epi8(third_byte_bias);
    t.fourth = _mm512_set1_epi8(fourth_byte_bias);
    t.high_bit = _mm512_set1_epi8(static_cast<char>(0x80));
    constexpr std::size_t w = 64;
    __m512i errors = _mm512_setzero_si512();
    std::size_t i = 0;
    if (n >= w) {
        errors = avx512_edge_errors(p, 0, n, t);
        for (i = w; i + 2 * w <= n; i += 2 * w) {
            const __m512i a = _mm512_loadu_si512(p + i);
            const __m512i b = _mm512_loadu_si512(p + i + w);
            const __m512i a3 = _mm512_loadu_si512(p + i - 3);
            // 128 ASCII bytes after 3 ASCII bytes (no sequence left open) are valid as they
            // are. One test per 128 bytes, kept in mask registers: per 64 bytes, or through a
            // general register, it cost a third of the ASCII speed.
            if (_mm512_movepi8_mask(_mm512_ternarylogic_epi32(a, b, a3, 0xFE)) == 0) continue;
            errors = _mm512_or_si512(errors, avx512_errors(a, _mm512_loadu_si512(p + i - 1),
                                                           _mm512_loadu_si512(p + i - 2), a3, t));
            errors = _mm512_or_si512(errors, avx512_errors(b, _mm512_loadu_si512(p + i + w - 1),
                                                           _mm512_loadu_si512(p + i + w - 2),
                                                           _mm512_loadu_si512(p + i + w - 3), t));
        }
        if (i + w <= n) {
            errors = _mm512_or_si512(errors, avx512_errors(_mm512_loadu_si512(p + i),
                                                           _mm512_loadu_si512(p + i - 1),
                                                           _mm512_loadu_si512(p + i - 2),
                                                           _mm512_loadu_si512(p + i - 3), t));
            i += w;
        }
    }
    errors = _mm512_or_si512(errors, avx512_edge_errors(p, i, n, t));
    return _mm512_test_epi8_mask(errors, errors) == 0;
}

} // namespace

utf8_kernel utf8_avx2() noexcept {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") ? validate_avx2 : nullptr;
}

utf8_kernel utf8_avx512() noexcept {
    __builtin_cpu_init();
    // libgcc's and compiler-rt's checks include the OS saving ZMM state (XGETBV).
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") ? validate_avx512
                                                                                   : nullptr;
}

#else

utf8_kernel utf8_avx2() noexcept {
    return nullptr;
}
utf8_kernel utf8_avx512() noexcept {
    return nullptr;
}

#endif

} // namespace wsspec::detail
