#pragma once
// What happened on one case's connection: the input of the verdict. The tests build these by
// hand to drive judge() through every rule.
#include <cstdint>
#include <optional>
#include <string>

#include "codec/mask.hpp"
#include "harness/catalog/case_model.hpp"
#include "reports/report.hpp"

namespace wsspec::engine {

struct observation {
    catalog::peer_role peer = catalog::peer_role::server;
    bool connected = false;
    std::string connect_error;
    // The opening handshake ended in a valid 101: the WebSocket phase ran.
    bool upgraded = false;
    // wsspec, as the server, answered a non-101 the case asked for and went on as a WebSocket
    // server (handshake_outcome::answered_otherwise): judged like an opened connection.
    bool answered_otherwise = false;
    std::string handshake_error; // why not, when not
    // The case requires an extension the peer declined (Autobahn's UNIMPLEMENTED).
    bool unimplemented = false;
    std::string negotiated_extensions; // Sec-WebSocket-Extensions of the 101, as sent
    // Something wsspec cannot judge (a negotiated extension it cannot decode): behavior ERROR,
    // kept apart from the peer's failures.
    std::string harness_error;
    catalog::event_list received;
    // Autobahn's closing-handshake facts (autobahn-python WebSocketProtocol).
    bool closed_by_me = false;   // the harness sent the first close frame
    bool failed_by_me = false;   // the harness failed the connection (timer or violation)
    bool dropped_by_me = false;  // the harness closed TCP before the peer did
    bool was_clean = false;      // close frames both ways and, if the harness is the client and
                                 // closed first, the server closed TCP in time
    bool close_received = false; // the peer sent a close frame (with or without a code)
    bool peer_reset = false;     // the peer reset the TCP connection (a crash looks like this)
    // Autobahn's timeout facts (report::case_result says which is which).
    bool open_timeout = false, close_timeout = false, drop_timeout = false;
    std::string not_clean_reason;
    std::optional<std::uint16_t> remote_close_code;
    std::string remote_close_reason;
    std::optional<std::uint16_t> local_close_code;
    std::optional<report::violation> violation; // first RFC violation by the peer
    std::string limit_exceeded; // the peer passed wsspec's frame/message limit: why, in words
    // What a step saw that the events do not say (a repeat step: which round trip went wrong,
    // and how); added to the reason of a verdict that is not OK.
    std::string step_detail;
    // The client's masking keys (wsspec is the server), for client_checks.
    std::uint64_t masked_frames = 0, zero_key_frames = 0;
    std::optional<mask_key> first_key;
    bool one_key = true; // every frame so far had first_key
    // It closed TCP while wsspec held it open after the closing handshake.
    bool peer_closed_first = false;
    // Its Sec-WebSocket-Key was one it had sent before (fresh_handshake_key).
    bool handshake_key_reused = false;
    double duration_ms = 0; // handshake done → TCP closed
    report::case_metrics metrics;
    // The data messages so far (Autobahn's trafficStats, less the wire and preopen bytes that
    // metrics and the handshake hold); a repeat step that succeeds keeps a copy in metrics.
    report::traffic_stats traffic;
};

} // namespace wsspec::engine
