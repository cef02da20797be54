#pragma once
// The result of a run, as every report format sees it. The harness fills it; writers render it.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "reports/verdict.hpp"

namespace wsspec::report {

struct wire_entry {
    double t_ms = 0;  // since the connection was opened
    std::string what; // "TX", "RX", "TF" (frame sent), "RF" (frame received), "EV", "TIMER"
    std::string text;
};

struct violation {
    std::string rule;    // codec_error or handshake_error name
    std::string section; // its section in `document`
    std::string text;
    unsigned long long offset = 0;     // byte of the server's stream where it happened
    std::string document = "RFC 6455"; // or "RFC 7692" (permessage-deflate)
};

// Autobahn's trafficStats: the data messages of a connection, both ways. "wire": every byte
// once the connection is open (frames of any kind), "preopen": the opening handshake's;
// "websocket": data frame payloads as sent (compressed); "app": the messages (inflated).
struct traffic_stats {
    struct direction {
        unsigned long long wire = 0, websocket = 0, app = 0, frames = 0, messages = 0, preopen = 0;
        bool operator==(const direction&) const = default;
    } outgoing, incoming;
    bool operator==(const traffic_stats&) const = default;
};

// Per-case measurements: what a user compares between runs, not what decides the verdict.
struct case_metrics {
    double handshake_rtt_ms = 0;
    unsigned long long bytes_sent = 0, bytes_received = 0;
    // Round trips of repeat steps (send, then its echo), in ms.
    unsigned long long round_trips = 0;
    double rtt_p50_ms = 0, rtt_p90_ms = 0, rtt_p99_ms = 0, rtt_max_ms = 0;
    // The largest message a repeat step got back intact (a limit found by doubling lies above).
    unsigned long long largest_echo_bytes = 0;
    // Autobahn's createStats: frames received and sent by opcode, and reads and writes by their
    // size in bytes (handshake included), each with its count.
    std::map<unsigned, unsigned long long> rx_frames, tx_frames;
    std::map<unsigned long long, unsigned long long> rx_reads, tx_writes;
    // As Autobahn keeps it: taken when the last round trip of a repeat step came back (9.7,
    // 9.8, 12.x, 13.x), none when it did not.
    std::optional<traffic_stats> traffic;
};

struct case_result {
    std::string id, group, group_title, title, description, rfc, quote, requirement, note;
    // Autobahn's `case`: 1-based position in the whole catalog (a run) or in the served list
    // (serve-cases); Autobahn's ids keep Autobahn's numbers (12.1.1 is 302). 0: unknown.
    std::size_t number = 0;
    std::string role = "server"; // of the peer under test
    verdict behavior = verdict::failed;
    verdict behavior_close = verdict::failed;
    std::string reason; // one line, for anything not OK
    double duration_ms = 0;
    std::optional<int> remote_close_code;
    std::string remote_close_reason;
    std::optional<int> local_close_code;
    bool closed_by_me = false, failed_by_me = false, dropped_by_me = false, was_clean = false;
    bool upgraded = false;   // the opening handshake ended in a valid 101
    bool peer_reset = false; // the peer reset TCP (or refused it with a reset): maybe it died
    // Which of Autobahn's timeouts ended the connection: no answer to the opening handshake, no
    // close frame in answer to ours, TCP still open after the closing handshake (a server's to
    // close; Autobahn's wasServerConnectionDropTimeout).
    bool open_timeout = false, close_timeout = false, drop_timeout = false;
    std::string was_not_clean_reason;
    nlohmann::json expected = nlohmann::json::object(); // level → list of event lists
    // Autobahn's expectedClose: {"closeCode": [...], "closedByMe", "requireClean"}.
    nlohmann::json expected_close = nlohmann::json::object();
    nlohmann::json received = nlohmann::json::array();
    std::optional<violation> server_violation;
    std::string http_request, http_response;
    case_metrics metrics;
    std::vector<wire_entry> wirelog;
};

struct run_report {
    std::string tool = "wsspec";
    std::string version;
    std::string target;
    std::string agent;   // the server's Server header, else the target
    std::string started; // ISO 8601 UTC
    double duration_ms = 0;
    unsigned long long seed = 0;
    unsigned jobs = 0;
    bool strict = false;
    double settle_ms = 0;
    double timer_scale = 1;   // --timer-scale: verdicts mean Autobahn's only at 1
    bool interrupted = false; // Ctrl-C: the report holds what ran
    std::string error;        // no case could run: unreachable, or the pre-flight handshake failed
    std::string note;         // e.g. "target stopped accepting connections after case 2.3"
    // Cases the selection holds that this agent skipped (a spec's exclude-agent-cases).
    std::vector<std::string> excluded;
    std::vector<case_result> cases;
};

// Does this case count as passed? behavior OK/INFORMATIONAL (NON-STRICT too unless strict) and
// behaviorClose OK/INFORMATIONAL — the set Autobahn users check in CI.
bool passed(const case_result& c, bool strict);

// The one verdict a matrix cell or a count shows for a case: ERROR or CRASHED as they are; a case
// that did not pass as FAILED (or NON-STRICT, when --strict made that a failure); else its
// behavior (OK, NON-STRICT, INFORMATIONAL, UNIMPLEMENTED).
verdict headline(const case_result& c, bool strict);

struct summary {
    std::size_t total = 0, passed = 0, failed = 0, errors = 0, crashed = 0;
    std::map<verdict, std::size_t> behavior, behavior_close;
};
summary summarize(const run_report& r);
// How many of its cases got behavior `v`.
std::size_t behavior_count(const summary& s, verdict v);
summary summarize(const std::vector<run_report>& targets);

// Autobahn's trafficStats dict: the counts, plus compression ratio (websocket / app) and
// overhead ((wire - websocket) / websocket) each way, null where the divisor is 0.
nlohmann::json traffic_json(const traffic_stats& t);
// The counts back from that dict (what is missing stays 0).
traffic_stats traffic_from_json(const nlohmann::json& j);

// One of case_metrics' stats as Autobahn writes it: {"<size or opcode>": count}.
nlohmann::json stats_json(const std::map<unsigned, unsigned long long>& m);
nlohmann::json stats_json(const std::map<unsigned long long, unsigned long long>& m);

} // namespace wsspec::report
