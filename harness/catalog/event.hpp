#pragma once
// What a case observes of its peer, as events in order: messages, pongs, timeout markers, and,
// when the case's expectations name them, the peer's close frame and its HTTP opening message.
// The same type says what is expected and what was received; event_matches() compares them.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "harness/catalog/payload.hpp"

namespace wsspec::catalog {

// What a header field of an observed HTTP message must say: `value` is a token of its list
// (RFC 7230 §7), compared without case, or, with `exact`, its whole value.
struct field_expectation {
    std::string name;
    std::string value;
    bool exact = false;
};

struct http_expectation {
    std::optional<std::uint16_t> status; // response
    // Expected responses only: any status of this class (4 for "4xx"); RFC 7231 §6 lets a
    // server pick the code of a refusal within its class.
    std::optional<std::uint8_t> status_class;
    std::optional<std::string> method; // request
    std::vector<field_expectation> fields;
    std::vector<std::string> absent; // fields that must not be there
};

struct event {
    enum class kind : std::uint8_t {
        text,
        binary,
        pong,
        timeout,
        close,         // the peer's close frame (recorded only when an expectation names one)
        http_response, // the peer's answer to the opening handshake (likewise)
        http_request,  // the peer's opening request, when the peer is a client (likewise)
        echoes,        // a repeat step that got every echo right
    } type = kind::text;
    payload data;    // text, binary, pong; close: the reason
    std::string tag; // timeout
    // close: the code (none: an empty close), and whether the reason is checked (expected
    // events only: an expected close without a "reason" accepts any).
    std::optional<std::uint16_t> code;
    bool reason_checked = false;
    // http_response / http_request: received messages fill status / method and `fields` with
    // every field (value exact); expected ones say what must hold.
    http_expectation http;
    std::uint64_t count = 0; // echoes
};

using event_list = std::vector<event>;

// Does a received event satisfy an expected one?
bool event_matches(const event& expected, const event& received);

// "[message text 5 B "Hello", pong 0 B]", payloads cut to 40 bytes.
std::string describe(const event_list& events);
// Report form (Autobahn's: ["message", preview, is_binary], ["pong", preview], …); past
// max_report_events one last ["more", N] says how many were left out.
inline constexpr std::size_t max_report_events = 1000;
nlohmann::json to_report_json(const event_list& events);

} // namespace wsspec::catalog
