#pragma once
// permessage-deflate negotiation (RFC 7692 §7): the four parameters of an offer or a response,
// read strictly, checked against each other, and written back.
//
//   server_no_context_takeover   §7.1.1.1  no value
//   client_no_context_takeover   §7.1.1.2  no value
//   server_max_window_bits       §7.1.2.1  8..15, in an offer and a response
//   client_max_window_bits       §7.1.2.2  8..15, or no value in an offer only
//
// §7: "A server MUST decline an extension negotiation offer for this extension if any of the
// following conditions are met: The negotiation offer contains an extension parameter not
// defined for use in an offer. ... an extension parameter with an invalid value. ... multiple
// extension parameters with the same name. The server doesn't support the offered
// configuration." A client MUST fail the connection on the same faults in a response.
//
// Window bits 8: zlib's raw deflate cannot compress with a 256-byte window (since 1.2.9 it
// silently uses 512), so wsspec never promises to compress with 8 bits: as a server it declines
// an offer that demands server_max_window_bits=8. Inflating with 9 bits or more reads what an
// 8-bit compressor writes, so a peer may still compress with 8.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "codec/handshake/extensions.hpp"
#include "codec/result.hpp"

namespace wsspec::deflate {

inline constexpr std::string_view extension_name = "permessage-deflate";
inline constexpr int min_window_bits = 8, max_window_bits = 15;

struct params {
    bool server_no_context_takeover = false;
    bool client_no_context_takeover = false;
    std::optional<int> server_max_window_bits;
    // An offer may carry client_max_window_bits without a value ("I can honour a limit you
    // set"); a response must give one.
    bool client_max_window_bits_offered = false;
    std::optional<int> client_max_window_bits;
    bool operator==(const params&) const = default;
};

enum class negotiation_error : std::uint8_t {
    unknown_parameter,   // not one of the four (§7)
    duplicate_parameter, // the same name twice (§7)
    unexpected_value,    // *_no_context_takeover with a value (§7.1.1)
    invalid_window_bits, // not a decimal 8..15 without leading zeros (§7.1.2)
    missing_value,       // client_max_window_bits without a value in a response (§7.1.2.2)
    not_offered,         // a response's client_max_window_bits the offer did not carry (§7.1.2.2)
    window_too_large,    // a response's window larger than the offer allowed (§7.1.2)
    context_takeover_kept, // the offer asked server_no_context_takeover, the response dropped it
                           // (§7.1.1.1)
    not_permessage_deflate,
};

struct negotiation_failure {
    negotiation_error error;
    std::string parameter; // the parameter at fault, as sent
    // "RFC 7692 §7.1.2.2: client_max_window_bits=16: not a window size (8..15)"
    std::string message() const;
};

// RFC 7692 section of the rule, e.g. "7.1.2.1".
std::string_view rfc_section(negotiation_error e) noexcept;
std::string_view name(negotiation_error e) noexcept;
// What the rule forbids, in a line: "a larger window than the offer allowed".
std::string_view describe(negotiation_error e) noexcept;

// An offer as a server reads it (§7.1).
result<params, negotiation_failure> parse_offer(const handshake::extension& e);
// A response as the client that sent `offer` reads it: the response may only narrow the offer.
result<params, negotiation_failure> parse_response(const handshake::extension& e,
                                                   const params& offer);

// What a server is able and willing to do.
struct server_policy {
    bool server_no_context_takeover = false;   // ask for it even when not offered (§7.1.1.1)
    std::optional<int> server_max_window_bits; // compress with at most this window (9..15)
    bool client_no_context_takeover = false;   // ask the client not to keep its context
    std::optional<int> client_max_window_bits; // limit the client's window where the offer lets it
    // Where the offer lets it, hold the client's window to the server's own when that is
    // smaller, so that what the client compresses fits the server's window too.
    bool client_window_within_server_window = false;
};

// The response a server gives to one valid offer, or none when it cannot honour it (an offer
// demanding server_max_window_bits=8: see above).
std::optional<params> accept(const params& offer, const server_policy& policy);

// The first offer of a Sec-WebSocket-Extensions list the server can accept, as the response it
// sends; offers that break §7 are declined (skipped), as §7 says.
std::optional<params> accept_first(std::span<const handshake::extension> offers,
                                   const server_policy& policy);

// "permessage-deflate; client_no_context_takeover; client_max_window_bits=10".
handshake::extension to_extension(const params& p);
std::string format(const params& p);

// The window bits each side compresses with under a response (15 when not limited).
int server_window_bits(const params& response) noexcept;
int client_window_bits(const params& response) noexcept;

// A response's terms seen from one endpoint: each side compresses with its own window and
// context terms (§7.1), so what an endpoint inflates is its peer's and what it compresses its own.
struct endpoint_terms {
    int own_window_bits = max_window_bits;
    bool own_keeps_context = true;
    int peer_window_bits = max_window_bits;
    bool peer_keeps_context = true;
};
endpoint_terms terms_of(const params& response, bool local_is_server) noexcept;

} // namespace wsspec::deflate
