#include "harness/load/detail/echo_frames.hpp"

#include <algorithm>
#include <cstring>

#include "codec/frame_encoder.hpp"
#include "codec/mask.hpp"

namespace wsspec::load::detail {

std::vector<std::uint8_t> make_base_payload(std::size_t size, payload_type type) {
    static constexpr char letters[] = "The quick brown fox jumps over the lazy dog 0123456789. ";
    std::vector<std::uint8_t> p(size);
    for (std::size_t i = 0; i < size; ++i)
        p[i] = type == payload_type::text
                   ? static_cast<std::uint8_t>(letters[i % (sizeof letters - 1)])
                   : static_cast<std::uint8_t>((i * 167 + 13) >> 1);
    for (std::size_t i = 0; i < std::min(size, sequence_bytes); ++i)
        p[i] = sequence_char(0, i);
    return p;
}

echo_frames::echo_frames(std::span<const std::uint8_t> base, payload_type type, mask_key key,
                         unsigned copies)
    : frame_size_(encoded_size(base.size(), true)),
      header_size_(header_size_for(base.size(), true)),
      seq_len_(std::min(base.size(), sequence_bytes)), key_(key), copies_(std::max(copies, 1u)) {
    buf_.resize(frame_size_ * copies_);
    const frame_options f{.op = type == payload_type::text ? opcode::text : opcode::binary,
                          .mask = key};
    encode_frame(f, base, std::span<std::uint8_t>(buf_.data(), frame_size_));
    for (unsigned i = 1; i < copies_; ++i)
        std::memcpy(buf_.data() + i * frame_size_, buf_.data(), frame_size_);
}

std::span<const std::uint8_t> echo_frames::prepare(std::uint64_t first, unsigned n) noexcept {
    for (unsigned i = 0; i < n; ++i) {
        std::uint8_t* payload = buf_.data() + i * frame_size_ + header_size_;
        for (std::size_t j = 0; j < seq_len_; ++j)
            payload[j] = sequence_char(first + i, j) ^ key_[j % 4];
    }
    return {buf_.data(), n * frame_size_};
}

std::size_t find_mismatch(std::span<const std::uint8_t> chunk, std::size_t offset,
                          std::uint64_t seq, std::span<const std::uint8_t> base) noexcept {
    std::size_t i = 0;
    const std::size_t seq_len = std::min(base.size(), sequence_bytes);
    for (; i < chunk.size() && offset + i < seq_len; ++i)
        if (chunk[i] != sequence_char(seq, offset + i)) return i;
    if (i == chunk.size()) return i;
    if (std::memcmp(chunk.data() + i, base.data() + offset + i, chunk.size() - i) == 0)
        return chunk.size();
    for (; i < chunk.size(); ++i)
        if (chunk[i] != base[offset + i]) return i;
    return chunk.size();
}

} // namespace wsspec::load::detail
