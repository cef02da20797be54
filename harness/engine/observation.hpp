#pragma once
// What happened on one case's connection: the input of the verdict.
#include <cstdint>
#include <optional>
#include <string>

#include "harness/catalog/case_model.hpp"
#include "reports/report.hpp"

namespace wsspec::engine {

struct observation {
    bool connected = false;
    std::string connect_error;
    bool handshake_ok = false;
    std::string handshake_error;
    catalog::event_list received;
    // Autobahn's closing-handshake facts (autobahn-python WebSocketProtocol).
    bool closed_by_me = false;  // the harness sent the first close frame
    bool failed_by_me = false;  // the harness failed the connection (timer or violation)
    bool dropped_by_me = false; // the harness closed TCP
    bool was_clean = false;     // close frames both ways and, if the harness closed first, the
                                // server closed TCP in time
    std::string not_clean_reason;
    std::optional<std::uint16_t> remote_close_code;
    std::string remote_close_reason;
    std::optional<std::uint16_t> local_close_code;
    std::optional<report::violation> violation; // first RFC violation by the server
    double duration_ms = 0;                     // handshake done → TCP closed
    double handshake_rtt_ms = 0;
};

} // namespace wsspec::engine
