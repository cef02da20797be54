#pragma once
// Every rule the codec enforces has one value here; the harness names the value, its RFC
// section and its reason in reports. Values are append-only: reports and regression files
// store them by number.
#include <cstdint>
#include <string_view>

namespace wsspec {

enum class codec_error : std::uint8_t {
    none = 0,
    // RFC 6455 §5.2: "MUST be 0 unless an extension is negotiated that defines meanings for
    // non-zero values."
    reserved_bits_set = 1,
    // §5.2: "If an unknown opcode is received, the receiving endpoint MUST _Fail the WebSocket
    // Connection_."
    reserved_opcode = 2,
    // §5.5: "All control frames ... MUST NOT be fragmented."
    control_frame_fragmented = 3,
    // §5.5: "All control frames MUST have a payload length of 125 bytes or less"
    control_payload_too_long = 4,
    // §5.2: "the minimal number of bytes MUST be used to encode the length"
    non_minimal_length = 5,
    // §5.2: "the most significant bit MUST be 0" (64-bit payload length)
    length_msb_set = 6,
    // §5.1: "The server MUST close the connection upon receiving a frame that is not masked."
    unmasked_client_frame = 7,
    // §5.1: "A client MUST close a connection if it detects a masked frame."
    masked_server_frame = 8,
    // §10.4: a frame larger than this endpoint's limit.
    frame_too_large = 9,
    // §10.4: a message larger than this endpoint's limit.
    message_too_large = 10,
    // §5.5.1: "If there is a body, the first two bytes of the body MUST be a 2-byte unsigned
    // integer" — a 1-byte close payload cannot hold one.
    close_payload_size_1 = 11,
    // §7.4: a close status code that may not appear on the wire (§7.4.1, §7.4.2).
    invalid_close_code = 12,
    // §5.5.1: the close reason "is not guaranteed to be human readable" but MUST be UTF-8:
    // "the data ... SHALL be ... UTF-8-encoded data".
    invalid_close_reason_utf8 = 13,
    // §8.1: "When an endpoint is to interpret a byte stream as UTF-8 but finds that the byte
    // stream is not, in fact, a valid UTF-8 stream, that endpoint MUST _Fail the WebSocket
    // Connection_."
    invalid_utf8 = 14,
    // §5.4: a continuation frame with no message in progress.
    unexpected_continuation = 15,
    // §5.4: "The fragments of one message MUST NOT be interleaved between the fragments of
    // another message" — a new data frame arrived before the previous message ended.
    expected_continuation = 16,
    // §5.5.1: "After sending a Close frame, the endpoint MUST NOT send any further data
    // frames." — the parser saw data after the peer's close.
    frame_after_close = 17,
    // RFC 7692 §6: "An endpoint MUST NOT set the "Per-Message Compressed" bit of control frames
    // and non-first fragments of a data message. An endpoint receiving such a frame MUST _Fail
    // the WebSocket Connection_."
    compressed_control_frame = 18,
    compressed_continuation = 19,
    // RFC 7692 §7.2.2: the payload of a compressed message is not DEFLATE data.
    invalid_compressed_data = 20,
};

// Coarse classes, as Beast maps its errors onto conditions.
enum class error_condition : std::uint8_t {
    none,
    protocol_violation, // close 1002
    invalid_payload,    // close 1007
    limit_exceeded,     // close 1009
};

// Stable identifier, e.g. "reserved_bits_set".
std::string_view name(codec_error e) noexcept;
// The document of the rule, "RFC 6455" or "RFC 7692" (permessage-deflate).
std::string_view rfc_document(codec_error e) noexcept;
// Its section in that document, e.g. "5.2".
std::string_view rfc_section(codec_error e) noexcept;
// One sentence a user can act on, e.g. "RSV1-3 set without a negotiated extension".
std::string_view describe(codec_error e) noexcept;
error_condition condition(codec_error e) noexcept;
// The close code an endpoint should send when failing for this error (§7.4.1).
std::uint16_t close_code_for(codec_error e) noexcept;

} // namespace wsspec
