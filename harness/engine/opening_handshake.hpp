#pragma once
// The opening handshake of a case (RFC 6455 §4), the phase before any frame, in both roles:
// - wsspec as the client: build the request (with the case's edits, or its raw bytes), write it
//   whole or chopped, read and validate the answer;
// - wsspec as the server: read and validate the peer's request, answer (with the case's edits).
// The peer's HTTP message becomes an event when the case's expectations name one, so a case
// can expect a refusal; a 101 that breaks §4 is a violation named by its rule.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "codec/deflate/negotiation.hpp"
#include "codec/handshake/client_request.hpp"
#include "harness/catalog/case_model.hpp"
#include "harness/engine/observation.hpp"
#include "harness/transport/stream.hpp"

namespace wsspec::engine {

struct client_hello {
    std::string target, host;
    std::vector<handshake::header_pair> headers; // the run's -H
    std::optional<std::string> origin;
    std::vector<std::string> subprotocols;
    std::chrono::milliseconds timeout{5000};
    double timer_scale = 1; // run --timer-scale, for a case's own handshake `within`
};

struct handshake_outcome {
    std::vector<std::uint8_t> leftover;     // frame bytes that came with the peer's message
    std::string request, response;          // for the report
    std::uint8_t allowed_rsv = 0;           // RSV bits the negotiated extensions use
    std::optional<deflate::params> deflate; // permessage-deflate as negotiated (RFC 7692)
    // wsspec as the server answered with a non-101 status the case asked for: it still acts as
    // the server of a WebSocket connection, so a client that took the answer for an upgrade
    // shows it (by echoing) and one that did not closes the connection.
    bool answered_otherwise = false;
};

// Writes `first_frames` in the same TCP write as the request (a case's with_first_frame).
handshake_outcome client_handshake(transport::stream& s, const client_hello& hello,
                                   const catalog::case_def& c, std::uint64_t seed,
                                   std::span<const std::uint8_t> first_frames, observation& obs);

handshake_outcome server_handshake(transport::stream& s, const catalog::case_def& c,
                                   std::chrono::milliseconds timeout, observation& obs);

// What the extensions a 101 accepted (its Sec-WebSocket-Extensions) mean for the connection: the
// RSV bits they give a meaning to, permessage-deflate's parameters when it was accepted, and
// the rule of RFC 7692 the response broke when it was accepted wrongly (checked against every
// permessage-deflate offer of `offered`: the server answers one of them).
struct negotiated_use {
    std::uint8_t rsv = 0;
    std::optional<deflate::params> deflate;
    std::optional<report::violation> violation;
};
negotiated_use extension_use(std::string_view offered, std::string_view negotiated);

// The case's edits applied to a serialized HTTP head (start line + fields + empty line).
std::string apply_edits(std::string_view head, const catalog::http_edits& e, bool response);

} // namespace wsspec::engine
