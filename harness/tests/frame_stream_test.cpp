// frame_stream produces a send step's frames a block at a time; whatever the block size, the
// bytes must be those the one-shot encoder writes for the same frames and keys.
#include <gtest/gtest.h>

#include "codec/frame_encoder.hpp"
#include "harness/catalog/frame_spec.hpp"
#include "harness/engine/frame_stream.hpp"
#include "harness/engine/session.hpp"

namespace wsspec::engine {
namespace {

// A session with no connection: only its key sequence is used.
struct keys {
    explicit keys(std::uint64_t seed) : s(nullptr, obs, options(seed)) {}
    static session_options options(std::uint64_t seed) {
        session_options o;
        o.seed = seed;
        return o;
    }
    observation obs;
    session s;
};

// The frames as write_frame() writes them, keys drawn in frame order from the same sequence.
std::vector<std::uint8_t> one_shot(const catalog::step_def& step, std::uint64_t seed) {
    keys k(seed);
    const auto payload = step.frame.data.materialize();
    std::vector<std::uint8_t> out;
    std::size_t pos = 0;
    do {
        const std::size_t n =
            step.fragment ? std::min(step.fragment, payload.size() - pos) : payload.size();
        const bool fin = step.fragment ? pos + n >= payload.size() : step.frame.fin;
        std::optional<mask_key> key;
        if (step.frame.mask == catalog::frame_def::mask_mode::automatic) key = k.s.automatic_mask();
        write_frame(out,
                    catalog::to_frame_spec(step.frame, pos == 0 ? step.frame.opcode : 0, fin, key),
                    std::span(payload).subspan(pos, n));
        pos += n;
    } while (pos < payload.size());
    return out;
}

std::vector<std::uint8_t> streamed(const catalog::step_def& step, std::uint64_t seed,
                                   std::size_t block) {
    keys k(seed);
    frame_stream fs(k.s, step);
    std::vector<std::uint8_t> out, buf(block);
    while (fs.next_frame()) {
        while (std::size_t n = fs.read(buf))
            out.insert(out.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
        EXPECT_TRUE(fs.frame_done());
    }
    return out;
}

catalog::step_def send(catalog::payload p, std::size_t fragment = 0) {
    catalog::step_def s;
    s.frame.opcode = 0x2;
    s.frame.data = std::move(p);
    s.fragment = fragment;
    return s;
}

TEST(FrameStream, SameBytesAsTheOneShotEncoderAtEveryBlockSize) {
    const std::vector<catalog::step_def> steps = {
        send(catalog::payload::pattern({0x00, 0xfe, 0x23, 0xfa, 0xf0}, 70000)),
        send(catalog::payload::pattern({'*'}, 1000), 64),
        send(catalog::payload::pattern({'B', 'A', 's', 'd'}, 130), 7),
        send(catalog::payload(catalog::bytes{})),
        send(catalog::payload(catalog::bytes{}), 16),
        send(catalog::payload(catalog::bytes{1, 2, 3, 4, 5})),
    };
    for (std::size_t i = 0; i < steps.size(); ++i) {
        const auto want = one_shot(steps[i], 42);
        for (std::size_t block : {1, 2, 3, 5, 13, 64, 4096, 65536})
            EXPECT_EQ(streamed(steps[i], 42, block), want) << "step " << i << ", block " << block;
    }
}

TEST(FrameStream, LiesAsTheCaseSays) {
    auto step = send(catalog::payload::pattern({'x'}, 300));
    step.frame.mask = catalog::frame_def::mask_mode::fixed;
    step.frame.key = {1, 2, 3, 4};
    step.frame.encoding = length_encoding::force_64;
    step.frame.declared_length = 100;
    step.frame.rsv = 5;
    step.frame.fin = false;
    const auto want = one_shot(step, 7);
    EXPECT_EQ(want.size(), 14u + 300u) << "64-bit length form, masked";
    for (std::size_t block : {1, 9, 1000})
        EXPECT_EQ(streamed(step, 7, block), want) << block;
}

} // namespace
} // namespace wsspec::engine
