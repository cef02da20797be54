#pragma once
// The messages a load connection sends, built once: `copies` identical masked frames back to
// back, so a batch of n messages is one write of n frames. Only the sequence number differs
// from one message to the next: payload bytes [0, min(size, 8)) carry it, one letter 'a'..'p'
// per 4 bits, low bits first, so a text payload stays ASCII and an echo that comes back out of
// order, twice or not at all is caught by the byte comparison.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "codec/frame_header.hpp"
#include "harness/load/load_client.hpp"

namespace wsspec::load::detail {

inline constexpr std::size_t sequence_bytes = 8;
// Frames of one batch share a write; larger batches are split, so a connection's send buffer
// stays small whatever the pipeline depth.
inline constexpr std::size_t batch_bytes = 256 * 1024;

// How many frames of `size` payload bytes a connection keeps ready, at pipeline depth `depth`.
inline unsigned frame_copies(std::size_t size, unsigned depth) noexcept {
    const std::size_t frame = size + max_header_size;
    const std::size_t fit = frame >= batch_bytes ? 1 : batch_bytes / frame;
    return static_cast<unsigned>(std::min<std::size_t>(std::max(depth, 1u), fit));
}

inline std::uint8_t sequence_char(std::uint64_t seq, std::size_t i) noexcept {
    return static_cast<std::uint8_t>('a' + ((seq >> (4 * i)) & 0xF));
}

// The payload every message starts from (before the sequence number is written into it).
std::vector<std::uint8_t> make_base_payload(std::size_t size, payload_type type);

class echo_frames {
public:
    echo_frames(std::span<const std::uint8_t> base, payload_type type, mask_key key,
                unsigned copies);

    std::size_t frame_size() const noexcept { return frame_size_; }
    unsigned copies() const noexcept { return copies_; }
    // Writes sequence numbers first, first+1, ... into the first n frames (n <= copies()) and
    // returns the bytes of those n frames.
    std::span<const std::uint8_t> prepare(std::uint64_t first, unsigned n) noexcept;

private:
    std::vector<std::uint8_t> buf_;
    std::size_t frame_size_ = 0;
    std::size_t header_size_ = 0;
    std::size_t seq_len_ = 0;
    mask_key key_{};
    unsigned copies_ = 0;
};

// Where `chunk`, found at payload offset `offset` of echo number `seq`, first differs from
// what was sent; chunk.size() when it matches. The caller checks offset + size <= base.size().
std::size_t find_mismatch(std::span<const std::uint8_t> chunk, std::size_t offset,
                          std::uint64_t seq, std::span<const std::uint8_t> base) noexcept;

} // namespace wsspec::load::detail
