#pragma once
// RFC 6455 §5.5.1 close frames and §7.4 status codes, with the IANA "WebSocket Close Code
// Number Registry" for 1012-1015 and 3000-3999.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "codec/error.hpp"

namespace wsspec {

enum class close_code : std::uint16_t {
    normal = 1000,
    going_away = 1001,
    protocol_error = 1002,
    unsupported_data = 1003,
    reserved = 1004,
    no_status_received = 1005, // MUST NOT be set as a status code in a Close control frame
    abnormal_closure = 1006,   // MUST NOT be set as a status code in a Close control frame
    invalid_payload = 1007,
    policy_violation = 1008,
    message_too_big = 1009,
    mandatory_extension = 1010,
    internal_error = 1011,
    service_restart = 1012, // IANA
    try_again_later = 1013, // IANA
    bad_gateway = 1014,     // IANA
    tls_handshake = 1015,   // MUST NOT be set as a status code in a Close control frame
};

enum class close_code_class : std::uint8_t {
    out_of_range, // 0-999 ("not used") and 5000-65535: never valid on the wire
    defined,      // 1000-1003, 1007-1011: RFC 6455 §7.4.1
    registered,   // 1012-1014 (IANA registry) and 3000-3999 (registered by libraries, apps)
    private_use,  // 4000-4999 (§7.4.2)
    reserved,     // 1004 and 1016-2999: reserved for future RFCs, not valid today
    not_on_wire,  // 1005, 1006, 1015: designated for use in applications, never sent
};

close_code_class classify_close_code(std::uint16_t code) noexcept;

// May this code appear in a close frame an endpoint receives? (defined, registered,
// private_use). Receiving any other code is a protocol error (close 1002).
bool is_valid_close_code(std::uint16_t code) noexcept;

// May an endpoint in this role send it? As receivable, except that a server never sends 1010
// (§7.4.1: "an endpoint (client) is terminating the connection because it has expected the
// server to negotiate one or more extension").
bool may_send_close_code(std::uint16_t code, bool sender_is_server) noexcept;

// "normal", "protocol_error", ... or "" for codes without a name.
std::string_view close_code_name(std::uint16_t code) noexcept;

struct close_payload {
    bool has_code = false; // false for an empty close payload
    std::uint16_t code = 0;
    std::string_view reason; // view into the parsed payload
};

struct close_parse_result {
    codec_error error = codec_error::none; // close_payload_size_1, invalid_close_code,
                                           // invalid_close_reason_utf8
    std::size_t error_offset = 0;          // byte within the payload
    close_payload payload;
};

close_parse_result parse_close_payload(std::span<const std::uint8_t> payload) noexcept;

// Writes code (big-endian) and reason into out; returns bytes written. The reason is cut to
// fit 125 bytes in all (§5.5). No validation: the harness sends invalid codes on purpose.
std::size_t write_close_payload(std::uint16_t code, std::string_view reason,
                                std::span<std::uint8_t> out) noexcept;

} // namespace wsspec
