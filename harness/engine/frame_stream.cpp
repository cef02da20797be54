#include "harness/engine/frame_stream.hpp"

#include <algorithm>
#include <cstring>

#include "codec/frame_encoder.hpp"
#include "codec/mask.hpp"
#include "harness/catalog/frame_spec.hpp"
#include "harness/engine/compressed_cache.hpp"
#include "harness/engine/session.hpp"

namespace wsspec::engine {

namespace {

// The payload as the frames carry it: compressed (RFC 7692 §7.2.1) when the step asks and the
// session negotiated permessage-deflate.
catalog::payload compressed_form(session& s, const catalog::step_def& step) {
    if (!step.frame.compressed || !s.deflater()) return {};
    auto bytes = compressed_cache::shared().compress(step.frame.data, *s.deflater());
    s.sent_compressed(bytes);
    return catalog::payload(*bytes);
}

} // namespace

frame_stream::frame_stream(session& s, const catalog::step_def& step)
    : s_(s), step_(step), compressed_(compressed_form(s, step)),
      body_(step.frame.compressed && s.deflater() ? &compressed_ : &step.frame.data),
      total_(body_->size()) {}

bool frame_stream::next_frame() {
    if (started_) {
        offset_ += length_;
        if (offset_ >= total_) return false;
    }
    started_ = true;
    const auto& f = step_.frame;
    length_ = step_.fragment ? std::min<std::uint64_t>(step_.fragment, total_ - offset_) : total_;
    const bool fin = step_.fragment ? offset_ + length_ >= total_ : f.fin;
    // A key is drawn only for a frame whose mask is "auto": the run's key sequence stays what
    // it was for cases with fixed or no masks.
    std::optional<mask_key> key;
    if (f.mask == catalog::frame_def::mask_mode::automatic) key = s_.automatic_mask();
    auto spec = catalog::to_frame_spec(f, offset_ == 0 ? f.opcode : 0x0, fin, key);
    // RFC 7692 §6: the "Per-Message Compressed" bit on the first frame only.
    if (body_ == &compressed_ && offset_ == 0) spec.rsv |= 0x4;
    header_size_ = write_frame_header(spec, length_, header_);
    // The message's own bytes: all of a compressed one with its first frame, else this frame's.
    const std::uint64_t message =
        body_ == &compressed_ ? (offset_ == 0 ? step_.frame.data.size() : 0) : length_;
    s_.count_sent_frame(spec.opcode_nibble, length_, message, fin);
    key_ = spec.mask;
    read_ = 0;
    return true;
}

std::size_t frame_stream::read(std::span<std::uint8_t> out) {
    std::size_t n = 0;
    if (read_ < header_size_) {
        n = std::min(out.size(), header_size_ - static_cast<std::size_t>(read_));
        std::memcpy(out.data(), header_ + read_, n);
        read_ += n;
    }
    const std::uint64_t at = read_ - std::min<std::uint64_t>(read_, header_size_);
    if (read_ < header_size_ || at >= length_) return n;
    auto body = out.subspan(
        n, static_cast<std::size_t>(std::min<std::uint64_t>(out.size() - n, length_ - at)));
    body_->generate(offset_ + at, body);
    if (key_) apply_mask(body, *key_, static_cast<std::size_t>(at % 4));
    read_ += body.size();
    return n + body.size();
}

} // namespace wsspec::engine
