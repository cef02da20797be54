#pragma once
// Every rule the opening handshake enforces has one value here, as codec/error.hpp does for
// frames: reports name the value, its RFC section and its reason. Values are append-only:
// reports and regression files store them by number.
#include <cstdint>
#include <string_view>

namespace wsspec::handshake {

enum class handshake_error : std::uint8_t {
    none = 0,

    // Both directions.
    // RFC 6455 §4.2.1: a handshake with "any violations of the ABNF grammar" is refused; the
    // grammar is RFC 7230 §3 (start line, header fields, CRLF).
    malformed_http = 1,
    // RFC 6455 §10.4: the head did not end within the configured size or field-count limit.
    head_too_large = 2,

    // Server side: reading the client's handshake (RFC 6455 §4.1 items 1-10, §4.2.1).
    // §4.1 item 2: "The method of the request MUST be GET".
    method_not_get = 3,
    // §4.1 item 2: "the HTTP version MUST be at least 1.1".
    http_version_too_old = 4,
    // §4.1 item 3: the Request-URI is a resource name or an absolute http/https URI.
    invalid_request_target = 5,
    // §4.1 item 4: "The request MUST contain a |Host| header field".
    missing_host = 6,
    // RFC 7230 §5.4: a request with more than one Host field MUST get a 400.
    duplicate_host = 7,
    // §4.1 item 5: "The request MUST contain an |Upgrade| header field".
    missing_upgrade = 8,
    // §4.1 item 5: the Upgrade value "MUST include the "websocket" keyword".
    upgrade_not_websocket = 9,
    // §4.1 item 6: "a |Connection| header field whose value MUST include the "Upgrade" token".
    missing_connection_upgrade = 10,
    // §4.1 item 7: "The request MUST include a header field with the name |Sec-WebSocket-Key|".
    missing_key = 11,
    // §11.3.1: Sec-WebSocket-Key "MUST NOT appear more than once in an HTTP request".
    duplicate_key = 12,
    // §4.3: Sec-WebSocket-Key = base64-value-non-empty.
    key_not_base64 = 13,
    // §4.2.1 item 5: the key "when decoded, is 16 bytes in length".
    key_wrong_length = 14,
    // §4.1 item 9: "The request MUST include a header field with the name
    // |Sec-WebSocket-Version|".
    missing_version = 15,
    // §4.3: Sec-WebSocket-Version-Client = version, a single value; two fields would combine
    // into a list (RFC 7230 §3.2.2), which that grammar does not allow.
    duplicate_version = 16,
    // §4.1 item 9: "The value of this header field MUST be 13"; §4.2.2 /version/: answer 426
    // with the versions the server understands.
    unsupported_version = 17,
    // §4.1 item 10: subprotocols are tokens and "MUST all be unique strings".
    invalid_subprotocol_list = 18,

    // Client side: validating the server's response (RFC 6455 §4.1, "The client MUST validate
    // the server's response as follows", and §4.2.2 step 5).
    // §4.1 response item 1 and §4.2.2 step 5.1: a status other than 101 is not an acceptance.
    response_status_not_101 = 19,
    // §4.2.2 step 5: "a valid HTTP response"; a 101 only exists in HTTP/1.1 and later.
    response_http_version = 20,
    // §4.1 response item 2: "If the response lacks an |Upgrade| header field".
    response_missing_upgrade = 21,
    // §4.1 response item 2: Upgrade "not an ASCII case-insensitive match for ... "websocket"".
    response_upgrade_not_websocket = 22,
    // §4.1 response item 3: Connection missing or without the "Upgrade" token.
    response_missing_connection_upgrade = 23,
    // §4.1 response item 4: "If the response lacks a |Sec-WebSocket-Accept| header field".
    response_missing_accept = 24,
    // §11.3.3: Sec-WebSocket-Accept "MUST NOT appear more than once in an HTTP response".
    response_duplicate_accept = 25,
    // §4.1 response item 4: the accept value is not base64(SHA-1(key + GUID)).
    response_accept_mismatch = 26,
    // §4.1 response item 5: an extension "not present in the client's handshake".
    response_unrequested_extension = 27,
    // §4.1 response item 6: a subprotocol "not present in the client's handshake".
    response_unrequested_subprotocol = 28,
    // §4.2.2 /subprotocol/: "Either a single value ... or null"; §11.3.4: the field MUST NOT
    // appear more than once in a response.
    response_multiple_subprotocols = 29,
};

// Stable identifier, e.g. "missing_key".
std::string_view name(handshake_error e) noexcept;
// RFC 6455 section (or "7230 §x" for HTTP rules), e.g. "4.2.1".
std::string_view rfc_section(handshake_error e) noexcept;
// One sentence a user can act on.
std::string_view describe(handshake_error e) noexcept;
// The HTTP status a server answers when refusing a client handshake for this error: 400, except
// 405 for the method, 426 for the version (RFC 6455 §4.2.2) and 431 for an oversized head
// (RFC 6585 §5). 0 for client-side (response_*) errors and for none.
std::uint16_t http_status(handshake_error e) noexcept;
// True for the rules the client checks on the server's response.
bool is_response_error(handshake_error e) noexcept;

} // namespace wsspec::handshake
