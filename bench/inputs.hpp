#pragma once
// The byte streams every parser benchmark reads, ours and the peers' alike: built once per
// process from a fixed seed, so all of them parse exactly the same bytes in the same run.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "bench/checksum.hpp"
#include "codec/frame_header.hpp"

namespace wsspec::bench {

enum class payload_kind : std::uint8_t {
    binary, // pseudo-random bytes
    ascii,  // printable ASCII words
    mixed,  // ASCII words with a 2- or 3-byte character about every 30 bytes
    cjk,    // 3-byte CJK ideographs (U+4E00..U+9FFF), padded with ASCII to the exact size
};

// Payload bytes per stream: 1 MiB, so a pass is long enough to time and short enough to stay
// in the last-level cache. WSSPEC_BENCH_STREAM_BYTES makes it smaller for the smoke test, which
// runs every benchmark once in a Debug build.
std::uint64_t stream_bytes() noexcept;

const char* kind_name(payload_kind k) noexcept;
// The parsing side: "server" reads masked client frames, "client" reads unmasked ones.
const char* role_name(role r) noexcept;

// Length-encoding edges (§5.2: 125 is the last 7-bit length, 126 the first 16-bit one) and
// the sizes users ask about.
inline constexpr std::size_t payload_sizes[] = {0, 16, 125, 126, 1024, 64 * 1024, 1024 * 1024};
inline constexpr payload_kind text_kinds[] = {payload_kind::ascii, payload_kind::mixed,
                                              payload_kind::cjk};
// Bytes handed to the parser per call: 0 = the whole stream at once, then one Ethernet MTU's
// worth and a typical socket read.
inline constexpr std::size_t read_sizes[] = {0, 1500, 16 * 1024};
std::string read_name(std::size_t read_size);

// Fragmented messages for the assembler: message size and frames per message.
struct fragmentation {
    std::size_t size;
    std::size_t fragments;
};
inline constexpr fragmentation fragmentations[] = {{1024, 4}, {64 * 1024, 16}, {1024 * 1024, 64}};

// Name parts shared by ours and the peers' benchmarks, so the table script can pair them:
// "server/binary/16/whole" and "server/mixed/65536x16/1500".
std::string stream_name(role r, payload_kind k, std::size_t size, std::size_t read_size);
std::string fragmented_name(role r, payload_kind k, fragmentation f, std::size_t read_size);

// Exactly `size` bytes of the given kind (text kinds are valid UTF-8).
std::vector<std::uint8_t> make_payload(payload_kind k, std::size_t size, std::uint64_t seed);

struct frame_stream {
    std::vector<std::uint8_t> wire; // as the parsing role receives it: masked for role::server
    std::size_t frames = 0;
    std::size_t messages = 0;
    std::size_t message_size = 0;
    std::uint64_t payload_bytes = 0;
    std::uint64_t checksum = 0; // payload_checksum of the unmasked payloads, in order
    bool text = false;
};

// Messages of `size` bytes, one frame each: about 1 MiB of payload, at most 16384 frames.
// Built on first use and kept for the life of the process.
const frame_stream& message_stream(role parser_role, payload_kind k, std::size_t size);
// Messages of `size` bytes, each split into `fragments` frames; cuts may fall inside a UTF-8
// sequence (§5.6 allows it).
const frame_stream& fragmented_stream(role parser_role, payload_kind k, std::size_t size,
                                      std::size_t fragments);

// Copies the stream into `buf` one read at a time, as recv() would, and hands each read to
// `on_read`; stops early when it returns false. `buf` must hold max(read_size, whole stream).
template <class F>
bool for_each_read(const frame_stream& s, std::size_t read_size, std::vector<std::uint8_t>& buf,
                   F&& on_read) {
    const std::size_t total = s.wire.size();
    const std::size_t step = read_size == 0 ? total : read_size;
    for (std::size_t off = 0; off < total; off += step) {
        const std::size_t n = total - off < step ? total - off : step;
        std::memcpy(buf.data(), s.wire.data() + off, n);
        if (!on_read(std::span<std::uint8_t>(buf.data(), n))) return false;
    }
    return true;
}

inline std::size_t read_buffer_size(const frame_stream& s, std::size_t read_size) {
    return read_size == 0 ? s.wire.size() : read_size;
}

} // namespace wsspec::bench
