// frame_parser in both roles, with any negotiated RSV bits, a small frame limit and any lenient
// rules (frame_config.hpp), against the plain whole-stream reference in frame_streams.hpp. The
// stream is parsed whole, in reads picked by the chunk seed, byte by byte (short streams), through
// the one-step small-frame path, and again after reset(); every run must give the reference's
// frames, payloads and error offset.
#include "fuzz/frame_config.hpp"
#include "fuzz/frame_streams.hpp"

using namespace wsspec;
using namespace wsspec::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    byte_reader in(data, size);
    const frame_config cfg = frame_config::read(in);
    const auto stream = in.rest();
    const parser_options opt = cfg.parser();

    const frame_transcript want = reference_frames(stream, opt);

    frame_parser whole(opt);
    expect_same(want, parse_in_chunks(whole, stream, {stream.size()}), "whole");

    frame_parser chunked(opt);
    expect_same(want, parse_in_chunks(chunked, stream, chunk_sizes(stream.size(), cfg.chunk_seed)),
                "chunked");

    if (stream.size() <= 1024) {
        frame_parser bytes(opt);
        expect_same(want, parse_in_chunks(bytes, stream, byte_by_byte(stream.size())),
                    "byte by byte");
    }

    // The one-step path for whole small frames (take_small_frame) before each feed().
    frame_parser small(opt);
    expect_same(want, parse_in_chunks(small, stream, {stream.size()}, true), "small frames");
    frame_parser small_chunked(opt);
    expect_same(
        want,
        parse_in_chunks(small_chunked, stream, chunk_sizes(stream.size(), cfg.chunk_seed), true),
        "small frames, chunked");

    // reset() gives a fresh parser with the same options.
    chunked.reset();
    FUZZ_CHECK(chunked.offset() == 0 && chunked.error() == codec_error::none &&
                   chunked.remaining() == 0,
               "reset() left state behind");
    expect_same(want, parse_in_chunks(chunked, stream, {stream.size()}), "after reset");
    return 0;
}
