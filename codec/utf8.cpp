// Incremental UTF-8 validation for RFC 6455 §8.1 ("a text message ... MUST contain valid UTF-8")
// and §5.5.1 (close reasons). The byte ranges are RFC 3629 §4; see the DFA below.
//
// Offsets. error_offset is the index of the first byte that cannot extend a valid prefix (the
// "maximal subpart" rule of Unicode §3.9): a lead byte that can never start a sequence (80..BF,
// C0, C1, F5..FF) fails at its own index; a valid lead followed by a byte outside its allowed
// continuation range fails at that following byte. A code point that is still open when the
// message ends fails in finish() at bytes_fed(), the index where the missing byte should have
// been: this is the only offset that does not depend on how the input was split.
#include "codec/utf8.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <simdjson.h>
#include <string>
#include <string_view>
#include <vector>

#include "codec/utf8_simd.hpp"

namespace wsspec {
namespace {

// Byte classes. Continuation bytes are split three ways because RFC 3629 §4 narrows the first
// continuation after E0 (A0-BF), ED (80-9F), F0 (90-BF) and F4 (80-8F): that is what excludes
// overlongs, surrogates and code points above U+10FFFF.
enum byte_class : std::uint8_t {
    c_ascii,   // 00..7F
    c_cont_80, // 80..8F
    c_cont_90, // 90..9F
    c_cont_a0, // A0..BF
    c_lead2,   // C2..DF
    c_e0,      // E0
    c_lead3,   // E1..EC, EE..EF
    c_ed,      // ED
    c_f0,      // F0
    c_lead4,   // F1..F3
    c_f4,      // F4
    c_never,   // C0, C1, F5..FF: no code point is encoded with them
    class_count,
};

// States are "what the next byte must be". 0 is the code-point boundary, so a zero-filled
// validator is a fresh one.
enum dfa_state : std::uint8_t {
    s_boundary,
    s_need1,    // one more 80..BF
    s_need2,    // two more 80..BF
    s_after_e0, // A0..BF, then one more
    s_after_ed, // 80..9F, then one more
    s_need3,    // three more 80..BF (after F1..F3)
    s_after_f0, // 90..BF, then two more
    s_after_f4, // 80..8F, then two more
    state_count,
    s_reject = state_count, // never stored: failed_ records it
};

constexpr std::array<std::uint8_t, 256> make_classes() noexcept {
    std::array<std::uint8_t, 256> t{};
    auto range = [&t](unsigned first, unsigned last, byte_class c) {
        for (unsigned b = first; b <= last; ++b)
            t[b] = c;
    };
    range(0x00, 0x7F, c_ascii);
    range(0x80, 0x8F, c_cont_80);
    range(0x90, 0x9F, c_cont_90);
    range(0xA0, 0xBF, c_cont_a0);
    range(0xC0, 0xC1, c_never); // would only encode U+0000..U+007F: overlong
    range(0xC2, 0xDF, c_lead2);
    range(0xE0, 0xE0, c_e0);
    range(0xE1, 0xEC, c_lead3);
    range(0xED, 0xED, c_ed);
    range(0xEE, 0xEF, c_lead3);
    range(0xF0, 0xF0, c_f0);
    range(0xF1, 0xF3, c_lead4);
    range(0xF4, 0xF4, c_f4);
    range(0xF5, 0xFF, c_never); // would only encode code points above U+10FFFF
    return t;
}

constexpr auto byte_classes = make_classes();

using row = std::array<std::uint8_t, class_count>;
constexpr std::uint8_t R = s_reject;

// clang-format off
// Columns: ascii, 80-8F, 90-9F, A0-BF, C2-DF, E0, E1-EC/EE-EF, ED, F0, F1-F3, F4, never.
constexpr std::array<row, state_count> transitions{{
    /* boundary */ {0, R, R, R, s_need1, s_after_e0, s_need2, s_after_ed, s_after_f0, s_need3,
                    s_after_f4, R},
    /* need1    */ {R, 0, 0, 0, R, R, R, R, R, R, R, R},
    /* need2    */ {R, s_need1, s_need1, s_need1, R, R, R, R, R, R, R, R},
    /* after_e0 */ {R, R, R, s_need1, R, R, R, R, R, R, R, R},
    /* after_ed */ {R, s_need1, s_need1, R, R, R, R, R, R, R, R, R},
    /* need3    */ {R, s_need2, s_need2, s_need2, R, R, R, R, R, R, R, R},
    /* after_f0 */ {R, R, s_need2, s_need2, R, R, R, R, R, R, R, R},
    /* after_f4 */ {R, s_need2, R, R, R, R, R, R, R, R, R, R},
}};
// clang-format on

constexpr std::size_t no_error = static_cast<std::size_t>(-1);

// Below this, a vector kernel's setup costs more than the scalar loop saves.
constexpr std::size_t simd_min_chunk = 64;

constexpr std::uint64_t high_bits = 0x8080808080808080ULL;

std::uint64_t load64(const std::uint8_t* p) noexcept {
    std::uint64_t v;
    std::memcpy(&v, p, sizeof v); // unaligned-safe; compiles to one load
    return v;
}

// Index of the first non-ASCII byte at or after i, or n.
std::size_t skip_ascii(const std::uint8_t* p, std::size_t i, std::size_t n) noexcept {
    while (n - i >= 16) {
        if (((load64(p + i) | load64(p + i + 8)) & high_bits) != 0) break;
        i += 16;
    }
    if (n - i >= 8 && (load64(p + i) & high_bits) == 0) i += 8;
    while (i < n && p[i] < 0x80)
        ++i;
    return i;
}

// Runs the DFA over p[0, n) from `state`. Returns the index of the first rejected byte, or
// no_error with `state` updated.
std::size_t run_scalar(std::uint32_t& state, const std::uint8_t* p, std::size_t n) noexcept {
    std::uint32_t s = state;
    std::size_t i = 0;
    while (i < n) {
        if (s == s_boundary && p[i] < 0x80) {
            i = skip_ascii(p, i, n);
            if (i == n) break;
        }
        s = transitions[s][byte_classes[p[i]]];
        if (s == s_reject) return i;
        ++i;
    }
    state = s;
    return no_error;
}

// Length of the longest prefix of p[0, n) that does not end inside a code point, judged from
// the lead bytes only: a sequence is at most 4 bytes, so at most 3 trailing bytes are held back.
// Malformed tails are left in the prefix or the tail; both paths reject them at the same index.
std::size_t boundary_prefix(const std::uint8_t* p, std::size_t n) noexcept {
    for (std::size_t back = 1; back <= 3 && back <= n; ++back) {
        const std::uint8_t b = p[n - back];
        if ((b & 0xC0) == 0x80) continue; // continuation: keep looking for its lead
        const std::size_t len = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
        return len > back ? n - back : n;
    }
    return n;
}

// The bulk validator: one of our kernels (utf8_simd.cpp) or one of simdjson's.
struct simd_choice {
    detail::utf8_kernel ours = nullptr;
    const simdjson::implementation* theirs = nullptr;
    const char* name = "scalar"; // neither: our scalar DFA only

    bool any() const noexcept { return ours != nullptr || theirs != nullptr; }
    bool valid(const std::uint8_t* p, std::size_t n) const noexcept {
        return ours != nullptr ? ours(p, n)
                               : theirs->validate_utf8(reinterpret_cast<const char*>(p), n);
    }
};

simd_choice simdjson_choice(const simdjson::implementation* kernel) {
    // Names live as long as the process: the choice keeps pointing at one. A deque never moves
    // its elements.
    static std::deque<std::string> labels;
    labels.push_back("simdjson:" + kernel->name());
    simd_choice c;
    c.theirs = kernel;
    c.name = labels.back().c_str();
    return c;
}

// Best of a few runs over a short text with a 2-byte character every 32 bytes (so no kernel
// can take an all-ASCII shortcut), in nanoseconds; a kernel that rejects it never wins.
std::int64_t time_kernel(const simd_choice& c) noexcept {
    static const auto sample = [] {
        std::array<std::uint8_t, 16 * 1024> t{};
        for (std::size_t i = 0; i < t.size(); ++i)
            t[i] = static_cast<std::uint8_t>('a' + i % 26);
        for (std::size_t i = 30; i + 1 < t.size(); i += 32) {
            t[i] = 0xC3; // U+00E9
            t[i + 1] = 0xA9;
        }
        return t;
    }();
    std::int64_t best = INT64_MAX;
    for (int round = 0; round < 5; ++round) {
        const auto start = std::chrono::steady_clock::now();
        bool ok = true;
        for (int i = 0; i < 4; ++i)
            ok &= c.valid(sample.data(), sample.size());
        const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                            std::chrono::steady_clock::now() - start)
                            .count();
        if (!ok) return INT64_MAX;
        best = std::min<std::int64_t>(best, ns);
    }
    return best;
}

// Every bulk validator this CPU runs: ours (AVX-512BW, AVX2) and simdjson's kernels, whose
// portable "fallback" is no faster than our DFA and is left out.
std::vector<simd_choice> candidates() {
    std::vector<simd_choice> all;
    if (auto k = detail::utf8_avx512()) all.push_back({k, nullptr, "avx512"});
    if (auto k = detail::utf8_avx2()) all.push_back({k, nullptr, "avx2"});
    for (const simdjson::implementation* k : simdjson::get_available_implementations())
        if (k->name() != "fallback" && k->supported_by_runtime_system())
            all.push_back(simdjson_choice(k));
    return all;
}

// Picked once, on first use, by timing each candidate (well under a millisecond): which is
// fastest depends on the CPU more than on its feature flags (on AMD Zen 4, simdjson's own
// CPUID choice, its AVX-512 "icelake" kernel, validates UTF-8 slower than its AVX2 "haswell"
// one, and our kernels beat both; bench/README.md has the figures). Setting WSSPEC_UTF8_IMPL
// to scalar, avx2, avx512 or simdjson:<kernel> forces a choice, for benchmarks and tests; one
// this CPU cannot run falls back to the timed choice.
const simd_choice& choose() noexcept {
    static const simd_choice choice = [] {
        const char* forced = std::getenv("WSSPEC_UTF8_IMPL");
        const std::string_view f = forced != nullptr ? forced : "";
        if (f == "scalar") return simd_choice{};
        const std::vector<simd_choice> all = candidates();
        for (const simd_choice& c : all)
            if (!f.empty() && f == c.name) return c;
        simd_choice best;
        std::int64_t best_ns = INT64_MAX;
        for (const simd_choice& c : all) {
            if (const std::int64_t ns = time_kernel(c); ns < best_ns) {
                best = c;
                best_ns = ns;
            }
        }
        return best;
    }();
    return choice;
}

} // namespace

utf8_result utf8_validator::feed(std::span<const std::uint8_t> chunk) noexcept {
    // Sticky, as llhttp: once the stream is known bad nothing later can repair it (§8.1).
    const std::uint64_t base = fed_;
    fed_ += chunk.size();
    if (failed_) return {utf8_status::invalid, static_cast<std::size_t>(error_offset_)};

    const std::uint8_t* p = chunk.data();
    const std::size_t n = chunk.size();
    std::size_t i = 0;
    auto fail = [&](std::size_t at) noexcept {
        failed_ = true;
        error_offset_ = base + at;
        return utf8_result{utf8_status::invalid, static_cast<std::size_t>(error_offset_)};
    };

    // Close a code point left open by the previous chunk, so the bulk starts on a boundary.
    while (state_ != s_boundary && i < n) {
        state_ = transitions[state_][byte_classes[p[i]]];
        if (state_ == s_reject) {
            state_ = s_boundary;
            return fail(i);
        }
        ++i;
    }

    const simd_choice& bulk = choose();
    if (n - i >= simd_min_chunk && bulk.any()) {
        const std::size_t len = boundary_prefix(p + i, n - i);
        if (bulk.valid(p + i, len)) {
            i += len;
        } else {
            // The bulk kernels say only yes/no; rerun our DFA to find the exact byte (§8.1
            // fail-fast reports need the position, Autobahn 6.4.x).
            const std::size_t at = run_scalar(state_, p + i, len);
            if (at != no_error) return fail(i + at);
            i += len; // unreachable unless the two validators disagree; trust ours
        }
    }

    const std::size_t at = run_scalar(state_, p + i, n - i);
    if (at != no_error) return fail(i + at);
    return {state_ == s_boundary ? utf8_status::valid : utf8_status::incomplete, 0};
}

utf8_result utf8_validator::finish() const noexcept {
    if (failed_) return {utf8_status::invalid, static_cast<std::size_t>(error_offset_)};
    // A message must end on a code-point boundary; the missing byte would have been at fed_.
    if (state_ != s_boundary) return {utf8_status::invalid, static_cast<std::size_t>(fed_)};
    return {utf8_status::valid, 0};
}

bool is_valid_utf8(std::span<const std::uint8_t> data) noexcept {
    utf8_validator v;
    return v.feed(data).status == utf8_status::valid;
}

namespace detail {
const char* utf8_implementation() noexcept {
    return choose().name;
}
} // namespace detail

} // namespace wsspec
