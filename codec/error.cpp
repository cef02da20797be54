#include "codec/error.hpp"

namespace wsspec {
namespace {

struct error_row {
    std::string_view name;
    std::string_view section;
    std::string_view text;
    error_condition cond;
    std::string_view document = "RFC 6455";
};

constexpr error_row rows[] = {
    {"none", "", "no error", error_condition::none},
    {"reserved_bits_set", "5.2", "RSV1, RSV2 or RSV3 set without a negotiated extension",
     error_condition::protocol_violation},
    {"reserved_opcode", "5.2", "reserved opcode (0x3-0x7 or 0xB-0xF)",
     error_condition::protocol_violation},
    {"control_frame_fragmented", "5.5",
     "control frame with FIN=0 (control frames MUST NOT be fragmented)",
     error_condition::protocol_violation},
    {"control_payload_too_long", "5.5", "control frame payload longer than 125 bytes",
     error_condition::protocol_violation},
    {"non_minimal_length", "5.2", "payload length not encoded with the minimal number of bytes",
     error_condition::protocol_violation},
    {"length_msb_set", "5.2", "64-bit payload length with the most significant bit set",
     error_condition::protocol_violation},
    {"unmasked_client_frame", "5.1", "client frame is not masked",
     error_condition::protocol_violation},
    {"masked_server_frame", "5.1", "server frame is masked", error_condition::protocol_violation},
    {"frame_too_large", "10.4", "frame payload exceeds the configured limit",
     error_condition::limit_exceeded},
    {"message_too_large", "10.4", "message exceeds the configured limit",
     error_condition::limit_exceeded},
    {"close_payload_size_1", "5.5.1", "close frame payload of exactly 1 byte",
     error_condition::protocol_violation},
    {"invalid_close_code", "7.4", "close status code that must not appear on the wire",
     error_condition::protocol_violation},
    {"invalid_close_reason_utf8", "5.5.1", "close reason is not valid UTF-8",
     error_condition::invalid_payload},
    {"invalid_utf8", "8.1", "text message is not valid UTF-8", error_condition::invalid_payload},
    {"unexpected_continuation", "5.4", "continuation frame without a message in progress",
     error_condition::protocol_violation},
    {"expected_continuation", "5.4",
     "new data frame while a fragmented message is in progress (expected a continuation)",
     error_condition::protocol_violation},
    {"frame_after_close", "5.5.1", "frame received after the close frame",
     error_condition::protocol_violation},
    {"compressed_control_frame", "6",
     "control frame with RSV1 (the Per-Message Compressed bit) set",
     error_condition::protocol_violation, "RFC 7692"},
    {"compressed_continuation", "6",
     "continuation frame with RSV1 (the Per-Message Compressed bit) set: only a message's first "
     "frame may carry it",
     error_condition::protocol_violation, "RFC 7692"},
    {"invalid_compressed_data", "7.2.2", "compressed message payload is not valid DEFLATE data",
     error_condition::invalid_payload, "RFC 7692"},
};

const error_row& row(codec_error e) noexcept {
    auto i = static_cast<std::size_t>(e);
    return i < std::size(rows) ? rows[i] : rows[0];
}

} // namespace

std::string_view name(codec_error e) noexcept {
    return row(e).name;
}
std::string_view rfc_document(codec_error e) noexcept {
    return row(e).document;
}

std::string_view rfc_section(codec_error e) noexcept {
    return row(e).section;
}
std::string_view describe(codec_error e) noexcept {
    return row(e).text;
}
error_condition condition(codec_error e) noexcept {
    return row(e).cond;
}

std::uint16_t close_code_for(codec_error e) noexcept {
    switch (condition(e)) {
    case error_condition::none: return 1000;
    case error_condition::protocol_violation: return 1002;
    case error_condition::invalid_payload: return 1007;
    case error_condition::limit_exceeded: return 1009;
    }
    return 1002;
}

} // namespace wsspec
