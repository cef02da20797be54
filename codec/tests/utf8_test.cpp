// Tests for the incremental UTF-8 validator (RFC 6455 §8.1, byte ranges from RFC 3629 §4).
// Every input is checked whole, byte by byte, at every two-way split and in random chunkings,
// and after every chunk against an independent reference decoder written below.
#include "codec/utf8.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace wsspec {
namespace {

using bytes = std::vector<std::uint8_t>;

bytes from_hex(std::string_view hex) {
    bytes out;
    auto nibble = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
    for (std::size_t i = 0; i + 1 < hex.size(); ++i) {
        if (hex[i] == ' ') continue;
        out.push_back(static_cast<std::uint8_t>(nibble(hex[i]) << 4 | nibble(hex[i + 1])));
        ++i;
    }
    return out;
}

std::string to_hex(unsigned b) {
    const char* digits = "0123456789abcdef";
    return {digits[b >> 4], digits[b & 15]};
}

// Autobahn 6.12.8: every byte from..to.
std::string run_hex(unsigned from, unsigned to) {
    std::string s;
    for (unsigned b = from; b <= to; ++b)
        s += to_hex(b);
    return s;
}

// Autobahn 6.13.x: each start byte from..to followed by a space.
std::string lonely_hex(unsigned from, unsigned to) {
    std::string s;
    for (unsigned b = from; b <= to; ++b)
        s += to_hex(b) + "20";
    return s;
}

std::string show(utf8_result r) {
    const char* names[] = {"valid", "incomplete", "invalid"};
    std::string s = names[static_cast<int>(r.status)];
    if (r.status == utf8_status::invalid) s += " at " + std::to_string(r.error_offset);
    return s;
}

bool same(utf8_result a, utf8_result b) {
    return a.status == b.status &&
           (a.status != utf8_status::invalid || a.error_offset == b.error_offset);
}

// Reference decoder: reads one code point at a time and, after every byte, asks whether the
// bytes so far can still complete to a code point that RFC 3629 allows for this length (not
// overlong, not a surrogate, not above U+10FFFF). It shares nothing with the DFA under test.
// Returns what feed() must report after exactly these bytes.
utf8_result reference_feed(const std::uint8_t* p, std::size_t n) {
    constexpr std::uint32_t min_for_len[] = {0, 0, 0x80, 0x800, 0x10000};
    constexpr std::uint32_t max_for_len[] = {0, 0x7F, 0x7FF, 0xFFFF, 0x10FFFF};
    std::size_t i = 0;
    while (i < n) {
        const std::uint8_t lead = p[i];
        std::size_t len = 0;
        std::uint32_t cp = 0;
        if (lead < 0x80)
            len = 1, cp = lead;
        else if (lead >= 0xC0 && lead < 0xE0)
            len = 2, cp = lead & 0x1F;
        else if (lead >= 0xE0 && lead < 0xF0)
            len = 3, cp = lead & 0x0F;
        else if (lead >= 0xF0 && lead < 0xF8)
            len = 4, cp = lead & 0x07;
        else
            return {utf8_status::invalid, i};
        for (std::size_t k = 0; k < len; ++k) {
            if (k > 0) {
                if (i + k == n) return {utf8_status::incomplete, 0};
                if ((p[i + k] & 0xC0) != 0x80) return {utf8_status::invalid, i + k};
                cp = cp << 6 | (p[i + k] & 0x3F);
            }
            const unsigned missing_bits = 6 * static_cast<unsigned>(len - 1 - k);
            const std::uint32_t lo = std::max(cp << missing_bits, min_for_len[len]);
            const std::uint32_t hi =
                std::min(cp << missing_bits | ((1u << missing_bits) - 1), max_for_len[len]);
            const bool possible = lo <= hi && !(lo >= 0xD800 && hi <= 0xDFFF);
            if (!possible) return {utf8_status::invalid, i + k};
        }
        i += len;
    }
    return {utf8_status::valid, 0};
}

utf8_result reference_finish(const bytes& b) {
    utf8_result r = reference_feed(b.data(), b.size());
    if (r.status == utf8_status::incomplete) return {utf8_status::invalid, b.size()};
    return r;
}

// Feeds b cut at `cuts` (sorted, inside (0, size)), checking every feed() against the reference
// on the prefix fed so far, then finish().
::testing::AssertionResult check_chunked(const bytes& b, const std::vector<std::size_t>& cuts) {
    utf8_validator v;
    std::size_t start = 0;
    for (std::size_t k = 0; k <= cuts.size(); ++k) {
        const std::size_t end = k < cuts.size() ? cuts[k] : b.size();
        const utf8_result got = v.feed(std::span(b.data() + start, end - start));
        const utf8_result want = reference_feed(b.data(), end);
        if (!same(got, want))
            return ::testing::AssertionFailure()
                   << "after feeding [" << start << ", " << end << "): got " << show(got)
                   << ", want " << show(want);
        if (v.bytes_fed() != end) return ::testing::AssertionFailure() << "bytes_fed " << end;
        start = end;
    }
    const utf8_result got = v.finish();
    const utf8_result want = reference_finish(b);
    if (!same(got, want))
        return ::testing::AssertionFailure()
               << "finish: got " << show(got) << ", want " << show(want);
    return ::testing::AssertionSuccess();
}

std::vector<std::size_t> random_cuts(std::size_t n, std::mt19937_64& rng, std::size_t max_cuts) {
    std::vector<std::size_t> cuts;
    if (n < 2) return cuts;
    const std::size_t count = rng() % (max_cuts + 1);
    for (std::size_t k = 0; k < count; ++k)
        cuts.push_back(1 + rng() % (n - 1));
    std::sort(cuts.begin(), cuts.end());
    cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
    return cuts;
}

// Whole, byte by byte, every two-way split, three random chunkings.
void check_all_splits(const bytes& b, std::mt19937_64& rng) {
    EXPECT_TRUE(check_chunked(b, {})) << "whole";
    std::vector<std::size_t> every;
    for (std::size_t i = 1; i < b.size(); ++i)
        every.push_back(i);
    EXPECT_TRUE(check_chunked(b, every)) << "byte by byte";
    for (std::size_t i = 1; i < b.size(); ++i)
        EXPECT_TRUE(check_chunked(b, {i})) << "split " << i;
    for (int k = 0; k < 3; ++k)
        EXPECT_TRUE(check_chunked(b, random_cuts(b.size(), rng, 6)));
}

struct autobahn_vector {
    const char* id;
    std::string hex;
    bool valid;
    std::size_t error_offset; // for invalid; == size means a truncated code point at the end
};

constexpr bool V = true;
constexpr bool I = false;

// Autobahn|Testsuite 6.5–6.23 (catalog §1.7). Offsets reasoned from RFC 3629 §4: a lead that
// can never be valid (80-BF, C0, C1, F5-FF) fails at itself; a valid lead fails at the first
// byte outside its continuation range (E0 A0-BF, ED 80-9F, F0 90-BF, F4 80-8F, else 80-BF).
const std::vector<autobahn_vector>& autobahn_vectors() {
    static const std::vector<autobahn_vector> table = {
        // clang-format off
        {"6.5.1", "68656c6c6f24776f726c64", V, 0}, {"6.5.2", "68656c6c6fc2a2776f726c64", V, 0},
        {"6.5.3", "68656c6c6fe282ac776f726c64", V, 0},
        {"6.5.4", "68656c6c6ff0a4ada2776f726c64", V, 0}, {"6.5.5", "cebae1bdb9cf83cebcceb5", V, 0},
        {"6.6.1", "ce", I, 1}, {"6.6.2", "ceba", V, 0}, {"6.6.3", "cebae1", I, 3},
        {"6.6.4", "cebae1bd", I, 4}, {"6.6.5", "cebae1bdb9", V, 0}, {"6.6.6", "cebae1bdb9cf", I, 6},
        {"6.6.7", "cebae1bdb9cf83", V, 0}, {"6.6.8", "cebae1bdb9cf83ce", I, 8},
        {"6.6.9", "cebae1bdb9cf83cebc", V, 0}, {"6.6.10", "cebae1bdb9cf83cebcce", I, 10},
        {"6.6.11", "cebae1bdb9cf83cebcceb5", V, 0},
        {"6.7.1", "00", V, 0}, {"6.7.2", "c280", V, 0}, {"6.7.3", "e0a080", V, 0},
        {"6.7.4", "f0908080", V, 0},
        {"6.8.1", "f888808080", I, 0}, {"6.8.2", "fc8480808080", I, 0},
        {"6.9.1", "7f", V, 0}, {"6.9.2", "dfbf", V, 0}, {"6.9.3", "efbfbf", V, 0},
        {"6.9.4", "f48fbfbf", V, 0},
        {"6.10.1", "f7bfbfbf", I, 0}, {"6.10.2", "fbbfbfbfbf", I, 0},
        {"6.10.3", "fdbfbfbfbfbf", I, 0},
        {"6.11.1", "ed9fbf", V, 0}, {"6.11.2", "ee8080", V, 0}, {"6.11.3", "efbfbd", V, 0},
        {"6.11.4", "f48fbfbf", V, 0}, {"6.11.5", "f4908080", I, 1},
        {"6.12.1", "80", I, 0}, {"6.12.2", "bf", I, 0}, {"6.12.3", "80bf", I, 0},
        {"6.12.4", "80bf80", I, 0}, {"6.12.5", "80bf80bf", I, 0}, {"6.12.6", "80bf80bf80", I, 0},
        {"6.12.7", "80bf80bf80bf", I, 0}, {"6.12.8", run_hex(0x80, 0xbe), I, 0},
        {"6.13.1", lonely_hex(0xc0, 0xde), I, 0}, {"6.13.2", lonely_hex(0xe0, 0xee), I, 1},
        {"6.13.3", lonely_hex(0xf0, 0xf6), I, 1}, {"6.13.4", lonely_hex(0xf8, 0xfa), I, 0},
        {"6.13.5", lonely_hex(0xfc, 0xfc), I, 0},
        {"6.14.1", "c0", I, 0}, {"6.14.2", "e080", I, 1}, {"6.14.3", "f08080", I, 1},
        {"6.14.4", "f8808080", I, 0}, {"6.14.5", "fc80808080", I, 0}, {"6.14.6", "df", I, 1},
        {"6.14.7", "efbf", I, 2}, {"6.14.8", "f7bfbf", I, 0}, {"6.14.9", "fbbfbfbf", I, 0},
        {"6.14.10", "fdbfbfbfbf", I, 0},
        {"6.15.1", "c0e080f08080f8808080fc80808080dfefbff7bfbffbbfbfbffdbfbfbfbf", I, 0},
        {"6.16.1", "fe", I, 0}, {"6.16.2", "ff", I, 0}, {"6.16.3", "fefeffff", I, 0},
        {"6.17.1", "c0af", I, 0}, {"6.17.2", "e080af", I, 1}, {"6.17.3", "f08080af", I, 1},
        {"6.17.4", "f8808080af", I, 0}, {"6.17.5", "fc80808080af", I, 0},
        {"6.18.1", "c1bf", I, 0}, {"6.18.2", "e09fbf", I, 1}, {"6.18.3", "f08fbfbf", I, 1},
        {"6.18.4", "f887bfbfbf", I, 0}, {"6.18.5", "fc83bfbfbfbf", I, 0},
        {"6.19.1", "c080", I, 0}, {"6.19.2", "e08080", I, 1}, {"6.19.3", "f0808080", I, 1},
        {"6.19.4", "f880808080", I, 0}, {"6.19.5", "fc8080808080", I, 0},
        {"6.20.1", "eda080", I, 1}, {"6.20.2", "edadbf", I, 1}, {"6.20.3", "edae80", I, 1},
        {"6.20.4", "edafbf", I, 1}, {"6.20.5", "edb080", I, 1}, {"6.20.6", "edbe80", I, 1},
        {"6.20.7", "edbfbf", I, 1},
        {"6.21.1", "eda080edb080", I, 1}, {"6.21.2", "eda080edbfbf", I, 1},
        {"6.21.3", "edadbfedb080", I, 1}, {"6.21.4", "edadbfedbfbf", I, 1},
        {"6.21.5", "edae80edb080", I, 1}, {"6.21.6", "edae80edbfbf", I, 1},
        {"6.21.7", "edafbfedb080", I, 1}, {"6.21.8", "edafbfedbfbf", I, 1},
        {"6.22.1", "efbfbe", V, 0}, {"6.22.2", "efbfbf", V, 0}, {"6.22.3", "f09fbfbe", V, 0},
        {"6.22.4", "f09fbfbf", V, 0}, {"6.22.5", "f0afbfbe", V, 0}, {"6.22.6", "f0afbfbf", V, 0},
        {"6.22.7", "f0bfbfbe", V, 0}, {"6.22.8", "f0bfbfbf", V, 0}, {"6.22.9", "f18fbfbe", V, 0},
        {"6.22.10", "f18fbfbf", V, 0}, {"6.22.11", "f19fbfbe", V, 0}, {"6.22.12", "f19fbfbf", V, 0},
        {"6.22.13", "f1afbfbe", V, 0}, {"6.22.14", "f1afbfbf", V, 0}, {"6.22.15", "f1bfbfbe", V, 0},
        {"6.22.16", "f1bfbfbf", V, 0}, {"6.22.17", "f28fbfbe", V, 0}, {"6.22.18", "f28fbfbf", V, 0},
        {"6.22.19", "f29fbfbe", V, 0}, {"6.22.20", "f29fbfbf", V, 0}, {"6.22.21", "f2afbfbe", V, 0},
        {"6.22.22", "f2afbfbf", V, 0}, {"6.22.23", "f2bfbfbe", V, 0}, {"6.22.24", "f2bfbfbf", V, 0},
        {"6.22.25", "f38fbfbe", V, 0}, {"6.22.26", "f38fbfbf", V, 0}, {"6.22.27", "f39fbfbe", V, 0},
        {"6.22.28", "f39fbfbf", V, 0}, {"6.22.29", "f3afbfbe", V, 0}, {"6.22.30", "f3afbfbf", V, 0},
        {"6.22.31", "f3bfbfbe", V, 0}, {"6.22.32", "f3bfbfbf", V, 0}, {"6.22.33", "f48fbfbe", V, 0},
        {"6.22.34", "f48fbfbf", V, 0},
        {"6.23.1", "efbfb9", V, 0}, {"6.23.2", "efbfba", V, 0}, {"6.23.3", "efbfbb", V, 0},
        {"6.23.4", "efbfbc", V, 0}, {"6.23.5", "efbfbd", V, 0}, {"6.23.6", "efbfbe", V, 0},
        {"6.23.7", "efbfbf", V, 0},
        // clang-format on
    };
    return table;
}

TEST(Utf8Autobahn, TableMatchesCatalogCounts) {
    const auto& table = autobahn_vectors();
    ASSERT_EQ(table.size(), 132u);
    std::map<std::string, int> per_sub;
    int valid = 0;
    for (const auto& v : table) {
        const std::string id = v.id;
        ++per_sub[id.substr(0, id.rfind('.'))];
        valid += v.valid ? 1 : 0;
    }
    EXPECT_EQ(valid, 63); // + 6.1 (3) + 6.2 (4) = 70 valid-echo cases
    EXPECT_EQ(static_cast<int>(table.size()) - valid, 69); // + 6.3 (2) + 6.4 (4) = 75 must-fail
    const std::map<std::string, int> catalog = {
        {"6.5", 5},  {"6.6", 11}, {"6.7", 4},   {"6.8", 2},   {"6.9", 4},  {"6.10", 3}, {"6.11", 5},
        {"6.12", 8}, {"6.13", 5}, {"6.14", 10}, {"6.15", 1},  {"6.16", 3}, {"6.17", 5}, {"6.18", 5},
        {"6.19", 5}, {"6.20", 7}, {"6.21", 8},  {"6.22", 34}, {"6.23", 7}};
    EXPECT_EQ(per_sub, catalog);
    EXPECT_EQ(from_hex(table[41].hex).size(), 63u); // 6.12.8: 0x80..0xbe
    EXPECT_EQ(from_hex(table[42].hex).size(), 62u); // 6.13.1: 31 pairs
}

TEST(Utf8Autobahn, EachVectorHasItsVerdictAndOffset) {
    for (const auto& v : autobahn_vectors()) {
        SCOPED_TRACE(v.id);
        const bytes b = from_hex(v.hex);
        utf8_validator val;
        const utf8_result fed = val.feed(b);
        const utf8_result done = val.finish();
        EXPECT_EQ(is_valid_utf8(b), v.valid);
        if (v.valid) {
            EXPECT_EQ(fed.status, utf8_status::valid);
            EXPECT_EQ(done.status, utf8_status::valid);
            continue;
        }
        ASSERT_LE(v.error_offset, b.size());
        // A truncated tail is only "incomplete" until the message ends.
        EXPECT_EQ(fed.status,
                  v.error_offset == b.size() ? utf8_status::incomplete : utf8_status::invalid);
        EXPECT_EQ(done.status, utf8_status::invalid);
        EXPECT_EQ(done.error_offset, v.error_offset);
        // The reference decoder agrees with the hand-reasoned table.
        EXPECT_TRUE(same(reference_finish(b), done)) << show(reference_finish(b));
    }
}

TEST(Utf8Autobahn, EachVectorAgreesAtEverySplit) {
    std::mt19937_64 rng(6455);
    for (const auto& v : autobahn_vectors()) {
        SCOPED_TRACE(v.id);
        check_all_splits(from_hex(v.hex), rng);
    }
}

TEST(Utf8Autobahn, FailsAtTheOffendingByteNotLater) {
    // Fed byte by byte, the first invalid result comes exactly with byte error_offset (6.4.x
    // fail-fast).
    for (const auto& v : autobahn_vectors()) {
        const bytes b = from_hex(v.hex);
        if (v.valid || v.error_offset == b.size()) continue;
        SCOPED_TRACE(v.id);
        utf8_validator val;
        for (std::size_t i = 0; i < v.error_offset; ++i)
            EXPECT_NE(val.feed(std::span(&b[i], 1)).status, utf8_status::invalid) << i;
        const utf8_result r = val.feed(std::span(&b[v.error_offset], 1));
        EXPECT_EQ(r.status, utf8_status::invalid);
        EXPECT_EQ(r.error_offset, v.error_offset);
    }
}

TEST(Utf8Autobahn, HandWrittenCases) {
    const bytes hello = from_hex("48656c6c6f2dc2b540c39fc3b6c3a4c3bcc3a0c3a12d5554462d382121");
    ASSERT_EQ(hello.size(), 29u);
    EXPECT_TRUE(is_valid_utf8(hello));                              // 6.2.1
    EXPECT_TRUE(check_chunked(hello, {15}));                        // 6.2.2
    EXPECT_TRUE(is_valid_utf8(from_hex("cebae1bdb9cf83cebcceb5"))); // 6.2.4
    std::mt19937_64 rng(621);
    check_all_splits(hello, rng);

    // 6.3.1: κόσμε, then U+D800 (ED A0 80), then "edited": fails at the A0.
    const bytes surrogate = from_hex("cebae1bdb9cf83cebcceb5 eda080 656469746564");
    utf8_validator v;
    EXPECT_EQ(v.feed(surrogate).error_offset, 12u);
    EXPECT_EQ(v.finish().status, utf8_status::invalid);
    check_all_splits(surrogate, rng);

    // 6.4.1 (frames 11/4/6) and 6.4.2 (frames 12/1/8); 6.4.3/6.4.4 chop one frame at the same
    // points. The verdict must arrive with the 0x90, before the rest of the message.
    const bytes kosme_u110000 = from_hex("cebae1bdb9cf83cebcceb5 f4908080 656469746564");
    for (std::size_t first : {11u, 12u}) {
        SCOPED_TRACE(first);
        utf8_validator w;
        const std::size_t second = first == 11 ? 4 : 1;
        const utf8_result r1 = w.feed(std::span(kosme_u110000.data(), first));
        EXPECT_EQ(r1.status, first == 11 ? utf8_status::valid : utf8_status::incomplete);
        const utf8_result r2 = w.feed(std::span(kosme_u110000.data() + first, second));
        EXPECT_EQ(r2.status, utf8_status::invalid);
        EXPECT_EQ(r2.error_offset, 12u);
        const utf8_result r3 = w.feed(std::span(kosme_u110000).subspan(first + second));
        EXPECT_EQ(r3.error_offset, 12u);
        EXPECT_EQ(w.bytes_fed(), 21u);
    }
    check_all_splits(kosme_u110000, rng);
}

TEST(Utf8Validator, ZeroInitialisedIsFreshAndTriviallyCopyable) {
    static_assert(std::is_trivially_copyable_v<utf8_validator>);
    utf8_validator v{};
    EXPECT_EQ(v.finish().status, utf8_status::valid); // empty message is valid
    EXPECT_EQ(v.feed({}).status, utf8_status::valid);
    EXPECT_FALSE(v.failed());
    EXPECT_EQ(v.bytes_fed(), 0u);
}

TEST(Utf8Validator, ErrorIsStickyUntilReset) {
    utf8_validator v;
    const bytes bad = from_hex("41 ff 42");
    EXPECT_EQ(v.feed(bad).error_offset, 1u);
    EXPECT_TRUE(v.failed());
    const bytes good = from_hex("4142");
    const utf8_result again = v.feed(good);
    EXPECT_EQ(again.status, utf8_status::invalid);
    EXPECT_EQ(again.error_offset, 1u);
    EXPECT_EQ(v.bytes_fed(), 5u);
    v.reset();
    EXPECT_FALSE(v.failed());
    EXPECT_EQ(v.feed(good).status, utf8_status::valid);
    EXPECT_EQ(v.bytes_fed(), 2u);
}

TEST(Utf8Validator, TruncatedAtFinishFailsAtBytesFed) {
    utf8_validator v;
    EXPECT_EQ(v.feed(from_hex("41 42 f0 9d")).status, utf8_status::incomplete);
    const utf8_result r = v.finish();
    EXPECT_EQ(r.status, utf8_status::invalid);
    EXPECT_EQ(r.error_offset, 4u);
    EXPECT_EQ(v.feed(from_hex("84 9e")).status, utf8_status::valid); // finish() is const
    EXPECT_EQ(v.finish().status, utf8_status::valid);
}

TEST(Utf8Validator, CopyMidSequenceContinuesIndependently) {
    utf8_validator a;
    EXPECT_EQ(a.feed(from_hex("e2 82")).status, utf8_status::incomplete);
    utf8_validator b = a;
    EXPECT_EQ(a.feed(from_hex("ac")).status, utf8_status::valid);
    const utf8_result r = b.feed(from_hex("41"));
    EXPECT_EQ(r.status, utf8_status::invalid);
    EXPECT_EQ(r.error_offset, 2u);
    EXPECT_FALSE(a.failed());
}

// Bytes drawn to hit the interesting ranges often: ASCII, stray continuations, edge leads,
// and well-formed code points near the RFC 3629 boundaries.
void append_random_piece(bytes& out, std::mt19937_64& rng, int valid_percent) {
    static const std::uint8_t edges[] = {0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0,
                                         0xc1, 0xc2, 0xdf, 0xe0, 0xe1, 0xec, 0xed, 0xee,
                                         0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xf7, 0xff};
    static const std::uint32_t cps[] = {0x7F,   0x80,   0x7FF,   0x800,    0xD7FF,
                                        0xE000, 0xFFFF, 0x10000, 0x10FFFF, 0xFFFD};
    const int roll = static_cast<int>(rng() % 100);
    if (roll < valid_percent) {
        std::uint32_t cp = (rng() % 4 == 0) ? cps[rng() % std::size(cps)]
                                            : static_cast<std::uint32_t>(rng() % 0x110000);
        if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0x41;
        if (cp < 0x80) {
            out.push_back(static_cast<std::uint8_t>(cp));
        } else if (cp < 0x800) {
            out.push_back(static_cast<std::uint8_t>(0xC0 | cp >> 6));
            out.push_back(static_cast<std::uint8_t>(0x80 | (cp & 0x3F)));
        } else if (cp < 0x10000) {
            out.push_back(static_cast<std::uint8_t>(0xE0 | cp >> 12));
            out.push_back(static_cast<std::uint8_t>(0x80 | (cp >> 6 & 0x3F)));
            out.push_back(static_cast<std::uint8_t>(0x80 | (cp & 0x3F)));
        } else {
            out.push_back(static_cast<std::uint8_t>(0xF0 | cp >> 18));
            out.push_back(static_cast<std::uint8_t>(0x80 | (cp >> 12 & 0x3F)));
            out.push_back(static_cast<std::uint8_t>(0x80 | (cp >> 6 & 0x3F)));
            out.push_back(static_cast<std::uint8_t>(0x80 | (cp & 0x3F)));
        }
    } else if (roll < valid_percent + (100 - valid_percent) / 2) {
        out.push_back(edges[rng() % std::size(edges)]);
    } else {
        out.push_back(static_cast<std::uint8_t>(rng() % 2 ? rng() % 0x80 : 0x80 + rng() % 0x40));
    }
}

TEST(Utf8Differential, RandomStringsAgreeWithReference) {
    std::mt19937_64 rng(20240611);
    int counts[3] = {0, 0, 0};
    for (int iter = 0; iter < 200000; ++iter) {
        bytes b;
        // One string in 20 is long and mostly valid, so feeds reach the simdjson path.
        const bool longer = iter % 20 == 0;
        const std::size_t pieces = longer ? 40 + rng() % 200 : rng() % 12;
        for (std::size_t k = 0; k < pieces; ++k)
            append_random_piece(b, rng, longer ? 99 : 40);
        const utf8_result want = reference_feed(b.data(), b.size());
        ++counts[static_cast<int>(want.status)];
        utf8_validator v;
        const utf8_result got = v.feed(b);
        ASSERT_TRUE(same(got, want)) << iter << ": " << show(got) << " vs " << show(want);
        ASSERT_TRUE(same(v.finish(), reference_finish(b))) << iter;
        ASSERT_EQ(is_valid_utf8(b), want.status == utf8_status::valid) << iter;
        std::vector<std::size_t> cuts = random_cuts(b.size(), rng, longer ? 4 : 3);
        ASSERT_TRUE(check_chunked(b, cuts)) << iter;
    }
    // The generator must produce all three outcomes in bulk, or the comparison proves little.
    EXPECT_GT(counts[0], 30000);
    EXPECT_GT(counts[1], 4000);
    EXPECT_GT(counts[2], 100000);
}

// ~4 KiB of text cycling through 1- to 4-byte code points, including the narrowed leads
// E0, ED, F0, F4. lead_of[i] / index_in[i] say which code point byte i belongs to.
struct mixed_text {
    bytes b;
    std::vector<std::uint8_t> lead_of;
    std::vector<std::uint8_t> index_in;
};

mixed_text make_mixed_text(std::size_t at_least) {
    static const char* pieces[] = {"41",       "c3a9",     "e282ac", "f09d849e", "e0a080", "ed9fbf",
                                   "f0908080", "f48fbfbf", "7a",     "dfbf",     "efbfbd"};
    mixed_text t;
    for (std::size_t k = 0; t.b.size() < at_least; ++k) {
        const bytes piece = from_hex(pieces[k % std::size(pieces)]);
        for (std::size_t j = 0; j < piece.size(); ++j) {
            t.b.push_back(piece[j]);
            t.lead_of.push_back(piece[0]);
            t.index_in.push_back(static_cast<std::uint8_t>(j));
        }
    }
    return t;
}

std::vector<std::size_t> injection_positions() {
    std::vector<std::size_t> at;
    for (std::size_t i = 0; i < 100; ++i)
        at.push_back(i);
    for (std::size_t i = 2048 - 40; i < 2048 + 40; ++i)
        at.push_back(i); // crosses 32*64
    return at;
}

// One feed() of the whole buffer: long enough to go through simdjson when it is available.
utf8_result feed_whole(const bytes& b) {
    utf8_validator v;
    return v.feed(b);
}

std::vector<std::size_t> every_n(std::size_t size, std::size_t n) {
    std::vector<std::size_t> cuts;
    for (std::size_t c = n; c < size; c += n)
        cuts.push_back(c);
    return cuts;
}

TEST(Utf8Simd, ReportsItsImplementation) {
    const std::string name = detail::utf8_implementation();
    EXPECT_TRUE(name == "scalar" || name == "avx2" || name == "avx512" ||
                (name.rfind("simdjson:", 0) == 0 && name.size() > 9))
        << name;
}

TEST(Utf8Simd, LongAsciiWithInjectedBytes) {
    const bytes ascii(4096, 'a');
    EXPECT_TRUE(is_valid_utf8(ascii));
    EXPECT_TRUE(check_chunked(ascii, every_n(ascii.size(), 100)));
    for (std::uint8_t bad : {0xFF, 0xC0, 0x80, 0xF5}) {
        for (std::size_t i : injection_positions()) {
            bytes b = ascii;
            b[i] = bad;
            const utf8_result r = feed_whole(b);
            ASSERT_EQ(r.status, utf8_status::invalid) << i;
            ASSERT_EQ(r.error_offset, i);
        }
    }
    bytes b = ascii;
    b[2047] = 0xE2; // a lead with ASCII after it: fails at the next byte
    EXPECT_EQ(feed_whole(b).error_offset, 2048u);
    EXPECT_TRUE(check_chunked(b, every_n(b.size(), 128)));
}

TEST(Utf8Simd, LongMixedTextWithInjectedBytes) {
    const mixed_text t = make_mixed_text(4096);
    ASSERT_GE(t.b.size(), 4096u);
    EXPECT_TRUE(is_valid_utf8(t.b));
    EXPECT_TRUE(check_chunked(t.b, every_n(t.b.size(), 67)));
    for (std::size_t i : injection_positions()) {
        SCOPED_TRACE(i);
        // FF and C0 are never valid anywhere: whether i held a lead or a continuation, the
        // failure is at i itself.
        for (std::uint8_t bad : {0xFF, 0xC0}) {
            bytes b = t.b;
            b[i] = bad;
            const utf8_result r = feed_whole(b);
            ASSERT_EQ(r.status, utf8_status::invalid);
            ASSERT_EQ(r.error_offset, i);
        }
        // 80 is a stray where a lead belongs, and out of range only as the first continuation
        // after E0 or F0; elsewhere it replaces one continuation with another and stays valid.
        bytes b = t.b;
        b[i] = 0x80;
        const bool breaks = t.index_in[i] == 0 ||
                            (t.index_in[i] == 1 && (t.lead_of[i] == 0xE0 || t.lead_of[i] == 0xF0));
        const utf8_result r = feed_whole(b);
        ASSERT_EQ(r.status, breaks ? utf8_status::invalid : utf8_status::valid);
        if (breaks) {
            ASSERT_EQ(r.error_offset, i);
        }
        ASSERT_TRUE(check_chunked(b, every_n(b.size(), 67)));
        ASSERT_TRUE(check_chunked(b, {i / 2, i + 1 < b.size() ? i + 1 : i}));
    }
}

TEST(Utf8Simd, ChunkBoundaryInsideACodePoint) {
    const bytes ascii100(100, 'x');
    auto with = [&](std::string_view middle) {
        bytes b = ascii100;
        const bytes m = from_hex(middle);
        b.insert(b.end(), m.begin(), m.end());
        b.insert(b.end(), ascii100.begin(), ascii100.end());
        return b;
    };
    struct split_case {
        const char* middle;
        std::size_t cut; // inside the middle sequence
        utf8_status status;
        std::size_t error_offset;
    };
    const split_case cases[] = {
        {"f09d849e", 101, utf8_status::valid, 0},     {"f09d849e", 102, utf8_status::valid, 0},
        {"f09d849e", 103, utf8_status::valid, 0},     {"e282ac", 101, utf8_status::valid, 0},
        {"e282ac", 102, utf8_status::valid, 0},       {"c3a9", 101, utf8_status::valid, 0},
        {"f0808080", 101, utf8_status::invalid, 101}, // overlong: second byte out of range
        {"f48fbf41", 103, utf8_status::invalid, 103}, // ASCII where the last byte belongs
        {"e080", 102, utf8_status::invalid, 101},     // bad byte in the held-back tail
        {"eda080", 101, utf8_status::invalid, 101},   // surrogate across the cut
        {"f4908080", 101, utf8_status::invalid, 101}, // U+110000 across the cut
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(std::string(c.middle) + " cut " + std::to_string(c.cut));
        const bytes b = with(c.middle);
        utf8_validator v;
        const utf8_result first = v.feed(std::span(b.data(), c.cut));
        const utf8_result second = v.feed(std::span(b).subspan(c.cut));
        EXPECT_EQ(second.status, c.status);
        if (c.status == utf8_status::invalid) {
            EXPECT_EQ(second.error_offset, c.error_offset);
            EXPECT_EQ(first.status == utf8_status::invalid, c.error_offset < c.cut);
        } else {
            EXPECT_EQ(first.status, utf8_status::incomplete);
        }
        EXPECT_TRUE(check_chunked(b, {c.cut}));
    }
}

} // namespace
} // namespace wsspec
