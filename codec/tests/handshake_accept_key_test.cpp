#include <gtest/gtest.h>

#include "codec/handshake/accept_key.hpp"
#include "codec/handshake/base64.hpp"

namespace wsspec::handshake {
namespace {

TEST(HandshakeAcceptKey, Rfc6455Section1_3Example) {
    EXPECT_EQ(accept_key("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST(HandshakeAcceptKey, SeedDocumentKeyWhichIsNonCanonicalBase64) {
    // The seed document's example; its last symbol 'o' carries bits the "==" discards.
    EXPECT_EQ(accept_key("8ZuOAG3PepR31z9HtJCkso=="), "vQCeyABRRt6oKfebHddaBNvaTR4=");
    // The canonical spelling of the same 16 bytes is a different string, so a different accept:
    // the key is hashed as text, never decoded (RFC 6455 §4.2.2 /key/).
    EXPECT_EQ(accept_key("8ZuOAG3PepR31z9HtJCksg=="), "TGVkyeMkqQKMJ82L46IaRsVa6ZE=");
}

TEST(HandshakeAcceptKey, WhitespaceIsPartOfTheKeyText) {
    EXPECT_NE(accept_key(" dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    EXPECT_EQ(accept_key("").size(), 28u);
}

TEST(HandshakeAcceptKey, MakeKeyEncodesTheNonce) {
    const std::array<std::uint8_t, 16> seq{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    // RFC 6455 §4.1 item 7 prints this nonce as "AQIDBAUGBwgJCgsMDQ4PEC==", a non-canonical
    // spelling; a canonical encoder ends in "EA==".
    EXPECT_EQ(make_key(seq), "AQIDBAUGBwgJCgsMDQ4PEA==");
    EXPECT_EQ(make_key({}), "AAAAAAAAAAAAAAAAAAAAAA==");
    EXPECT_EQ(make_key(seq).size(), 24u);
}

TEST(HandshakeBase64, EncodeKnownVectors) {
    const std::uint8_t foobar[] = {'f', 'o', 'o', 'b', 'a', 'r'};
    // RFC 4648 §10 test vectors.
    EXPECT_EQ(base64_encode(std::span(foobar, 0)), "");
    EXPECT_EQ(base64_encode(std::span(foobar, 1)), "Zg==");
    EXPECT_EQ(base64_encode(std::span(foobar, 2)), "Zm8=");
    EXPECT_EQ(base64_encode(std::span(foobar, 3)), "Zm9v");
    EXPECT_EQ(base64_encode(std::span(foobar, 6)), "Zm9vYmFy");
}

TEST(HandshakeBase64, DecodeKnownVectors) {
    EXPECT_EQ(base64_decode("Zg=="), (std::vector<std::uint8_t>{'f'}));
    EXPECT_EQ(base64_decode("Zm8="), (std::vector<std::uint8_t>{'f', 'o'}));
    EXPECT_EQ(base64_decode("Zm9vYmFy"), (std::vector<std::uint8_t>{'f', 'o', 'o', 'b', 'a', 'r'}));
    auto sample = base64_decode("dGhlIHNhbXBsZSBub25jZQ==");
    ASSERT_TRUE(sample);
    EXPECT_EQ(std::string(sample->begin(), sample->end()), "the sample nonce");
}

TEST(HandshakeBase64, DecodeRejectsWhatTheGrammarForbids) {
    EXPECT_FALSE(base64_decode(""));                       // base64-value-non-empty
    EXPECT_FALSE(base64_decode("dGhlIHNhbXBsZSBub25jZQ")); // padding missing
    EXPECT_FALSE(base64_decode("Zg="));                    // length not a multiple of 4
    EXPECT_FALSE(base64_decode("Zg==Zg=="));               // padding in the middle
    EXPECT_FALSE(base64_decode("Z==="));
    EXPECT_FALSE(base64_decode("===="));
    EXPECT_FALSE(base64_decode("Zm9v YmFy"));
    EXPECT_FALSE(base64_decode("Zm9-YmFy")); // base64url alphabet
    EXPECT_FALSE(base64_decode("Zm9_YmFy"));
    EXPECT_FALSE(base64_decode("Zm9vYmF\x80"));
}

TEST(HandshakeBase64, NonCanonicalInputDecodesAndIsReported) {
    auto seed = base64_decode("8ZuOAG3PepR31z9HtJCkso==");
    auto canon = base64_decode("8ZuOAG3PepR31z9HtJCksg==");
    ASSERT_TRUE(seed);
    ASSERT_TRUE(canon);
    EXPECT_EQ(seed->size(), 16u);
    EXPECT_EQ(*seed, *canon);
    EXPECT_EQ(seed->back(), 0xb2);
    EXPECT_FALSE(is_canonical_base64("8ZuOAG3PepR31z9HtJCkso=="));
    EXPECT_TRUE(is_canonical_base64("8ZuOAG3PepR31z9HtJCksg=="));
    EXPECT_FALSE(is_canonical_base64("AQIDBAUGBwgJCgsMDQ4PEC=="));
    EXPECT_TRUE(is_canonical_base64("AQIDBAUGBwgJCgsMDQ4PEA=="));
    EXPECT_FALSE(is_canonical_base64("Zm9=")); // one-'=' form: '9' leaves 2 bits set
    EXPECT_TRUE(is_canonical_base64("Zm8="));
    EXPECT_FALSE(is_canonical_base64("not base64"));
}

} // namespace
} // namespace wsspec::handshake
