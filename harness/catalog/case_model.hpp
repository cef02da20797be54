#pragma once
// A conformance case as loaded from cases/*.json (format: cases/README.md). Plain data: the
// engine runs it, the verdict judges against it, reports print it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "codec/frame_encoder.hpp"
#include "codec/handshake/client_request.hpp"

namespace wsspec::catalog {

using bytes = std::vector<std::uint8_t>;

struct frame_def {
    std::uint8_t opcode = 0x1;
    bool fin = true;
    std::uint8_t rsv = 0;
    bytes payload;
    enum class mask_mode : std::uint8_t { automatic, none, fixed } mask = mask_mode::automatic;
    mask_key key{};
    length_encoding encoding = length_encoding::minimal;
    std::optional<std::uint64_t> declared_length;
};

struct wait_def {
    bool settle = false; // the adaptive settle time instead of `seconds`
    double seconds = 0;
    std::string record; // timeout marker recorded if still open afterwards; empty: none
};

struct step_def {
    enum class kind : std::uint8_t { send, raw, close, wait } type = kind::send;
    frame_def frame;                 // send
    std::size_t fragment = 0;        // send: split the payload into frames of this size
    bool sync = false;               // send: own TCP write
    std::size_t chop = 0;            // send: write N bytes at a time
    std::vector<std::size_t> pieces; // send: payload pieces, waits in between
    std::vector<wait_def> between;
    bytes raw;                               // raw
    std::optional<std::uint16_t> close_code; // close
    std::string close_reason;
    std::optional<bytes> close_payload; // close: raw body instead of code + reason
    wait_def wait;                      // wait
};

struct event {
    enum class kind : std::uint8_t { text, binary, pong, timeout } type = kind::text;
    bytes payload;   // text/binary/pong
    std::string tag; // timeout
    bool operator==(const event&) const = default;
};

using event_list = std::vector<event>;

struct expectation {
    std::string level; // "OK", "NON-STRICT"
    std::vector<event_list> outcomes;
};

struct close_expectation {
    bool by_harness = true; // Autobahn closedByMe
    std::vector<std::uint16_t> codes{1000};
    bool clean = true; // Autobahn requireClean
};

struct case_def {
    std::string id, group, group_title, title, description, rfc, quote;
    std::string source; // file it came from, for error messages
    // Extra opening-handshake header fields, sent after any -H of the run ("Name: value" in
    // files); `wsspec fuzz` uses them for handshake variants.
    std::vector<handshake::header_pair> headers;
    std::vector<step_def> steps;
    enum class timer_kind : std::uint8_t { none, kill, close } timer = timer_kind::none;
    double timer_seconds = 0;
    std::vector<expectation> expect; // in file order: first match wins
    close_expectation close;
    bool close_failure_fatal = false;
    bool wrong_endpoint_fatal = false;
    bool suppress_close = false;
    // Pongs are matched in their own order, apart from messages: a server may answer a ping
    // before it echoes a message that arrived earlier (RFC 6455 orders neither against the
    // other; the echo is the application's, the pong the endpoint's).
    bool pongs_apart = false;
    bool informational = false;
    std::vector<std::string> quirks;
};

// "1.1.10" sorts after "1.1.9": numeric tuple order, as Autobahn lists cases.
bool id_less(const std::string& a, const std::string& b);

} // namespace wsspec::catalog
