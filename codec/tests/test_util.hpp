#pragma once
// Helpers shared by the codec tests: hex, chunkings, and transcripts that make any chunking of
// the same bytes comparable.
#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace wsspec::test {

inline std::vector<std::uint8_t> unhex(std::string_view s) {
    std::vector<std::uint8_t> out;
    int hi = -1;
    for (char c : s) {
        int v = (c >= '0' && c <= '9')   ? c - '0'
                : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                         : -1;
        if (v < 0) continue; // spaces separate bytes for readability
        if (hi < 0) {
            hi = v;
        } else {
            out.push_back(static_cast<std::uint8_t>(hi * 16 + v));
            hi = -1;
        }
    }
    return out;
}

inline std::string hex(const std::uint8_t* p, std::size_t n) {
    static const char* digits = "0123456789abcdef";
    std::string s;
    for (std::size_t i = 0; i < n; ++i) {
        s += digits[p[i] >> 4];
        s += digits[p[i] & 15];
    }
    return s;
}

template <class Range>
std::string hex(const Range& r) {
    return hex(reinterpret_cast<const std::uint8_t*>(std::data(r)), std::size(r));
}

// Chunk lengths that cover the input: whole, byte by byte, every two-way split, and a few
// seeded random chunkings. Each entry is a list of chunk sizes.
inline std::vector<std::vector<std::size_t>> chunkings(std::size_t n, unsigned random_runs = 4) {
    std::vector<std::vector<std::size_t>> out;
    out.push_back({n});
    if (n == 0) return out;
    out.push_back(std::vector<std::size_t>(n, 1));
    for (std::size_t k = 1; k < n; ++k)
        out.push_back({k, n - k});
    std::mt19937 rng(12345u + static_cast<unsigned>(n));
    for (unsigned r = 0; r < random_runs; ++r) {
        std::vector<std::size_t> c;
        std::size_t left = n;
        while (left) {
            std::size_t k =
                std::uniform_int_distribution<std::size_t>(1, std::min<std::size_t>(left, 7))(rng);
            c.push_back(k);
            left -= k;
        }
        out.push_back(c);
    }
    return out;
}

inline std::string describe_chunking(const std::vector<std::size_t>& c) {
    std::string s;
    for (auto k : c)
        s += std::to_string(k) + ",";
    return s;
}

} // namespace wsspec::test
