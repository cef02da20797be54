#include "codec/handshake/handshake_error.hpp"

#include <iterator>

namespace wsspec::handshake {
namespace {

struct error_row {
    std::string_view name;
    std::string_view section;
    std::string_view text;
    std::uint16_t status;
};

// Indexed by the enum's numeric value; the test checks that every row's name matches.
constexpr error_row rows[] = {
    {"none", "", "no error", 0},
    {"malformed_http", "4.2.1", "the HTTP head does not follow the RFC 7230 grammar", 400},
    {"head_too_large", "10.4", "the HTTP head exceeds the size or field-count limit", 431},
    {"method_not_get", "4.1", "the request method is not GET", 405},
    {"http_version_too_old", "4.1", "the request's HTTP version is below 1.1", 400},
    {"invalid_request_target", "4.1",
     "the request-target is neither a resource name nor an absolute http/https URI", 400},
    {"missing_host", "4.1", "the request has no Host header field (or an empty one)", 400},
    {"duplicate_host", "4.1", "the request has more than one Host header field", 400},
    {"missing_upgrade", "4.1", "the request has no Upgrade header field", 400},
    {"upgrade_not_websocket", "4.1", "the request's Upgrade header does not include \"websocket\"",
     400},
    {"missing_connection_upgrade", "4.1",
     "the request's Connection header is missing or does not include the \"Upgrade\" token", 400},
    {"missing_key", "4.1", "the request has no Sec-WebSocket-Key header field", 400},
    {"duplicate_key", "11.3.1", "the request has more than one Sec-WebSocket-Key header field",
     400},
    {"key_not_base64", "4.3", "Sec-WebSocket-Key is not base64", 400},
    {"key_wrong_length", "4.2.1", "Sec-WebSocket-Key does not decode to exactly 16 bytes", 400},
    {"missing_version", "4.1", "the request has no Sec-WebSocket-Version header field", 426},
    {"duplicate_version", "4.3", "the request has more than one Sec-WebSocket-Version value", 426},
    {"unsupported_version", "4.2.2", "Sec-WebSocket-Version is not 13", 426},
    {"invalid_subprotocol_list", "4.1", "Sec-WebSocket-Protocol elements are not unique tokens",
     400},
    {"response_status_not_101", "4.1", "the server answered with a status other than 101", 0},
    {"response_http_version", "4.2.2", "the response's HTTP version is not 1.1 or later 1.x", 0},
    {"response_missing_upgrade", "4.1", "the response has no Upgrade header field", 0},
    {"response_upgrade_not_websocket", "4.1", "the response's Upgrade header is not \"websocket\"",
     0},
    {"response_missing_connection_upgrade", "4.1",
     "the response's Connection header is missing or does not include \"Upgrade\"", 0},
    {"response_missing_accept", "4.1", "the response has no Sec-WebSocket-Accept header field", 0},
    {"response_duplicate_accept", "11.3.3",
     "the response has more than one Sec-WebSocket-Accept header field", 0},
    {"response_accept_mismatch", "4.1",
     "Sec-WebSocket-Accept is not base64(SHA-1(key + GUID)) of the key sent", 0},
    {"response_unrequested_extension", "4.1",
     "the response selects an extension the client did not offer", 0},
    {"response_unrequested_subprotocol", "4.1",
     "the response selects a subprotocol the client did not offer", 0},
    {"response_multiple_subprotocols", "4.2.2", "the response selects more than one subprotocol",
     0},
};

const error_row& row(handshake_error e) noexcept {
    const auto i = static_cast<std::size_t>(e);
    return i < std::size(rows) ? rows[i] : rows[0];
}

} // namespace

std::string_view name(handshake_error e) noexcept {
    return row(e).name;
}
std::string_view rfc_section(handshake_error e) noexcept {
    return row(e).section;
}
std::string_view describe(handshake_error e) noexcept {
    return row(e).text;
}
std::uint16_t http_status(handshake_error e) noexcept {
    return row(e).status;
}

bool is_response_error(handshake_error e) noexcept {
    return e >= handshake_error::response_status_not_101 &&
           static_cast<std::size_t>(e) < std::size(rows);
}

} // namespace wsspec::handshake
