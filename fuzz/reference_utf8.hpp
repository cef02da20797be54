#pragma once
// A plain UTF-8 decoder (RFC 3629 §3, §4) to check codec/utf8.cpp against. It is written the
// other way round from the codec's table-driven DFA: it decodes code-point values and, after
// every byte, asks whether any completion of the bits seen so far could still be a Unicode
// scalar value (U+0000..U+10FFFF minus the surrogates D800..DFFF, no overlong forms). The first
// byte after which none can is the failing byte, the "maximal subpart" rule of Unicode §3.9 that
// codec/utf8.hpp documents.
#include <cstddef>
#include <cstdint>
#include <span>

namespace wsspec::fuzz {

enum class ref_utf8 : std::uint8_t { valid, incomplete, invalid };

struct ref_utf8_result {
    ref_utf8 status = ref_utf8::valid;
    std::size_t error_offset = 0; // invalid: index of the failing byte
};

namespace detail {

// Can (prefix << rest_bits | x) for some x < 2^rest_bits be a scalar value of a sequence whose
// shortest legal value is `min`?
constexpr bool can_complete(std::uint32_t prefix, unsigned rest_bits, std::uint32_t min) noexcept {
    const std::uint32_t lo = prefix << rest_bits;
    const std::uint32_t hi = lo | ((std::uint32_t{1} << rest_bits) - 1);
    if (hi < min) return false;                     // overlong whatever follows
    if (lo > 0x10FFFF) return false;                // beyond Unicode whatever follows
    if (lo >= 0xD800 && hi <= 0xDFFF) return false; // a surrogate whatever follows
    return true;
}

} // namespace detail

inline ref_utf8_result reference_utf8(std::span<const std::uint8_t> s) noexcept {
    std::size_t i = 0;
    const std::size_t n = s.size();
    while (i < n) {
        const std::uint8_t b = s[i];
        if (b < 0x80) {
            ++i;
            continue;
        }
        // Sequence length, value bits of the lead, smallest value that needs this length.
        unsigned len = 4;
        std::uint32_t cp = b & 0x07u, min = 0x10000;
        if ((b & 0xE0) == 0xC0) {
            len = 2;
            cp = b & 0x1Fu;
            min = 0x80;
        } else if ((b & 0xF0) == 0xE0) {
            len = 3;
            cp = b & 0x0Fu;
            min = 0x800;
        } else if ((b & 0xF8) != 0xF0) {
            return {ref_utf8::invalid, i}; // a continuation byte, or F8..FF
        }
        if (!detail::can_complete(cp, 6 * (len - 1), min)) return {ref_utf8::invalid, i};
        for (unsigned k = 1; k < len; ++k) {
            if (i + k == n) return {ref_utf8::incomplete, 0};
            const std::uint8_t c = s[i + k];
            if ((c & 0xC0) != 0x80) return {ref_utf8::invalid, i + k};
            cp = (cp << 6) | (c & 0x3Fu);
            if (!detail::can_complete(cp, 6 * (len - 1 - k), min))
                return {ref_utf8::invalid, i + k};
        }
        i += len;
    }
    return {ref_utf8::valid, 0};
}

} // namespace wsspec::fuzz
