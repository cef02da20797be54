#pragma once
// The client side of the opening handshake: build a request (RFC 6455 §4.1), with knobs that make
// it wrong on purpose so a server's refusals can be tested, and validate the server's answer
// (§4.1, "The client MUST validate the server's response").
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "codec/handshake/handshake_error.hpp"
#include "codec/handshake/http_fields.hpp"
#include "codec/handshake/http_head.hpp"

namespace wsspec::handshake {

// Every field is sent exactly as given: nothing is validated or normalised, so any value the
// RFC forbids can be produced. A std::optional that is nullopt omits its header field.
struct client_request_options {
    std::string method = "GET";
    std::string target = "/";
    std::string http_version = "HTTP/1.1";
    std::string host; // e.g. "example.com:8080"; sent even when empty unless omit_host
    bool omit_host = false;
    std::optional<std::string> upgrade = "websocket";
    std::optional<std::string> connection = "Upgrade";
    // The caller makes it with make_key() from the run's seeded PRNG; the builder has no
    // randomness of its own. nullopt omits the field.
    std::optional<std::string> key;
    std::optional<std::string> version = "13";
    std::optional<std::string> origin;
    std::vector<std::string> subprotocols;  // one field, joined with ", "; empty omits it
    std::optional<std::string> extensions;  // raw Sec-WebSocket-Extensions value
    std::vector<header_pair> extra_headers; // appended in order; duplicates are the point
    std::string line_ending = "\r\n";       // "\n" to test a server's bare-LF handling
};

// Start line, then Host, Upgrade, Connection, Sec-WebSocket-Key, Sec-WebSocket-Version, Origin,
// Sec-WebSocket-Protocol, Sec-WebSocket-Extensions, the extra headers, and the empty line.
std::string build_client_request(const client_request_options& opts);

struct response_result {
    handshake_status status = handshake_status::need_more;
    handshake_error error = handshake_error::none;
    // One line naming what was wrong, e.g. "Sec-WebSocket-Accept is 'abc', expected 's3pP...'".
    std::string detail;
    std::uint16_t status_code = 0;          // once the head parsed
    std::optional<std::string> subprotocol; // §4.1: the _Subprotocol In Use_, null when absent
    std::optional<std::string> extensions;  // §4.1: the _Extensions In Use_ (raw, joined)
    std::size_t head_size = 0;              // where the first frame starts, once complete
    std::size_t error_offset = 0;           // for malformed_http / head_too_large
    bool bare_lf = false;
};

// Validates the server's answer to the request `offered` described. Stateless like
// parse_client_request(): pass every byte so far. Bytes after the head are frames the server
// sent right away and are not consumed; head_size says where they begin.
//
// Extensions are compared by name only (the token before any ';'): a full §9.1 parser with
// parameter checks comes later. Two Sec-WebSocket-Extensions fields are combined, as §4.2.2
// step 5.6 allows, although §11.3.2 says the field MUST NOT appear twice in a response.
response_result validate_server_response(std::string_view bytes,
                                         const client_request_options& offered,
                                         const head_options& opts = {});

} // namespace wsspec::handshake
