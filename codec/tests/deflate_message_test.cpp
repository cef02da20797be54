// permessage-deflate's payload transformation (RFC 7692 §7.2): the examples of §7.2.3 as
// literal bytes, every split point of the compressed payload, context takeover on and off,
// window bits, the size limit that stops a bomb, and invalid data.
#include <gtest/gtest.h>

#include <string>

#include "codec/deflate/message_deflate.hpp"

namespace wsspec::deflate {
namespace {

using bytes = std::vector<std::uint8_t>;

bytes of(std::string_view s) {
    return {s.begin(), s.end()};
}

// Inflates one message fed in the given pieces; the error, if any, and the output.
std::pair<inflate_error, bytes> inflate_pieces(inflater& in, const std::vector<bytes>& pieces) {
    bytes out;
    auto sink = [&](std::span<const std::uint8_t> b) { out.insert(out.end(), b.begin(), b.end()); };
    for (const auto& p : pieces)
        if (auto e = in.feed(p, sink); e != inflate_error::none) return {e, out};
    return {in.finish(sink), out};
}

std::pair<inflate_error, bytes> inflate_whole(inflater& in, const bytes& compressed) {
    return inflate_pieces(in, {compressed});
}

// Text with repeats near and far, so both the window and the split points matter.
bytes sample(std::size_t n) {
    bytes b;
    std::uint32_t x = 12345;
    while (b.size() < n) {
        x = x * 1103515245 + 12345;
        const char* words[] = {"Faust ",  "Mephisto ", "Gretchen ",
                               "Wagner ", "\n",        "Habe nun, ach! "};
        std::string_view w = words[(x >> 16) % 6];
        b.insert(b.end(), w.begin(), w.end());
    }
    b.resize(n);
    return b;
}

// §7.2.3.1: "Hello" in one compressed DEFLATE block.
const bytes hello_block = {0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00};

TEST(DeflateMessage, Rfc7692Examples) {
    {
        inflater in(15, true, 1 << 20);
        EXPECT_EQ(inflate_whole(in, hello_block), std::make_pair(inflate_error::none, of("Hello")));
        // §7.2.3.2: the second "Hello" refers to the first through the shared window.
        EXPECT_EQ(inflate_whole(in, {0xf2, 0x00, 0x11, 0x00, 0x00}),
                  std::make_pair(inflate_error::none, of("Hello")));
    }
    {
        // §7.2.3.1, fragmented: the payload split across two frames.
        inflater in(15, true, 1 << 20);
        EXPECT_EQ(inflate_pieces(in, {{0xf2, 0x48, 0xcd}, {0xc9, 0xc9, 0x07, 0x00}}),
                  std::make_pair(inflate_error::none, of("Hello")));
    }
    for (const bytes& form : {
             // §7.2.3.3: a DEFLATE block with no compression.
             bytes{0x00, 0x05, 0x00, 0xfa, 0xff, 0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x00},
             // §7.2.3.4: a block with BFINAL set.
             bytes{0xf3, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x00},
             // §7.2.3.5: two DEFLATE blocks in one message.
             bytes{0xf2, 0x48, 0x05, 0x00, 0x00, 0x00, 0xff, 0xff, 0xca, 0xc9, 0xc9, 0x07, 0x00},
         }) {
        inflater in(15, false, 1 << 20);
        EXPECT_EQ(inflate_whole(in, form), std::make_pair(inflate_error::none, of("Hello")));
    }
    {
        // §7.2.3.6: 0x00, an empty block with no compression minus its tail, is an empty
        // message, and an empty last fragment after a fragment that kept its tail.
        inflater in(15, true, 1 << 20);
        EXPECT_EQ(inflate_whole(in, {0x00}), std::make_pair(inflate_error::none, bytes{}));
        bytes with_tail = hello_block;
        with_tail.insert(with_tail.end(), {0x00, 0x00, 0xff, 0xff});
        EXPECT_EQ(inflate_pieces(in, {with_tail, {0x00}}),
                  std::make_pair(inflate_error::none, of("Hello")));
    }
}

TEST(DeflateMessage, CompressesHelloAsTheRfcShows) {
    deflater d(15, true);
    bytes out;
    d.compress(of("Hello"), out);
    EXPECT_EQ(out, hello_block);
    bytes empty;
    deflater e(15, false);
    e.compress({}, empty);
    EXPECT_EQ(empty, bytes{0x00}) << "an empty message: one empty stored block, minus its tail";
}

TEST(DeflateMessage, EverySplitPointGivesTheSameMessage) {
    const bytes message = sample(3000);
    bytes compressed;
    deflater(15, false).compress(message, compressed);
    for (std::size_t cut = 0; cut <= compressed.size(); ++cut) {
        inflater in(15, false, 1 << 20);
        bytes a(compressed.begin(), compressed.begin() + static_cast<std::ptrdiff_t>(cut));
        bytes b(compressed.begin() + static_cast<std::ptrdiff_t>(cut), compressed.end());
        ASSERT_EQ(inflate_pieces(in, {a, b}), std::make_pair(inflate_error::none, message))
            << "cut at " << cut;
    }
    for (std::size_t frag : {1, 2, 7, 64, 1000}) {
        inflater in(15, false, 1 << 20);
        std::vector<bytes> pieces;
        for (std::size_t at = 0; at < compressed.size(); at += frag)
            pieces.emplace_back(compressed.begin() + static_cast<std::ptrdiff_t>(at),
                                compressed.begin() + static_cast<std::ptrdiff_t>(
                                                         std::min(compressed.size(), at + frag)));
        EXPECT_EQ(inflate_pieces(in, pieces), std::make_pair(inflate_error::none, message))
            << "fragments of " << frag;
    }
}

TEST(DeflateMessage, ContextTakeoverCarriesTheWindowAndItsAbsenceDoesNot) {
    const bytes message = sample(2000);
    for (bool takeover : {true, false}) {
        deflater d(15, takeover, -1);
        bytes first, second;
        d.compress(message, first);
        d.compress(message, second);
        if (takeover)
            EXPECT_LT(second.size(), first.size() / 4) << "the repeat refers to the last message";
        else
            EXPECT_EQ(second, first) << "every message starts from an empty window";
        inflater in(15, takeover, 1 << 20);
        EXPECT_EQ(inflate_whole(in, first), std::make_pair(inflate_error::none, message));
        EXPECT_EQ(inflate_whole(in, second), std::make_pair(inflate_error::none, message));
    }
    // A receiver that resets its window cannot read a message that refers to the last one: a
    // peer that promised no context takeover and kept it is caught.
    deflater d(15, true);
    bytes first, second;
    d.compress(message, first);
    d.compress(message, second);
    inflater strict(15, false, 1 << 20);
    EXPECT_EQ(inflate_whole(strict, first).first, inflate_error::none);
    EXPECT_EQ(inflate_whole(strict, second).first, inflate_error::invalid_data);
}

// zlib does not check a peer's distances against the window it promised (a match may reach
// back into output it still holds), so a peer that exceeds its window is not claimed to be
// caught; what is checked is that each negotiated size reads what it must.
TEST(DeflateMessage, EachWindowSizeReadsWhatItsCompressorWrites) {
    // 600 random bytes, then the same 600 again: the match reaches back 600 bytes, past a
    // 512-byte (9-bit) window.
    bytes message;
    std::uint32_t x = 7;
    for (int i = 0; i < 600; ++i) {
        x = x * 1103515245 + 12345;
        message.push_back(static_cast<std::uint8_t>(x >> 24));
    }
    message.insert(message.end(), message.begin(), message.end());
    bytes wide, narrow;
    deflater(15, false).compress(message, wide);
    deflater(9, false).compress(message, narrow);
    EXPECT_LT(wide.size(), narrow.size()) << "only the 15-bit window reaches the repeat";
    inflater in9(9, false, 1 << 20);
    EXPECT_EQ(inflate_whole(in9, narrow), std::make_pair(inflate_error::none, message));
    inflater in15(15, false, 1 << 20);
    EXPECT_EQ(inflate_whole(in15, narrow), std::make_pair(inflate_error::none, message));
    inflater in8(8, false, 1 << 20);
    EXPECT_EQ(inflate_whole(in8, narrow).first, inflate_error::none) << "8 inflates as 9";
}

TEST(DeflateMessage, ABombStopsAtTheLimit) {
    const bytes zeros(16 << 20, 0);
    bytes compressed;
    deflater(15, false, 9).compress(zeros, compressed); // a bomb is made at the best ratio
    EXPECT_LT(compressed.size(), 20000u);
    inflater in(15, false, 1 << 20);
    std::uint64_t delivered = 0;
    auto e = in.feed(compressed, [&](std::span<const std::uint8_t> b) { delivered += b.size(); });
    EXPECT_EQ(e, inflate_error::too_large);
    EXPECT_LE(delivered, 1u << 20) << "nothing past the limit reaches the sink";
}

TEST(DeflateMessage, InvalidDataIsAnError) {
    inflater in(15, false, 1 << 20);
    EXPECT_EQ(inflate_whole(in, {0xff, 0xff, 0xff, 0xff, 0xff}).first, inflate_error::invalid_data);
    EXPECT_NE(describe(inflate_error::invalid_data).find("DEFLATE"), std::string_view::npos);
}

} // namespace
} // namespace wsspec::deflate
