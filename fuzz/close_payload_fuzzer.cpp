// Close frames (RFC 6455 §5.5.1) and status codes (§7.4): parse_close_payload() against the
// rules written out here, the close-code classification against the §7.4 ranges, and
// write_close_payload() into a buffer of fuzz-chosen size, whose output must parse back.
//
//   byte 0  size of the buffer write_close_payload() writes into
//   rest    a close frame payload: 2-byte code, then the reason
#include <cstring>

#include "codec/close.hpp"
#include "codec/frame_header.hpp"
#include "fuzz/fuzz_util.hpp"
#include "fuzz/reference_utf8.hpp"

using namespace wsspec;
using namespace wsspec::fuzz;

namespace {

// §7.4.1, §7.4.2 and the IANA registry, range by range.
close_code_class expected_class(std::uint16_t c) {
    if (c < 1000 || c >= 5000) return close_code_class::out_of_range;
    if (c == 1004 || (c >= 1016 && c < 3000)) return close_code_class::reserved;
    if (c == 1005 || c == 1006 || c == 1015) return close_code_class::not_on_wire;
    if ((c >= 1012 && c <= 1014) || (c >= 3000 && c < 4000)) return close_code_class::registered;
    if (c >= 4000) return close_code_class::private_use;
    return close_code_class::defined;
}

bool receivable(std::uint16_t c) {
    const auto k = expected_class(c);
    return k == close_code_class::defined || k == close_code_class::registered ||
           k == close_code_class::private_use;
}

void check_code(std::uint16_t c) {
    FUZZ_CHECK(classify_close_code(c) == expected_class(c), "code %u classified %d, expected %d",
               unsigned(c), int(classify_close_code(c)), int(expected_class(c)));
    FUZZ_CHECK(is_valid_close_code(c) == receivable(c), "is_valid_close_code(%u)", unsigned(c));
    // §7.4.1: 1010 is a client's complaint only.
    FUZZ_CHECK(may_send_close_code(c, false) == receivable(c) &&
                   may_send_close_code(c, true) == (receivable(c) && c != 1010),
               "may_send_close_code(%u)", unsigned(c));
    FUZZ_CHECK(close_code_name(c).empty() == (c < 1000 || c > 1015), "close_code_name(%u)",
               unsigned(c));
}

void check_error_tables(codec_error e) {
    if (e == codec_error::none) return;
    FUZZ_CHECK(!name(e).empty() && !rfc_section(e).empty() && !describe(e).empty(),
               "error %d has no name, section or description", int(e));
    FUZZ_CHECK(is_valid_close_code(close_code_for(e)), "close_code_for(%d) = %u is not sendable",
               int(e), unsigned(close_code_for(e)));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    byte_reader in(data, size);
    const std::size_t out_size = in.u8();
    exact_copy payload(in.rest());
    const std::size_t n = payload.size();

    const close_parse_result r = parse_close_payload(payload.span());
    check_error_tables(r.error);
    if (n == 0) {
        FUZZ_CHECK(r.error == codec_error::none && !r.payload.has_code, "empty payload");
        return 0;
    }
    if (n == 1) {
        FUZZ_CHECK(r.error == codec_error::close_payload_size_1 && !r.payload.has_code,
                   "1-byte payload: error %d", int(r.error));
        return 0;
    }
    const auto code = static_cast<std::uint16_t>(payload.data()[0] << 8 | payload.data()[1]);
    check_code(code);
    const auto reason = payload.span().subspan(2);
    FUZZ_CHECK(r.payload.has_code && r.payload.code == code, "code %u parsed as %u", unsigned(code),
               unsigned(r.payload.code));
    FUZZ_CHECK(r.payload.reason.data() == reinterpret_cast<const char*>(reason.data()) &&
                   r.payload.reason.size() == reason.size(),
               "the reason is not a view of the payload after the code");
    const ref_utf8_result u = reference_utf8(reason);
    codec_error want = codec_error::none;
    std::size_t want_at = 0;
    if (!receivable(code)) {
        want = codec_error::invalid_close_code;
    } else if (u.status != ref_utf8::valid) {
        want = codec_error::invalid_close_reason_utf8;
        want_at = 2 + (u.status == ref_utf8::invalid ? u.error_offset : reason.size());
    }
    FUZZ_CHECK(r.error == want && r.error_offset == want_at,
               "code %u: error %d at %zu, expected %d at %zu", unsigned(code), int(r.error),
               r.error_offset, int(want), want_at);

    // write_close_payload: code and as much reason as fits in 125 bytes and the buffer, never
    // cutting a valid reason inside a code point.
    const std::string_view text(reinterpret_cast<const char*>(reason.data()), reason.size());
    exact_copy out(std::vector<std::uint8_t>(out_size, 0xEE));
    const std::size_t w = write_close_payload(code, text, out.span());
    const std::size_t limit = out_size < max_control_payload ? out_size : max_control_payload;
    if (limit < 2) {
        FUZZ_CHECK(w == 0, "wrote %zu bytes into %zu", w, out_size);
        return 0;
    }
    const std::size_t room = limit - 2, kept = w - 2;
    FUZZ_CHECK(w >= 2 && w <= limit && out.data()[0] == payload.data()[0] &&
                   out.data()[1] == payload.data()[1] &&
                   std::memcmp(out.data() + 2, reason.data(), kept) == 0,
               "write_close_payload wrote %zu bytes (limit %zu)", w, limit);
    if (reason.size() <= room || u.status != ref_utf8::valid) {
        FUZZ_CHECK(kept == (reason.size() < room ? reason.size() : room),
                   "kept %zu of %zu (room %zu)", kept, reason.size(), room);
    } else {
        // Cut a valid reason: back up at most 3 bytes to a code-point boundary.
        FUZZ_CHECK(kept + 3 >= room && reference_utf8(reason.first(kept)).status == ref_utf8::valid,
                   "valid reason cut to %zu bytes (room %zu) is not valid UTF-8", kept, room);
    }
    const close_parse_result back = parse_close_payload(out.span().first(w));
    FUZZ_CHECK(back.payload.has_code && back.payload.code == code &&
                   back.payload.reason.size() == kept,
               "written close payload does not parse back");
    FUZZ_CHECK(want != codec_error::none || back.error == codec_error::none,
               "valid close payload written invalid (error %d)", int(back.error));
    return 0;
}
