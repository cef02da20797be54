#pragma once
// What every parser benchmark, ours or a peer's, reports after one pass over a stream, so the
// setup can check that all of them delivered the same messages and the same payload bytes.
// Plain C++17: the websocketpp peer is compiled as C++17 (its 0.8.2 headers do not parse as
// C++20 with g++ 12).
#include <cstddef>
#include <cstdint>
#include <string>

namespace wsspec::bench {

// FNV-1a over the payload bytes in stream order: independent of how they were chunked, so a
// parser that drops, duplicates or fails to unmask a byte is caught.
struct payload_checksum {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    void add(const std::uint8_t* p, std::size_t n) noexcept {
        for (std::size_t i = 0; i < n; ++i)
            h = (h ^ p[i]) * 0x100000001b3ULL;
    }
};

struct tally {
    std::size_t frames = 0;   // only parsers that report frames count them
    std::size_t messages = 0; // complete data messages
    std::uint64_t payload_bytes = 0;
    payload_checksum sum; // filled on the verification pass only
    std::string error;    // empty when the stream parsed
};

} // namespace wsspec::bench
