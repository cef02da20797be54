#pragma once
// A conformance case as loaded from cases/*.json (format: cases/README.md, schema:
// cases/case.schema.json). Plain data: the engine runs it, the verdict judges against it,
// reports print it.
//
// A case has two phases. The opening handshake (`handshake_def`: the request wsspec sends when
// the peer under test is a server, the response it answers with when the peer is a client),
// then the WebSocket phase (`steps`), which runs only if the handshake ended in a 101.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "codec/deflate/negotiation.hpp"
#include "codec/frame_encoder.hpp"
#include "codec/handshake/client_request.hpp"
#include "harness/catalog/event.hpp"
#include "harness/catalog/payload.hpp"
#include "reports/verdict.hpp"

namespace wsspec::catalog {

// The role of the implementation under test. wsspec takes the other one: it is the client when
// the peer is a server (frames it sends are masked, frames it reads must not be), and the
// server when the peer is a client.
enum class peer_role : std::uint8_t { server, client };

// A frame a step sends, as the case file says it: every header field can be wrong on purpose.
struct frame_def {
    std::uint8_t opcode = 0x1;
    bool fin = true;
    std::uint8_t rsv = 0;
    payload data;
    // automatic: masked with a fresh key when wsspec is the client, unmasked when it is the
    // server (RFC 6455 §5.1); none / fixed: exactly that, whatever the role.
    enum class mask_mode : std::uint8_t { automatic, none, fixed } mask = mask_mode::automatic;
    mask_key key{};
    length_encoding encoding = length_encoding::minimal;
    std::optional<std::uint64_t> declared_length;
    // Compress the payload with the negotiated permessage-deflate (RFC 7692 §7.2.1) and set RSV1
    // on the message's first frame; sent as it is when deflate was not negotiated. `fragment`
    // then cuts the compressed bytes, as Autobahn's auto-fragmentation does.
    bool compressed = false;
};

struct wait_def {
    bool settle = false; // the adaptive settle time instead of `seconds`
    double seconds = 0;
    std::string record; // timeout marker recorded if still open afterwards; empty: none
    // "until": "pong": the pause ends early once every ping sent so far has had a pong (a
    // pause that only lets the answer arrive before the next frames is over once it is in).
    bool until_pong = false;
};

struct step_def {
    enum class kind : std::uint8_t { send, raw, close, wait } type = kind::send;
    frame_def frame;                 // send
    std::size_t fragment = 0;        // send: split the payload into frames of this size
    bool sync = false;               // send: own TCP write
    std::size_t chop = 0;            // send: write N bytes at a time
    std::vector<std::size_t> pieces; // send: payload pieces, waits in between
    std::vector<wait_def> between;
    // send: do it `repeat` times in sequence, each time waiting for the echo and checking it
    // (type, size and content) before the next; `within` bounds the whole step. Success
    // records one event {"echoes": repeat}; the first wrong echo is recorded as it came.
    std::uint32_t repeat = 0;
    double within = 60;
    // repeat: round trip i sends the corpus window i windows on (Autobahn 12.x/13.x cut their
    // messages one after the other from a test file).
    bool slide = false;
    // repeat: round trip i sends the pattern payload grown to size x grow^i (a limit found by
    // doubling: limits.size.*); 0: every round trip the same size.
    std::uint32_t grow = 0;
    payload raw;                             // raw
    std::optional<std::uint16_t> close_code; // close
    std::string close_reason;                // sent whole, even past 123 bytes (7.3.6 needs it)
    std::optional<payload> close_payload;    // close: raw body instead of code + reason
    wait_def wait;                           // wait

    // The largest payload the step puts on the wire (a growing repeat's last round trip).
    std::uint64_t largest_payload() const;
    // Round trip `i`'s payload of a growing repeat: the pattern, grow^i times as long.
    payload payload_of_round(std::uint32_t i) const;
};

// A header field an edit appends. Its value is a payload so that a request far beyond any sane
// size (hs.refuse.*) is generated when sent, not held by the catalog.
struct added_field {
    std::string name;
    payload value;
    // A "Name: value" line is written as the case wrote it, whitespace and all (hs.accept.10:
    // "Upgrade:websocket"), not rebuilt from name and value.
    std::optional<std::string> line;
};

// Changes to the HTTP message wsspec writes, applied in this order: start line, `remove`
// (every field of that name), `replace` (the first field of that name, added if absent), `add`.
struct http_edits {
    std::optional<std::string> method, version; // request
    std::optional<payload> target;              // request (a payload, for the same reason)
    std::optional<std::uint16_t> status;        // response
    std::optional<std::string> reason_phrase;   // response
    std::vector<std::string> remove;
    std::vector<handshake::header_pair> replace;
    std::vector<added_field> add;
};

struct handshake_def {
    http_edits request;            // wsspec is the client
    http_edits response;           // wsspec is the server
    std::optional<payload> raw;    // wsspec is the client: these bytes instead of a request
    std::size_t chop = 0;          // write the request N bytes at a time (1: byte by byte)
    double interval = 0;           // seconds to pause after each chop (a slowloris trickle)
    std::optional<double> within;  // seconds the handshake may take (default: the run's)
    bool with_first_frame = false; // the first step's bytes go in the request's TCP write
};

// RFC 6455 §9: what wsspec offers (as client) and what the case needs negotiated. A case whose
// `require`d extension the server declines is UNIMPLEMENTED, as Autobahn judges 12.x and 13.x.
// The negotiated extensions decide which RSV bits the peer's frames may carry.
struct extension_def {
    std::string offer;   // Sec-WebSocket-Extensions value; empty: none
    std::string require; // extension name that must be in the response; empty: none
    // wsspec as the server (a case for clients): how it answers the client's permessage-deflate
    // offers, as Autobahn's accept functions do: each entry a response naming what wsspec asks
    // of the client ("permessage-deflate; client_no_context_takeover; client_max_window_bits=9"),
    // tried in order on each offer; the server's own terms follow the offer. Empty: declined.
    std::vector<std::string> accept;
};

// One `accept` entry as the terms a server answers with; an error says what is wrong with it.
result<deflate::server_policy> accept_terms(std::string_view entry);

struct expectation {
    report::verdict level = report::verdict::ok; // ok, non_strict or informational
    std::vector<event_list> outcomes;
};

struct close_expectation {
    // harness: wsspec starts the closing handshake (Autobahn closedByMe); peer: the peer must
    // fail the connection; none: no WebSocket connection may open (the handshake is refused).
    enum class endpoint : std::uint8_t { harness, peer, none } by = endpoint::harness;
    std::vector<std::uint16_t> codes{1000};
    bool clean = true; // Autobahn requireClean
    // An empty close (no code) is accepted unless forbidden (Autobahn accepts it everywhere);
    // `required` accepts only an empty close.
    enum class empty_close : std::uint8_t {
        allowed,
        forbidden,
        required
    } empty = empty_close::allowed;
    std::optional<std::string> reason; // the peer's close reason must be exactly this
};

struct case_def {
    std::string id, group, group_title, title, description, rfc, quote;
    std::string requirement; // "must", "should", "may": the RFC keyword the quote carries
    std::string note;        // where a case deliberately differs, or an ambiguity, in a line
    std::string source;      // file it came from, for error messages
    // 1-based position in the whole catalog, which sorts Autobahn's ids first in Autobahn's order,
    // so that they keep Autobahn's case numbers (12.1.1 is 302); set by load_catalog.
    std::size_t number = 0;
    std::vector<peer_role> roles{peer_role::server};
    // Extra opening-handshake header fields, sent after any -H of the run ("Name: value" in
    // files); `wsspec fuzz` uses them for handshake variants.
    std::vector<handshake::header_pair> headers;
    handshake_def handshake;
    extension_def extensions;
    std::vector<step_def> steps;
    enum class timer_kind : std::uint8_t { none, kill, close } timer = timer_kind::none;
    double timer_seconds = 0;
    std::vector<expectation> expect; // OK first, then NON-STRICT, then INFORMATIONAL
    close_expectation close;
    bool close_failure_fatal = false;
    bool wrong_endpoint_fatal = false;
    bool suppress_close = false;
    // Close once this many events have arrived, whether or not they match (0: only when they
    // match). Autobahn's category 9 closes after the first echo and judges it.
    std::uint32_t close_after_events = 0;
    // Pongs are matched in their own order, apart from messages: a server may answer a ping
    // before it echoes a message that arrived earlier (RFC 6455 orders neither against the
    // other; the echo is the application's, the pong the endpoint's).
    bool pongs_apart = false;
    bool informational = false;
    // After the case a new connection must complete a plain opening handshake: the server
    // survived what the case sent (a refused request, a huge declared length) and still serves.
    bool still_serves = false;
    // What a case checks of a client beyond its events (client_checks in a case file); each one
    // broken makes an OK behavior NON-STRICT, with the rule in the reason.
    struct client_check_set {
        bool fresh_masking_keys = false;  // no all-zero key, not one key on every frame (§5.3)
        bool fresh_handshake_key = false; // a Sec-WebSocket-Key the agent never sent before (§4.1)
        bool server_closes_first = false; // after the closing handshake the client waits (§7.1.1)
        bool any() const {
            return fresh_masking_keys || fresh_handshake_key || server_closes_first;
        }
    } client_checks;
    // The case's connection is one of this many opened at once: before its steps wsspec opens
    // the others, upgrades each and has it echo "Hello", and holds them open until the case
    // ends (limits.connections.1). {"echoes": N-1} says every other was served,
    // {"timeout": "connections"} that some were not.
    std::uint32_t connections = 1;
    std::vector<std::string> quirks;

    bool applies_to(peer_role r) const;
    // Kinds of event that are recorded only when some expected outcome names them.
    bool observes(event::kind k) const;
};

// "1.1.10" sorts after "1.1.9": numeric tuple order, as Autobahn lists cases.
bool id_less(const std::string& a, const std::string& b);

std::string_view to_string(peer_role r) noexcept;

} // namespace wsspec::catalog
