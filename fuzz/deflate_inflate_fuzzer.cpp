// permessage-deflate's inflater (RFC 7692 §7.2.2) fed hostile compressed payloads at arbitrary
// fragment boundaries, and the deflater's output fed back.
//
//   byte 0: window bits (9..15 from its low nibble), bit 4 context takeover, bits 5-7 a size
//           limit choice; byte 1: the split point, as a fraction of the rest; the rest: bytes
//
// Properties: inflating the bytes whole and in two pieces gives the same error (or none) and the
// same output; nothing past the limit reaches the sink; the bytes taken as a message, compressed
// and inflated across the split, come back unchanged, within any limit at least their size.
#include <vector>

#include "codec/deflate/message_deflate.hpp"
#include "fuzz/fuzz_util.hpp"

using namespace wsspec;
using namespace wsspec::deflate;

namespace {

struct run {
    inflate_error error = inflate_error::none;
    std::vector<std::uint8_t> out;
};

run inflate_in(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b, int bits,
               bool takeover, std::uint64_t limit) {
    inflater in(bits, takeover, limit);
    run r;
    auto sink = [&](std::span<const std::uint8_t> chunk) {
        r.out.insert(r.out.end(), chunk.begin(), chunk.end());
    };
    r.error = in.feed(a, sink);
    if (r.error == inflate_error::none) r.error = in.feed(b, sink);
    if (r.error == inflate_error::none) r.error = in.finish(sink);
    return r;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const int bits = 9 + (data[0] & 0x0f) % 7;
    const bool takeover = data[0] & 0x10;
    constexpr std::uint64_t limits[] = {0, 1, 16, 1024, 65536, 1 << 20, 16 << 20, 64 << 20};
    const std::uint64_t limit = limits[data[0] >> 5];
    const std::span<const std::uint8_t> rest(data + 2, size - 2);
    const std::size_t cut = rest.size() * data[1] / 255;

    const run whole = inflate_in(rest, {}, bits, takeover, limit);
    const run split = inflate_in(rest.first(cut), rest.subspan(cut), bits, takeover, limit);
    FUZZ_CHECK(whole.error == split.error, "whole: %s, split at %zu: %s",
               std::string(describe(whole.error)).c_str(), cut,
               std::string(describe(split.error)).c_str());
    FUZZ_CHECK(whole.out.size() <= limit && split.out.size() <= limit,
               "%zu / %zu bytes passed a limit of %llu", whole.out.size(), split.out.size(),
               static_cast<unsigned long long>(limit));
    if (whole.error == inflate_error::none)
        FUZZ_CHECK(whole.out == split.out, "the split changed the inflated message");

    std::vector<std::uint8_t> packed;
    deflater(bits, takeover).compress(rest, packed);
    const std::size_t pcut = packed.size() * data[1] / 255;
    const run back = inflate_in(std::span(packed).first(pcut), std::span(packed).subspan(pcut),
                                bits, takeover, std::max<std::uint64_t>(rest.size(), 1));
    FUZZ_CHECK(back.error == inflate_error::none, "own output does not inflate: %s",
               std::string(describe(back.error)).c_str());
    FUZZ_CHECK(std::equal(back.out.begin(), back.out.end(), rest.begin(), rest.end()),
               "compress then inflate changed %zu bytes", rest.size());
    return 0;
}
