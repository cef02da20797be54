// The generated corpora stand in for Autobahn's 12.x test files: the same sizes, the same byte
// on every run, text where Autobahn sends text, and deflate ratios in the range of the kind of
// file they replace (structured text compresses to a fraction, a photograph and a PDF's binary
// streams barely). The ratios are printed so a change of generator shows in the test log.
#include <gtest/gtest.h>

#include <cstdio>

#include "codec/deflate/message_deflate.hpp"
#include "codec/utf8.hpp"
#include "harness/catalog/corpus.hpp"
#include "harness/catalog/payload.hpp"

namespace wsspec::catalog {
namespace {

struct corpus_row {
    corpus_kind kind;
    std::size_t size;
    double min_ratio, max_ratio; // compressed / original, zlib default level, 15-bit window
    bool utf8;
};

TEST(Corpus, SizesKindsAndRatiosOfAutobahnsFiles) {
    const corpus_row rows[] = {
        {corpus_kind::json, 194056, 0.05, 0.30, true},
        {corpus_kind::bitmap, 263222, 0.55, 0.98, false},
        {corpus_kind::prose, 222218, 0.20, 0.50, true},
        {corpus_kind::html, 263647, 0.03, 0.30, true},
        {corpus_kind::pdf, 1042328, 0.80, 1.02, false},
    };
    for (const auto& row : rows) {
        const auto bytes = corpus(row.kind);
        ASSERT_EQ(bytes.size(), row.size) << to_string(row.kind);
        EXPECT_EQ(corpus_size(row.kind), row.size) << "the size known without generating";
        EXPECT_EQ(bytes.data(), corpus(row.kind).data()) << "generated once";
        std::vector<std::uint8_t> packed;
        deflate::deflater(15, false).compress(bytes, packed);
        const double ratio = double(packed.size()) / double(bytes.size());
        std::printf("[ corpus   ] %-6s %8zu B, deflate ratio %.3f\n",
                    std::string(to_string(row.kind)).c_str(), bytes.size(), ratio);
        EXPECT_GE(ratio, row.min_ratio) << to_string(row.kind);
        EXPECT_LE(ratio, row.max_ratio) << to_string(row.kind);
        if (row.utf8) {
            utf8_validator v;
            EXPECT_NE(v.feed(bytes).status, utf8_status::invalid) << to_string(row.kind);
        }
        EXPECT_EQ(parse_corpus(to_string(row.kind)), row.kind);
    }
    EXPECT_FALSE(parse_corpus("lena").has_value());
}

TEST(Corpus, AWindowIsCyclicAndSlides) {
    const auto json = corpus(corpus_kind::json);
    auto w = payload::corpus_window(corpus_kind::json, json.size() - 3, 8);
    auto b = w.materialize();
    ASSERT_EQ(b.size(), 8u);
    EXPECT_TRUE(std::equal(b.begin(), b.begin() + 3, json.end() - 3));
    EXPECT_TRUE(std::equal(b.begin() + 3, b.end(), json.begin())) << "wraps to the start";
    auto next = w.window_after(1);
    EXPECT_EQ(next.offset(), 5u);
    EXPECT_EQ(payload::corpus_window(corpus_kind::json, 0, 16).window_after(1000).offset(), 16000u);
    EXPECT_TRUE(w.matches(payload(b)));
    EXPECT_FALSE(next.matches(payload(b)));
}

} // namespace
} // namespace wsspec::catalog
