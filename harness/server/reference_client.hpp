#pragma once
// The reference client (`wsspec client URL`): the reference server's connection in the client's
// role, driving Autobahn's client loop against a fuzzingserver — wsspec's own `serve-cases`, or
// Autobahn's: GET /getCaseCount (one text message: the count), then for each case
// /runCase?case=N&agent=A (echo every message until the server closes), then
// /updateReports?agent=A. Its quirks break the client's rules on purpose, so that every
// client-role case can be shown to fail (design.md, "Self-validation").
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "codec/result.hpp"
#include "harness/server/quirk.hpp"
#include "harness/transport/url.hpp"

namespace wsspec::server {

struct client_options {
    transport::url server; // ws://host:port of the fuzzingserver (wss:// is not supported yet)
    std::string agent = "wsspec-reference-client";
    std::vector<quirk> quirks;
    // Offer permessage-deflate (RFC 7692) on the cases' connections, as browsers do
    // ("permessage-deflate; client_max_window_bits"), and compress every echo once accepted.
    bool deflate = false;
    std::uint64_t seed = 1;
    // Only these cases (1-based, of the server's count); empty: all of them.
    std::vector<unsigned> only;
    bool update_reports = true;
    std::chrono::milliseconds connect_timeout{5'000};
    // One line per notable event (a handshake it refused, a case it could not connect for).
    std::function<void(const std::string&)> log;
    // After each case: its number and the count.
    std::function<void(unsigned, unsigned)> on_case;
};

struct client_summary {
    unsigned case_count = 0; // what /getCaseCount said
    unsigned cases_run = 0;
};

// Runs the loop; an error when the server cannot be reached or does not answer /getCaseCount
// with a number. A case that goes wrong is the server's to judge, not an error here. The quirks
// that make a request invalid (no-host, version-8) apply to the /runCase connections only.
result<client_summary> run_client_loop(const client_options& o);

// One connection to `target` on the server: the opening handshake, then echo (or hand each
// message to on_message) until the connection ends.
result<void> run_client_connection(const client_options& o, const std::string& target,
                                   std::function<void(std::string_view)> on_message = {});

} // namespace wsspec::server
