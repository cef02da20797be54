#include "codec/mask.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace wsspec {
namespace {

struct named_impl {
    const char* name;
    detail::mask_fn fn;
};

// Every implementation this CPU can run, the oracle included so it is checked against §5.7.
std::vector<named_impl> implementations() {
    std::vector<named_impl> v{{"bytewise", detail::mask_bytewise}, {"scalar", detail::mask_scalar}};
    if (auto f = detail::mask_sse2()) v.push_back({"sse2", f});
    if (auto f = detail::mask_avx2()) v.push_back({"avx2", f});
    return v;
}

// apply_mask through the dispatcher, shaped like the other implementations.
std::size_t dispatched(std::uint8_t* data, std::size_t n, mask_key key, std::size_t phase) {
    return apply_mask({data, n}, key, phase);
}

std::vector<std::uint8_t> random_bytes(std::mt19937& rng, std::size_t n) {
    std::vector<std::uint8_t> v(n);
    for (auto& b : v)
        b = static_cast<std::uint8_t>(rng());
    return v;
}

mask_key random_key(std::mt19937& rng) {
    const std::uint32_t k = static_cast<std::uint32_t>(rng());
    return {static_cast<std::uint8_t>(k), static_cast<std::uint8_t>(k >> 8),
            static_cast<std::uint8_t>(k >> 16), static_cast<std::uint8_t>(k >> 24)};
}

// 0..300 covers every tail and block remainder of the 8/16/32/64/128-byte loops; the rest sit
// around the sizes where frame payloads often end.
std::vector<std::size_t> test_lengths() {
    std::vector<std::size_t> v;
    for (std::size_t n = 0; n <= 300; ++n)
        v.push_back(n);
    for (std::size_t base : {std::size_t{4096}, std::size_t{65536}})
        for (std::size_t d : {0, 1, 2, 3, 4, 5, 15, 16, 17, 31, 33, 127})
            v.insert(v.end(), {base - d, base + d});
    return v;
}

bool all_equal(const std::uint8_t* p, std::size_t n, std::uint8_t value) {
    return std::all_of(p, p + n, [value](std::uint8_t b) { return b == value; });
}

// Runs `fn` on every length, phase and start misalignment, and compares it with the bytewise
// oracle; the bytes around the slice must stay untouched.
void check_against_oracle(const char* name, detail::mask_fn fn, std::uint32_t seed) {
    constexpr std::size_t max_offset = 32;
    constexpr std::size_t guard = 64;
    constexpr std::uint8_t guard_byte = 0xA5;
    std::mt19937 rng(seed);
    std::vector<std::uint8_t> buf;
    for (std::size_t n : test_lengths()) {
        const auto input = random_bytes(rng, n);
        buf.assign(max_offset + n + guard, guard_byte);
        for (std::size_t phase = 0; phase < 4; ++phase) {
            const mask_key key = random_key(rng);
            std::vector<std::uint8_t> expected = input;
            const std::size_t expected_phase =
                detail::mask_bytewise(expected.data(), n, key, phase);
            ASSERT_EQ(expected_phase, (phase + n) % 4);
            // Large lengths are slow under sanitizers; a spread of offsets covers them.
            const std::size_t offset_step = n > 1000 ? 7 : 1;
            for (std::size_t offset = 0; offset < max_offset; offset += offset_step) {
                std::uint8_t* slice = buf.data() + offset;
                if (n != 0) std::memcpy(slice, input.data(), n);
                const std::size_t got_phase = fn(slice, n, key, phase);
                ASSERT_EQ(got_phase, expected_phase) << name << " n=" << n << " phase=" << phase;
                ASSERT_TRUE(n == 0 || std::memcmp(slice, expected.data(), n) == 0)
                    << name << " n=" << n << " phase=" << phase << " offset=" << offset;
                ASSERT_TRUE(all_equal(buf.data(), offset, guard_byte))
                    << name << " wrote before the slice, n=" << n << " offset=" << offset;
                ASSERT_TRUE(all_equal(slice + n, buf.size() - offset - n, guard_byte))
                    << name << " wrote past the slice, n=" << n << " offset=" << offset;
                std::fill(buf.begin(), buf.end(), guard_byte);
            }
        }
    }
}

TEST(MaskRfc, HelloExampleFromSection5_7) {
    // RFC 6455 §5.7: "A single-frame masked text message ... 0x81 0x85 0x37 0xfa 0x21 0x3d
    // 0x7f 0x9f 0x4d 0x51 0x58 (contains "Hello")".
    const mask_key key{0x37, 0xfa, 0x21, 0x3d};
    const std::vector<std::uint8_t> masked{0x7f, 0x9f, 0x4d, 0x51, 0x58};
    for (const auto& impl : implementations()) {
        std::vector<std::uint8_t> data{'H', 'e', 'l', 'l', 'o'};
        EXPECT_EQ(impl.fn(data.data(), data.size(), key, 0), 1u) << impl.name;
        EXPECT_EQ(data, masked) << impl.name;
    }
    std::vector<std::uint8_t> data{'H', 'e', 'l', 'l', 'o'};
    EXPECT_EQ(apply_mask(data, key), 1u);
    EXPECT_EQ(data, masked);
}

TEST(MaskRfc, PhaseSelectsTheFirstKeyOctet) {
    const mask_key key{0x01, 0x02, 0x04, 0x08};
    std::vector<std::uint8_t> data(6, 0);
    EXPECT_EQ(apply_mask(data, key, 2), 0u); // (2 + 6) % 4
    EXPECT_EQ(data, (std::vector<std::uint8_t>{0x04, 0x08, 0x01, 0x02, 0x04, 0x08}));
    // Phases beyond 3 count modulo 4, as octet indexes do in §5.3.
    std::vector<std::uint8_t> data2(3, 0);
    EXPECT_EQ(apply_mask(data2, key, 7), 2u);
    EXPECT_EQ(data2, (std::vector<std::uint8_t>{0x08, 0x01, 0x02}));
    // An empty buffer leaves the phase as it was.
    EXPECT_EQ(apply_mask({}, key, 3), 3u);
}

TEST(MaskImplementations, MatchBytewiseOracle) {
    for (const auto& impl : implementations()) {
        SCOPED_TRACE(impl.name);
        check_against_oracle(impl.name, impl.fn, 6455);
    }
}

TEST(MaskImplementations, DispatchedMatchesBytewiseOracle) {
    check_against_oracle("apply_mask", dispatched, 1000);
}

TEST(MaskImplementations, NameIsKnownAndBestAvailable) {
    const std::string name = detail::mask_implementation();
    EXPECT_TRUE(name == "scalar" || name == "sse2" || name == "avx2") << name;
    // Without a forced choice the dispatcher must pick the widest kernel the CPU runs.
    if (std::getenv("WSSPEC_MASK_IMPL") == nullptr) {
        const char* best = detail::mask_avx2() ? "avx2" : detail::mask_sse2() ? "sse2" : "scalar";
        EXPECT_EQ(name, best);
    }
#if defined(__x86_64__)
    EXPECT_NE(detail::mask_sse2(), nullptr); // SSE2 is x86-64 baseline
#endif
}

TEST(MaskProperties, ApplyingTwiceIsIdentity) {
    std::mt19937 rng(42);
    for (std::size_t n : {0u, 1u, 3u, 17u, 64u, 129u, 1000u, 4099u}) {
        const auto input = random_bytes(rng, n);
        for (const auto& impl : implementations()) {
            for (std::size_t phase = 0; phase < 4; ++phase) {
                const mask_key key = random_key(rng);
                auto data = input;
                impl.fn(data.data(), n, key, phase);
                if (n >= 8 && key != mask_key{}) {
                    EXPECT_NE(data, input) << impl.name;
                }
                impl.fn(data.data(), n, key, phase);
                EXPECT_EQ(data, input) << impl.name << " n=" << n << " phase=" << phase;
            }
        }
    }
}

TEST(MaskProperties, PiecewiseWithReturnedPhaseEqualsOneCall) {
    std::mt19937 rng(7);
    for (int round = 0; round < 200; ++round) {
        const std::size_t n = rng() % 2000;
        const auto input = random_bytes(rng, n);
        const mask_key key = random_key(rng);
        const std::size_t start_phase = rng() % 4;

        auto whole = input;
        const std::size_t whole_phase = apply_mask(whole, key, start_phase);

        for (const auto& impl : implementations()) {
            auto pieces = input;
            std::size_t phase = start_phase;
            std::size_t pos = 0;
            while (pos < n) {
                // Mostly short pieces so odd phases occur often, sometimes long SIMD runs.
                const std::size_t cap = rng() % 4 == 0 ? 300 : 9;
                const std::size_t len = std::min(n - pos, std::size_t{rng() % (cap + 1)});
                phase = impl.fn(pieces.data() + pos, len, key, phase);
                pos += len;
            }
            EXPECT_EQ(phase, whole_phase) << impl.name;
            EXPECT_EQ(pieces, whole) << impl.name << " n=" << n;
        }
    }
}

TEST(MaskCopy, EqualsCopyThenApplyMask) {
    std::mt19937 rng(99);
    for (std::size_t n : test_lengths()) {
        const auto input = random_bytes(rng, n);
        for (std::size_t phase = 0; phase < 4; ++phase) {
            const mask_key key = random_key(rng);
            auto expected = input;
            const std::size_t expected_phase =
                detail::mask_bytewise(expected.data(), n, key, phase);

            const std::size_t src_offset = rng() % 32;
            const std::size_t dst_offset = rng() % 32;
            std::vector<std::uint8_t> src(32 + n);
            std::copy(input.begin(), input.end(), src.begin() + src_offset);
            std::vector<std::uint8_t> dst(32 + n + 16, 0xEE);
            const std::size_t got_phase =
                copy_masked(std::span<const std::uint8_t>(src.data() + src_offset, n),
                            dst.data() + dst_offset, key, phase);
            ASSERT_EQ(got_phase, expected_phase) << "n=" << n;
            ASSERT_TRUE(std::equal(expected.begin(), expected.end(), dst.begin() + dst_offset))
                << "n=" << n << " phase=" << phase;
            ASSERT_TRUE(std::all_of(dst.begin() + dst_offset + n, dst.end(),
                                    [](std::uint8_t b) { return b == 0xEE; }))
                << "copy_masked wrote past dst, n=" << n;
            // The source is read-only.
            ASSERT_TRUE(std::equal(input.begin(), input.end(), src.begin() + src_offset));
        }
    }
}

TEST(MaskCopy, HelloExample) {
    const std::uint8_t hello[] = {'H', 'e', 'l', 'l', 'o'};
    std::uint8_t out[5] = {};
    EXPECT_EQ(copy_masked(hello, out, {0x37, 0xfa, 0x21, 0x3d}), 1u);
    const std::uint8_t masked[] = {0x7f, 0x9f, 0x4d, 0x51, 0x58};
    EXPECT_EQ(std::memcmp(out, masked, 5), 0);
}

} // namespace
} // namespace wsspec
