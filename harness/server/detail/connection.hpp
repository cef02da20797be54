#pragma once
// One reference-server connection, run on its own thread: opening handshake, echo loop, close.
#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "harness/server/quirk.hpp"
#include "harness/server/reference_server.hpp"
#include "harness/transport/stream.hpp"

namespace wsspec::server::detail {

struct connection_context {
    const server_options& options;
    quirk_set quirks;
    // Set by reference_server::stop(); connections notice it within one poll slice.
    const std::atomic<bool>& stopping;
    // Serialised by the caller; never empty.
    std::function<void(const std::string&)> log;
};

// Returns when the connection is over; the stream is closed by then.
void run_connection(std::unique_ptr<transport::stream> s, const connection_context& ctx);

} // namespace wsspec::server::detail
