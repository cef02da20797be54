// Each distinct corpus window is compressed once when the deflater has no context takeover, and
// what comes out of the cache is what the deflater writes; nothing else is kept.
#include <gtest/gtest.h>

#include <algorithm>

#include "harness/engine/compressed_cache.hpp"

namespace wsspec::engine {
namespace {

using catalog::corpus_kind;
using catalog::payload;

std::vector<std::uint8_t> direct(const payload& p, int bits) {
    deflate::deflater d(bits, false);
    std::vector<std::uint8_t> out;
    d.compress(p.materialize(), out);
    return out;
}

TEST(CompressedCache, AWindowIsCompressedOnceAndComesBackAsTheDeflaterWritesIt) {
    compressed_cache cache(1 << 20);
    deflate::deflater d(15, false);
    auto w = payload::corpus_window(corpus_kind::json, 100, 4096);
    auto first = cache.compress(w, d);
    auto again = cache.compress(w, d);
    EXPECT_EQ(first, again); // the same bytes, not a second compression
    EXPECT_EQ(*first, direct(w, 15));
    EXPECT_EQ(cache.hits(), 1u);
    EXPECT_EQ(cache.misses(), 1u);
    EXPECT_EQ(cache.held(), first->size());
    // Another window, size or window size is another entry.
    deflate::deflater small(9, false);
    auto nine = cache.compress(w, small);
    EXPECT_EQ(*nine, direct(w, 9));
    EXPECT_NE(*nine, *first);
    EXPECT_EQ(*cache.compress(w.window_after(1), d), direct(w.window_after(1), 15));
    EXPECT_EQ(cache.misses(), 3u);
}

TEST(CompressedCache, ContextTakeoverAndLiteralsAreNeverKept) {
    compressed_cache cache(1 << 20);
    deflate::deflater keeps(15, true);
    auto w = payload::corpus_window(corpus_kind::prose, 0, 1024);
    auto one = cache.compress(w, keeps);
    auto two = cache.compress(w, keeps);
    // With context takeover the second copy refers back to the first: it must be compressed.
    EXPECT_LT(two->size(), one->size());
    deflate::deflater d(15, false);
    payload literal(catalog::bytes(300, 'a'));
    EXPECT_NE(cache.compress(literal, d), cache.compress(literal, d));
    EXPECT_EQ(cache.hits(), 0u);
    EXPECT_EQ(cache.held(), 0u);
}

TEST(CompressedCache, TheLeastRecentlyUsedGoOnceTheBudgetIsReached) {
    deflate::deflater d(15, false);
    auto a = payload::corpus_window(corpus_kind::bitmap, 0, 2000); // barely compressible
    auto b = a.window_after(1), c = a.window_after(2);
    const auto room =
        direct(a, 15).size() + std::max(direct(b, 15).size(), direct(c, 15).size()) + 10;
    compressed_cache cache(room); // a and one other
    cache.compress(a, d);
    cache.compress(b, d);
    cache.compress(a, d); // a is now the most recent
    cache.compress(c, d); // b goes
    EXPECT_LE(cache.held(), room);
    const auto misses = cache.misses();
    cache.compress(a, d);
    EXPECT_EQ(cache.misses(), misses); // still there
    cache.compress(b, d);
    EXPECT_EQ(cache.misses(), misses + 1); // evicted
}

} // namespace
} // namespace wsspec::engine
