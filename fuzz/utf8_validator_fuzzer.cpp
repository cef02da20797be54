// utf8_validator (codec/utf8.cpp: a table-driven DFA, an ASCII fast path and, for chunks of 64
// bytes or more, simdjson) against the plain code-point decoder in reference_utf8.hpp. The two
// must agree on valid / incomplete / invalid and on the failing byte: for the whole input, for
// the input split at fuzz-chosen points (after every piece, the status must be the reference's
// for the bytes fed so far), byte by byte, and after reset().
//
//   byte 0    bits 0-2: number of split points k; bit 3: also feed byte by byte
//   k x 2     split points, big-endian (taken modulo the text length + 1)
//   rest      the text
#include <algorithm>

#include "codec/utf8.hpp"
#include "fuzz/fuzz_util.hpp"
#include "fuzz/reference_utf8.hpp"

using namespace wsspec;
using namespace wsspec::fuzz;

namespace {

const char* name(utf8_status s) {
    return s == utf8_status::valid        ? "valid"
           : s == utf8_status::incomplete ? "incomplete"
                                          : "invalid";
}

// The codec's answer for a reference result, after feed().
void expect_feed(const ref_utf8_result& want, const utf8_result& got, std::size_t fed,
                 const char* how) {
    const utf8_status status = want.status == ref_utf8::valid        ? utf8_status::valid
                               : want.status == ref_utf8::incomplete ? utf8_status::incomplete
                                                                     : utf8_status::invalid;
    FUZZ_CHECK(got.status == status, "%s, %zu bytes fed: %s, the reference says %s", how, fed,
               name(got.status), name(status));
    FUZZ_CHECK(status != utf8_status::invalid || got.error_offset == want.error_offset,
               "%s: invalid at %zu, the reference says %zu", how, got.error_offset,
               want.error_offset);
}

// finish(): a message may not end inside a code point; the missing byte is at `fed`.
void expect_finish(const ref_utf8_result& want, const utf8_result& got, std::size_t fed,
                   const char* how) {
    const bool valid = want.status == ref_utf8::valid;
    const std::size_t at = want.status == ref_utf8::invalid ? want.error_offset : fed;
    FUZZ_CHECK(got.status == (valid ? utf8_status::valid : utf8_status::invalid) &&
                   (valid || got.error_offset == at),
               "%s: finish() says %s at %zu, expected %s at %zu", how, name(got.status),
               got.error_offset, valid ? "valid" : "invalid", at);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    byte_reader in(data, size);
    const std::uint8_t mode = in.u8();
    std::vector<std::uint16_t> raw_splits(mode & 7);
    for (auto& s : raw_splits)
        s = in.u16();
    const auto text = in.rest();
    const std::size_t n = text.size();
    const ref_utf8_result want = reference_utf8(text);

    // Whole.
    utf8_validator whole;
    {
        exact_copy buf(text);
        expect_feed(want, whole.feed(buf.span()), n, "whole");
    }
    expect_finish(want, whole.finish(), n, "whole");
    FUZZ_CHECK(whole.bytes_fed() == n && whole.failed() == (want.status == ref_utf8::invalid),
               "bytes_fed %zu, failed %d", whole.bytes_fed(), int(whole.failed()));
    FUZZ_CHECK(is_valid_utf8(text) == (want.status == ref_utf8::valid), "is_valid_utf8 disagrees");

    // Split at the chosen points; after each piece, the reference on the prefix.
    std::vector<std::size_t> cuts;
    for (auto s : raw_splits)
        cuts.push_back(s % (n + 1));
    cuts.push_back(n);
    std::sort(cuts.begin(), cuts.end());
    utf8_validator split;
    std::size_t pos = 0;
    for (std::size_t cut : cuts) {
        exact_copy piece(text.subspan(pos, cut - pos));
        const utf8_result r = split.feed(piece.span());
        pos = cut;
        expect_feed(reference_utf8(text.first(pos)), r, pos, "split");
    }
    expect_finish(want, split.finish(), n, "split");

    // Byte by byte: the first invalid answer comes with the failing byte, and stays.
    if ((mode & 8) && n <= 4096) {
        utf8_validator bytes;
        bool failed = false;
        for (std::size_t i = 0; i < n; ++i) {
            const utf8_result r = bytes.feed(text.subspan(i, 1));
            if (r.status == utf8_status::invalid && !failed) {
                failed = true;
                FUZZ_CHECK(
                    want.status == ref_utf8::invalid && r.error_offset == i &&
                        want.error_offset == i,
                    "byte by byte: invalid at byte %zu (offset %zu), the reference says %s at %zu",
                    i, r.error_offset, want.status == ref_utf8::invalid ? "invalid" : "not invalid",
                    want.error_offset);
            }
            FUZZ_CHECK(failed == (r.status == utf8_status::invalid),
                       "byte by byte: error not sticky");
        }
        FUZZ_CHECK(failed == (want.status == ref_utf8::invalid), "byte by byte: never failed");
        expect_finish(want, bytes.finish(), n, "byte by byte");
    }

    // reset() gives a fresh validator.
    split.reset();
    FUZZ_CHECK(split.bytes_fed() == 0 && !split.failed(), "reset() left state behind");
    exact_copy again(text);
    expect_feed(want, split.feed(again.span()), n, "after reset");
    return 0;
}
