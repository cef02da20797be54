#pragma once
// The server side of the opening handshake: read and validate a client's request (RFC 6455
// §4.2.1), then answer with a 101 (§4.2.2) or an HTTP error.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "codec/handshake/handshake_error.hpp"
#include "codec/handshake/http_head.hpp"

namespace wsspec::handshake {

// What the server learned from the request. Filled as soon as the head parses, even when a rule
// then fails, so a report can show what the client sent. For a repeated field, the first value.
struct parsed_request {
    std::string method;
    std::string target;        // as sent
    std::string resource_name; // RFC 6455 §3 path + query; "/" for "http://host" targets
    std::string host;
    std::string key;           // the text sent, not decoded (§4.2.2 /key/)
    bool key_canonical = true; // false for keys like "...Cso==" (see base64.hpp)
    std::string version;
    std::optional<std::string> origin;
    std::vector<std::string> subprotocols; // offered, in order of preference (§4.1 item 10)
    // Raw values of every non-empty Sec-WebSocket-Extensions field joined with ", ", nullopt
    // when absent; parse_extensions() (extensions.hpp) reads the §9.1 grammar.
    std::optional<std::string> extensions;
    bool bare_lf = false;
};

struct request_result {
    handshake_status status = handshake_status::need_more;
    handshake_error error = handshake_error::none;
    // 101 when complete, the status to refuse with on error, 0 when more bytes are needed.
    std::uint16_t http_status = 0;
    std::string detail;           // one line, e.g. "Sec-WebSocket-Version is '8', expected 13"
    std::size_t error_offset = 0; // byte offset for malformed_http / head_too_large
    std::size_t head_size = 0;    // where frames start, once complete
    parsed_request request;
};

// Stateless: pass every byte received so far; call again with more on need_more. Bytes after the
// head (frames sent early) are not looked at; request.head_size says where they begin.
request_result parse_client_request(std::string_view bytes, const head_options& opts = {});

// RFC 6455 §4.2.2 step 5: the 101 answer. The subprotocol must be one the client offered and
// the extensions value derived from the client's; this builder does not check either.
std::string build_accept_response(std::string_view key,
                                  std::optional<std::string_view> subprotocol = std::nullopt,
                                  std::optional<std::string_view> extensions = std::nullopt);

// An HTTP error answer that closes the connection. A 426 carries "Sec-WebSocket-Version: 13"
// (RFC 6455 §4.2.2 /version/) and the Upgrade field RFC 7231 §6.5.15 requires; a 405 carries
// "Allow: GET" (RFC 7231 §6.5.5). The body is describe(e).
std::string build_reject_response(std::uint16_t status, handshake_error e);
// Same, with http_status(e) (400 when the error has no server status).
std::string build_reject_response(handshake_error e);

// "Bad Request" for 400 and so on; "Error" for codes this table does not know.
std::string_view reason_phrase(std::uint16_t status) noexcept;

} // namespace wsspec::handshake
