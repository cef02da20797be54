#pragma once
// A send step's frames as bytes produced a block at a time: the header, then the payload
// generated from the case's description and masked on the way. A 16 MiB message never exists
// whole in wsspec, whatever the frame size it is sent in. A compressed message (RFC 7692) is
// compressed whole first: its frames carry the compressed bytes, RSV1 on the first.
#include <cstdint>
#include <optional>
#include <span>

#include "codec/frame_header.hpp"
#include "harness/catalog/case_model.hpp"

namespace wsspec::engine {

class session;

class frame_stream {
public:
    // Keys for frames whose mask is "auto" are drawn from `s` as each frame starts.
    frame_stream(session& s, const catalog::step_def& step);

    // Starts the next frame: the whole payload, or the next `fragment` bytes of it (the first
    // frame with the step's opcode, the rest continuations, FIN on the last). False when the
    // message is complete.
    bool next_frame();
    // The next bytes of the current frame, header first; 0 once it is all read.
    std::size_t read(std::span<std::uint8_t> out);
    // Header and payload bytes of the current frame.
    std::uint64_t frame_size() const noexcept { return header_size_ + length_; }
    bool frame_done() const noexcept { return read_ == frame_size(); }

private:
    session& s_;
    const catalog::step_def& step_;
    catalog::payload compressed_;  // the compressed message, when the step compresses
    const catalog::payload* body_; // what the frames carry: the step's payload or compressed_
    const std::uint64_t total_;
    bool started_ = false;
    std::uint64_t offset_ = 0; // of the current frame's payload in the message
    std::uint64_t length_ = 0; // of the current frame's payload
    std::uint64_t read_ = 0;   // bytes of the current frame read so far
    std::uint8_t header_[max_header_size]{};
    std::size_t header_size_ = 0;
    std::optional<mask_key> key_;
};

} // namespace wsspec::engine
