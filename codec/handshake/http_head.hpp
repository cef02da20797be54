#pragma once
// A strict, small HTTP/1.1 head parser (RFC 7230 §3) for the WebSocket opening handshake
// (RFC 6455 §4). It parses the start line and header fields of one request or response and
// stops at the empty line: whatever follows (WebSocket frames) is left to the caller, who learns
// where it starts from `head_size`.
//
// The parser is stateless: the caller passes every byte received so far and calls again when
// more arrive (picohttpparser's contract). A head is at most 16 KiB by default, so re-parsing is
// cheap, and the result for a given byte sequence never depends on how it was split into reads.
//
// Strictness, chosen for a conformance suite that must not paper over a peer's mistakes:
// - Lines end in CRLF. A bare LF is an error unless `head_options::allow_bare_lf` is set
//   (RFC 7230 §3.5: a recipient MAY accept it); when accepted, `http_head::bare_lf` records it
//   so the harness can report the leniency.
// - A bare CR, a control character in a field value, obs-fold (RFC 7230 §3.2.4), whitespace
//   between a field name and ':' (§3.2.4), and an empty line before the start line are errors.
// - Errors are found as early as possible: a prefix that can no longer become a valid head is an
//   error, not need_more, so a TLS ClientHello sent to a plain port fails on its first byte.
// - A status line without a reason phrase ("HTTP/1.1 101\r\n") is accepted: many servers send
//   it, and RFC 7230 §3.1.2 says a client SHOULD ignore the reason phrase anyway.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace wsspec::handshake {

// Three-way result shared by every handshake parser (style.md principle 2). Not the frame
// parser's wsspec::parse_status, which has more states.
enum class handshake_status : std::uint8_t { complete, need_more, error };

enum class head_kind : std::uint8_t { request, response };

struct head_options {
    // Heads longer than this are refused: a peer that never sends the empty line must not make
    // us buffer forever (RFC 6455 §10.4 asks endpoints to guard against resource exhaustion).
    std::size_t max_head_size = 16 * 1024;
    std::size_t max_fields = 100;
    bool allow_bare_lf = false;
};

// One header field. Views point into the bytes given to parse_http_head(); the value has its
// leading and trailing OWS removed (RFC 7230 §3.2.4).
struct header_field {
    std::string_view name;
    std::string_view value;
};

// The parsed head. Every string_view points into the caller's bytes: keep them alive.
struct http_head {
    head_kind kind = head_kind::request;
    std::string_view method;       // request only
    std::string_view target;       // request only
    std::uint16_t status_code = 0; // response only
    std::string_view reason;       // response only
    std::string_view version;      // e.g. "HTTP/1.1"
    std::uint8_t version_major = 0;
    std::uint8_t version_minor = 0;
    std::vector<header_field> fields;
    bool bare_lf = false; // some line ended in LF alone (only with allow_bare_lf)
};

enum class head_error : std::uint8_t { none, malformed, too_large };

struct head_result {
    handshake_status status = handshake_status::need_more;
    http_head head;            // complete only
    std::size_t head_size = 0; // complete only: bytes up to and including the empty line
    head_error error = head_error::none;
    std::string message; // error only, e.g. "line 3: header field without ':'"
    std::size_t error_offset = 0;
};

head_result parse_http_head(std::string_view bytes, head_kind kind, const head_options& opts = {});

// RFC 7230 §3.2.6 tchar: the characters a token (method, field name, list element) may hold.
bool is_tchar(char c) noexcept;
bool is_token(std::string_view s) noexcept;
// ASCII case-insensitive equality (field names, Upgrade/Connection tokens).
bool iequals(std::string_view a, std::string_view b) noexcept;

} // namespace wsspec::handshake
