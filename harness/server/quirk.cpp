#include "harness/server/quirk.hpp"

#include <array>

namespace wsspec::server {
namespace {

constexpr std::array<quirk_info, 61> quirk_table{{
    {quirk::accept_unmasked, "accept-unmasked",
     "accepts client frames that are not masked instead of failing the connection", "5.1"},
    {quirk::ignore_rsv, "ignore-rsv",
     "processes frames with RSV1-3 set as if the bits were 0 instead of failing", "5.2"},
    {quirk::ignore_reserved_opcodes, "ignore-reserved-opcodes",
     "silently drops frames with a reserved opcode instead of failing", "5.2"},
    {quirk::fragmented_control, "fragmented-control",
     "accepts control frames with FIN=0 (a fragmented ping is answered like a ping)", "5.5"},
    {quirk::long_control_frames, "long-control-frames",
     "accepts control frames over 125 bytes and answers a long ping with an equally long pong",
     "5.5"},
    {quirk::no_pong, "no-pong", "never answers a ping", "5.5.2"},
    {quirk::late_pong, "late-pong",
     "answers each ping only 1.5 s later, not as soon as is practical", "5.5.2"},
    {quirk::pong_empty, "pong-empty",
     "answers pings with an empty pong instead of echoing the ping's application data", "5.5.3"},
    {quirk::no_close_reply, "no-close-reply",
     "never answers a close frame and leaves TCP open until the client closes it", "5.5.1"},
    {quirk::no_tcp_close, "no-tcp-close",
     "answers a close frame but never closes TCP (waits for the client to close it)", "7.1.1"},
    {quirk::wrong_close_code, "wrong-close-code",
     "fails the connection with close code 1000 instead of 1002, 1007 or 1009", "7.4.1"},
    {quirk::fragments_as_messages, "fragments-as-messages",
     "echoes every data frame as a complete message instead of reassembling fragments", "5.4"},
    {quirk::allow_interleaving, "allow-interleaving",
     "accepts a new data frame inside a fragmented message and a continuation outside one", "5.4"},
    {quirk::binary_as_text, "binary-as-text", "echoes binary messages as text messages", "5.6"},
    {quirk::max_message_64k, "max-message-64k",
     "fails messages over 65535 bytes with close 1009 (a needlessly small limit)", "10.4"},
    {quirk::skip_utf8, "skip-utf8",
     "does not validate text messages: invalid UTF-8 is echoed instead of failing", "8.1"},
    {quirk::utf8_at_end, "utf8-at-end",
     "checks UTF-8 only once a text message is complete instead of failing fast", "8.1"},
    {quirk::no_close_validation, "no-close-validation",
     "accepts close frames with a 1-byte payload, invalid code or non-UTF-8 reason; answers 1000",
     "7.4"},
    {quirk::crash_on_ping, "crash-on-ping",
     "aborts the process when a ping arrives (to test crash detection)", "", true},
    {quirk::hang_on_ping, "hang-on-ping",
     "stops reading and writing on a connection when a ping arrives (to test hang detection)", ""},
    {quirk::accept_any_version, "accept-any-version",
     "upgrades a request whatever its Sec-WebSocket-Version, instead of answering 426", "4.2.2"},
    {quirk::corrupt_large_echo, "corrupt-large-echo",
     "flips a bit at byte 65535 of every echo of 64 KiB or more (a buffer-boundary bug): the "
     "length stays right, the content does not",
     "5.6"},
    {quirk::message_quota_500, "message-quota-500",
     "closes the connection with 1008 after echoing 500 messages (a per-connection quota too "
     "small for 1000 round trips)",
     "10.4"},
    {quirk::deflate_rsv1_uncompressed, "deflate-rsv1-uncompressed",
     "with permessage-deflate, sets RSV1 on its echoes but does not compress them", "RFC 7692 §6"},
    {quirk::deflate_keeps_context, "deflate-keeps-context",
     "with permessage-deflate, keeps its compression context across messages even when it agreed "
     "not to (server_no_context_takeover for a server, client_no_context_takeover for a client)",
     "RFC 7692 §7.1.1"},
    {quirk::deflate_rsv1_control, "deflate-rsv1-control",
     "with permessage-deflate, accepts control frames with RSV1 set instead of failing",
     "RFC 7692 §6"},
    {quirk::deflate_rsv1_continuation, "deflate-rsv1-continuation",
     "with permessage-deflate, accepts RSV1 on continuation frames instead of failing",
     "RFC 7692 §6"},
    {quirk::deflate_drop_invalid, "deflate-drop-invalid",
     "with permessage-deflate, silently drops a message whose DEFLATE data is invalid instead of "
     "failing the connection",
     "RFC 7692 §7.2.2"},
    {quirk::deflate_no_inflate_limit, "deflate-no-inflate-limit",
     "with permessage-deflate, inflates messages with no size limit (a compression bomb)", "10.4"},
    {quirk::deflate_accepts_any_offer, "deflate-accepts-any-offer",
     "accepts the first permessage-deflate offer even when it is invalid (unknown or duplicate "
     "parameters, bad window sizes), answering plain permessage-deflate",
     "RFC 7692 §7"},
    {quirk::deflate_client_bits_unasked, "deflate-client-bits-unasked",
     "puts client_max_window_bits=15 in its permessage-deflate response even when the offer did "
     "not carry client_max_window_bits",
     "RFC 7692 §7.1.2.2"},
    {quirk::reject_zero_mask, "reject-zero-mask",
     "fails the connection on a frame masked with the all-zero key, as if it were unmasked", "5.3"},
    {quirk::reject_repeated_mask, "reject-repeated-mask",
     "fails the connection when a frame reuses the masking key of the frame before it", "5.3"},
    {quirk::accept_non_minimal_length, "accept-non-minimal-length",
     "reads a payload length encoded in more bytes than needed (126 + 0x0005) as if it were "
     "minimal, on control frames too",
     "5.2"},
    {quirk::length_msb_ignored, "length-msb-ignored",
     "reads a 64-bit payload length without its most significant bit (2^63 + 5 becomes 5)", "5.2"},
    {quirk::no_message_limit, "no-message-limit",
     "takes frames and messages of any size: a frame that declares 2^62 bytes is waited for",
     "10.4"},
    {quirk::accept_any_request, "accept-any-request",
     "upgrades any request that parses as HTTP, whatever its method, version, Host, Upgrade, "
     "Connection, Sec-WebSocket-Key or Sec-WebSocket-Version",
     "4.2.1"},
    {quirk::refuse_without_426, "refuse-without-426",
     "refuses a missing or unknown Sec-WebSocket-Version with 400 and no Sec-WebSocket-Version "
     "field naming the version it speaks",
     "4.2.2"},
    {quirk::literal_fields, "literal-fields",
     "looks for the literal lines \"Upgrade: websocket\" and \"Connection: Upgrade\" instead of "
     "parsing field names, tokens and whitespace as RFC 7230 defines them",
     "4.2.1"},
    {quirk::refuse_unknown_fields, "refuse-unknown-fields",
     "refuses a request that carries a header field it does not know (User-Agent, X-…)", "4.2.1"},
    {quirk::one_read_handshake, "one-read-handshake",
     "expects the whole request in its first read and refuses one that arrives in pieces", "4.2.1"},
    {quirk::drop_early_frames, "drop-early-frames",
     "discards bytes that arrive in the same read as the request (a frame sent right behind it)",
     "4.2.1"},
    {quirk::echo_subprotocol_list, "echo-subprotocol-list",
     "answers Sec-WebSocket-Protocol with the client's whole list instead of one of its elements",
     "4.2.2"},
    {quirk::echo_extensions, "echo-extensions",
     "accepts every extension offered that it does not know, echoing it in "
     "Sec-WebSocket-Extensions",
     "9.1"},
    {quirk::wrong_accept_key, "wrong-accept-key",
     "computes Sec-WebSocket-Accept from the key with its '=' padding stripped (a sloppy field "
     "parser)",
     "4.2.2"},
    {quirk::no_head_limit, "no-head-limit",
     "buffers a request line and header block of any size (a 1 MiB target is read and upgraded)",
     "10.4"},
    {quirk::wait_for_blank_line, "wait-for-blank-line",
     "reads until the empty line before looking at a request, so garbage that never has one is "
     "neither refused nor closed",
     "4.2.1"},
    {quirk::no_handshake_timeout, "no-handshake-timeout",
     "waits for an opening handshake for ever (a request trickling in a byte a second holds the "
     "connection)",
     "10.4"},
    {quirk::max_connections_64, "max-connections-64",
     "answers 503 to every opening handshake while 64 connections are open (a limit far below "
     "what a server is asked to hold)",
     "10.4"},
    {quirk::client_no_mask, "no-mask", "the client sends its frames unmasked (the mask bit clear)",
     "5.3"},
    {quirk::client_accept_masked, "accept-masked",
     "the client reads masked frames from the server instead of failing the connection", "5.1"},
    {quirk::client_reuse_mask, "reuse-mask-key",
     "the client masks every frame of a connection with the same key (not a fresh one)", "5.3"},
    {quirk::client_zero_mask, "zero-mask-key",
     "the client masks every frame with the all-zero key (its frames travel in clear)", "5.3"},
    {quirk::client_same_key, "same-handshake-key",
     "the client sends the same Sec-WebSocket-Key in every opening handshake", "4.1"},
    {quirk::client_ignore_accept, "ignore-accept-key",
     "the client does not check Sec-WebSocket-Accept (a wrong or missing one is taken)", "4.1"},
    {quirk::client_accept_any_status, "accept-any-status",
     "the client takes any status code as an accepted handshake, not only 101", "4.1"},
    {quirk::client_ignore_upgrade, "ignore-upgrade-fields",
     "the client does not check the response's Upgrade and Connection fields", "4.1"},
    {quirk::client_accept_unoffered, "accept-unoffered",
     "the client takes an extension or subprotocol in the response that it did not offer", "4.1"},
    {quirk::client_close_tcp_first, "close-tcp-first",
     "the client closes TCP as soon as the closing handshake is done instead of waiting for the "
     "server to close it",
     "7.1.1"},
    {quirk::client_no_host, "no-host", "the client's opening request has no Host field", "4.1"},
    {quirk::client_version_8, "version-8",
     "the client asks for Sec-WebSocket-Version 8 (a draft) instead of 13", "4.1"},
}};

constexpr bool table_in_enum_order() {
    for (std::size_t i = 0; i < quirk_table.size(); ++i)
        if (static_cast<std::size_t>(quirk_table[i].id) != i) return false;
    return true;
}
static_assert(table_in_enum_order(), "quirk_table must list the quirks in enum order");

std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

} // namespace

quirk_role role_of(quirk q) noexcept {
    switch (q) {
    // The request and the client's frames are the server's to check; closing TCP first is the
    // server's duty (RFC 6455 §7.1.1), so a client that leaves it open breaks nothing.
    case quirk::no_tcp_close:
    case quirk::accept_unmasked:
    case quirk::accept_any_version:
    case quirk::reject_zero_mask:
    case quirk::reject_repeated_mask:
    case quirk::accept_any_request:
    case quirk::refuse_without_426:
    case quirk::literal_fields:
    case quirk::refuse_unknown_fields:
    case quirk::one_read_handshake:
    case quirk::drop_early_frames:
    case quirk::echo_subprotocol_list:
    case quirk::echo_extensions:
    case quirk::wrong_accept_key:
    case quirk::no_head_limit:
    case quirk::wait_for_blank_line:
    case quirk::no_handshake_timeout:
    case quirk::max_connections_64:
    case quirk::deflate_accepts_any_offer:
    case quirk::deflate_client_bits_unasked: return quirk_role::server;
    case quirk::client_no_mask:
    case quirk::client_accept_masked:
    case quirk::client_reuse_mask:
    case quirk::client_zero_mask:
    case quirk::client_same_key:
    case quirk::client_ignore_accept:
    case quirk::client_accept_any_status:
    case quirk::client_ignore_upgrade:
    case quirk::client_accept_unoffered:
    case quirk::client_close_tcp_first:
    case quirk::client_no_host:
    case quirk::client_version_8: return quirk_role::client;
    default: return quirk_role::both;
    }
}

std::span<const quirk_info> all_quirks() noexcept {
    return quirk_table;
}

const quirk_info& info(quirk q) noexcept {
    return quirk_table[static_cast<std::size_t>(q)];
}

std::optional<quirk> parse_quirk(std::string_view name) noexcept {
    for (const auto& qi : quirk_table)
        if (qi.name == name) return qi.id;
    return std::nullopt;
}

result<std::vector<quirk>> parse_quirk_list(std::string_view list, quirk_role peer) {
    std::vector<quirk> out;
    while (!list.empty()) {
        std::size_t comma = list.find(',');
        std::string_view item = trim(list.substr(0, comma));
        list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
        if (item.empty()) continue;
        auto q = parse_quirk(item);
        if (!q) {
            std::string known;
            for (const auto& qi : quirk_table) {
                if (!known.empty()) known += ", ";
                known += qi.name;
            }
            return make_error("unknown quirk '" + std::string(item) + "' (known: " + known + ")");
        }
        if (role_of(*q) != quirk_role::both && role_of(*q) != peer)
            return make_error("quirk '" + std::string(item) + "' breaks a rule of the " +
                              (role_of(*q) == quirk_role::client
                                   ? "client: switch it on for `wsspec client`"
                                   : "server: switch it on for `wsspec serve` or `wsspec run`"));
        out.push_back(*q);
    }
    return out;
}

} // namespace wsspec::server
