#include "codec/close.hpp"

#include <algorithm>

#include "codec/frame_header.hpp"
#include "codec/utf8.hpp"

namespace wsspec {

close_code_class classify_close_code(std::uint16_t code) noexcept {
    // RFC 6455 §7.4.2: "0-999: Status codes in the range 0-999 are not used."
    if (code < 1000) return close_code_class::out_of_range;
    // §7.4.2: "1000-2999 ... reserved for definition by this protocol, its future revisions,
    // and extensions specified in a permanent and readily available public specification."
    // Inside it, §7.4.1 defines 1000-1011 and the IANA registry (§11.7) added 1012-1015.
    if (code < 1016) {
        switch (code) {
        // §7.4.1: "1004 Reserved. The specific meaning might be defined in the future."
        case 1004: return close_code_class::reserved;
        // §7.4.1: 1005, 1006 and 1015 "MUST NOT be set as a status code in a Close control
        // frame by an endpoint"; they only report what happened to an application.
        case 1005:
        case 1006:
        case 1015: return close_code_class::not_on_wire;
        // IANA: 1012 Service Restart, 1013 Try Again Later, 1014 Bad Gateway.
        case 1012:
        case 1013:
        case 1014: return close_code_class::registered;
        default: return close_code_class::defined; // 1000-1003, 1007-1011
        }
    }
    // Unassigned part of the protocol range: a peer cannot mean anything by it yet.
    if (code < 3000) return close_code_class::reserved;
    // §7.4.2: "3000-3999 ... reserved for use by libraries, frameworks, and applications.
    // These status codes are registered directly with IANA."
    if (code < 4000) return close_code_class::registered;
    // §7.4.2: "4000-4999 ... reserved for private use and thus can't be registered."
    if (code < 5000) return close_code_class::private_use;
    // §7.4.2 stops at 4999; nothing above it is assigned.
    return close_code_class::out_of_range;
}

bool is_valid_close_code(std::uint16_t code) noexcept {
    switch (classify_close_code(code)) {
    case close_code_class::defined:
    case close_code_class::registered:
    case close_code_class::private_use: return true;
    default: return false;
    }
}

bool may_send_close_code(std::uint16_t code, bool sender_is_server) noexcept {
    // §7.4.1: 1010 is the client's complaint that the server did not negotiate an extension;
    // a server deciding which extensions to accept has nothing to complain about.
    if (sender_is_server && code == static_cast<std::uint16_t>(close_code::mandatory_extension))
        return false;
    return is_valid_close_code(code);
}

std::string_view close_code_name(std::uint16_t code) noexcept {
    switch (static_cast<close_code>(code)) {
    case close_code::normal: return "normal";
    case close_code::going_away: return "going_away";
    case close_code::protocol_error: return "protocol_error";
    case close_code::unsupported_data: return "unsupported_data";
    case close_code::reserved: return "reserved";
    case close_code::no_status_received: return "no_status_received";
    case close_code::abnormal_closure: return "abnormal_closure";
    case close_code::invalid_payload: return "invalid_payload";
    case close_code::policy_violation: return "policy_violation";
    case close_code::message_too_big: return "message_too_big";
    case close_code::mandatory_extension: return "mandatory_extension";
    case close_code::internal_error: return "internal_error";
    case close_code::service_restart: return "service_restart";
    case close_code::try_again_later: return "try_again_later";
    case close_code::bad_gateway: return "bad_gateway";
    case close_code::tls_handshake: return "tls_handshake";
    }
    return "";
}

close_parse_result parse_close_payload(std::span<const std::uint8_t> payload) noexcept {
    close_parse_result r;
    // §5.5.1: "The Close frame MAY contain a body"; without one there is no status code.
    if (payload.empty()) return r;
    // §5.5.1: "If there is a body, the first two bytes of the body MUST be a 2-byte unsigned
    // integer (in network byte order)".
    if (payload.size() == 1) {
        r.error = codec_error::close_payload_size_1;
        return r;
    }
    // On error the payload still carries what was decoded, so a report can show it.
    r.payload.has_code = true;
    r.payload.code = static_cast<std::uint16_t>((payload[0] << 8) | payload[1]);
    const auto reason = payload.subspan(2);
    r.payload.reason = {reinterpret_cast<const char*>(reason.data()), reason.size()};
    if (!is_valid_close_code(r.payload.code)) {
        r.error = codec_error::invalid_close_code;
        return r;
    }
    // §5.5.1: the reason is UTF-8; §8.1 makes invalid UTF-8 fatal. The validator gives the
    // first offending byte, which the error offset reports within the whole payload.
    utf8_validator v;
    utf8_result u = v.feed(reason);
    if (u.status != utf8_status::invalid) u = v.finish();
    if (u.status != utf8_status::valid) {
        r.error = codec_error::invalid_close_reason_utf8;
        r.error_offset = 2 + static_cast<std::size_t>(u.error_offset);
    }
    return r;
}

std::size_t write_close_payload(std::uint16_t code, std::string_view reason,
                                std::span<std::uint8_t> out) noexcept {
    // §5.5: "All control frames MUST have a payload length of 125 bytes or less".
    const std::size_t limit = std::min(out.size(), max_control_payload);
    if (limit < 2) return 0;
    out[0] = static_cast<std::uint8_t>(code >> 8);
    out[1] = static_cast<std::uint8_t>(code & 0xFF);
    std::size_t n = std::min(reason.size(), limit - 2);
    const std::span<const std::uint8_t> bytes{reinterpret_cast<const std::uint8_t*>(reason.data()),
                                              reason.size()};
    // A cut inside a code point would turn a valid reason into one the peer must reject
    // (§8.1), so back up to the start of the character that straddles the cut. An invalid
    // reason is sent as given: the harness uses those on purpose.
    if (n < reason.size() && is_valid_utf8(bytes)) {
        while (n > 0 && (bytes[n] & 0xC0) == 0x80)
            --n;
    }
    std::copy_n(bytes.begin(), n, out.begin() + 2);
    return 2 + n;
}

} // namespace wsspec
