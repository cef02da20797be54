// encode/<masked|unmasked>/<size>: the strict encoder (encode_frame) writing the frames of a
// stream back to back: header, and the payload copied (and masked, for a client's frames).
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "bench/inputs.hpp"
#include "bench/measure.hpp"
#include "codec/frame_encoder.hpp"

namespace wsspec::bench {
namespace {

void bm_encode(benchmark::State& state, bool masked, std::size_t size) {
    // The stream the parse benchmarks read has exactly the frames written here.
    const frame_stream& s =
        message_stream(masked ? role::server : role::client, payload_kind::binary, size);
    const std::vector<std::uint8_t> payload = make_payload(payload_kind::binary, size, 0);
    std::vector<std::uint8_t> out(s.wire.size());
    frame_options f;
    f.op = opcode::binary;
    if (masked) f.mask = mask_key{0x37, 0xfa, 0x21, 0x3d};
    auto pass = [&] {
        std::size_t at = 0;
        for (std::size_t i = 0; i < s.frames; ++i) {
            const encode_result r =
                encode_frame(f, payload, std::span<std::uint8_t>(out).subspan(at));
            if (r.error != codec_error::none) return std::size_t{0};
            at += r.size;
        }
        return at;
    };
    if (pass() != s.wire.size()) {
        fail(state, "encoded size differs from the stream's");
        return;
    }
    for (auto _ : state) {
        benchmark::DoNotOptimize(pass());
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * s.payload_bytes));
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * s.frames));
}

[[maybe_unused]] const bool registered = [] {
    for (bool masked : {true, false})
        for (std::size_t size : payload_sizes)
            benchmark::RegisterBenchmark(
                (std::string("encode/") + (masked ? "masked/" : "unmasked/") + std::to_string(size))
                    .c_str(),
                bm_encode, masked, size);
    return true;
}();

} // namespace
} // namespace wsspec::bench
