#pragma once
// The reference server (`wsspec serve`): an RFC 6455 echo server on the codec, usable as an
// Autobahn "testee", with quirks that each break one rule on purpose (quirk.hpp).
//
// It selects no subprotocol and accepts no extension but permessage-deflate (RFC 7692) when
// `deflate` is set: then it inflates compressed messages (their UTF-8 and size checked on the
// inflated bytes) and compresses every echo (see echo_policy()). It echoes every text/binary
// message as one unmasked frame of the same opcode, answers pings at once, answers a close by
// echoing its code and then closes TCP first (RFC 6455 §7.1.1), and fails the connection on any
// codec error with the close code the error maps to (§7.4.1). Users benchmark their tools against
// it
// (`wsspec load`), so it is an event loop per core (epoll, non-blocking sockets) with the echoes
// of one read written in one write, rather than a thread per connection.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "codec/deflate/negotiation.hpp"
#include "codec/result.hpp"
#include "harness/server/quirk.hpp"
#include "harness/transport/tls_options.hpp"

namespace wsspec::server {

// The permessage-deflate terms of `wsspec serve --deflate` and of `wsspec run`'s in-process
// server: no context takeover on either side, whether the offer asked for it or not (RFC 7692
// §7.1.1.1 and §7.1.1.2 let a server add both parameters), as uWebSockets' shared compressor
// does; where the offer lets it (client_max_window_bits, §7.1.2.2) it also holds the client's
// window to its own. Every message then stands alone, so one that arrived compressed with a
// window no larger than the server's is echoed with the compressed bytes it came with: they
// inflate to the same message under the server's terms, and the server only inflates (to check
// it) instead of compressing again, a third of the work in categories 12 and 13.
deflate::server_policy echo_policy();

struct server_options {
    // An address or name; "::1" and "0.0.0.0" work, "" or "::" is every address (dual stack).
    std::string host = "127.0.0.1";
    std::uint16_t port = 0; // 0: an ephemeral port, see reference_server::port()
    // Event loop threads; 0: one per core.
    unsigned threads = 0;
    std::optional<transport::tls_server_options> tls;
    std::vector<quirk> quirks;
    // Accept permessage-deflate offers (the first one it can honour, RFC 7692 §7) on these
    // terms; none: decline every offer.
    std::optional<deflate::server_policy> deflate;
    // RFC 6455 §10.4: larger messages (and frames) fail the connection with close 1009.
    std::size_t max_message = std::size_t{64} << 20;
    // A connection that sends nothing for this long is closed (1001).
    std::chrono::milliseconds idle_timeout{60'000};
    // The whole opening handshake must arrive within this (limits.slowloris.1: a request that
    // trickles in is dropped here, not held for ever).
    std::chrono::milliseconds handshake_timeout{5'000};
    // After the server's close frame (or HTTP refusal) and FIN: how long to drain the client's
    // last bytes, so the kernel ends with FIN rather than RST.
    std::chrono::milliseconds drain_timeout{1'000};
    // Output the client does not take within this (its receive window stays full) drops the
    // connection.
    std::chrono::milliseconds write_timeout{10'000};
    // A heartbeat: a ping to every open connection this often (0: none). Servers in the wild
    // do this (RFC 6455 §5.5.2: "A Ping frame MAY be sent any time after the opening
    // handshake"); the harness must keep its own frames whole around the pings it answers.
    std::chrono::milliseconds ping_interval{0};
    // How long quirk::late_pong holds each pong.
    std::chrono::milliseconds late_pong_delay{1'500};
    // One line per notable event (connection refused or failed, ...). Called from the event
    // loop threads, one call at a time.
    std::function<void(const std::string&)> log;
};

class reference_server {
public:
    // Binds, then accepts on a background thread. Errors: bad TLS files, address in use, ...
    static result<std::unique_ptr<reference_server>> start(server_options options);

    reference_server(const reference_server&) = delete;
    reference_server& operator=(const reference_server&) = delete;
    ~reference_server(); // stop()

    std::uint16_t port() const noexcept;
    // "127.0.0.1:40123", "[::1]:40123".
    std::string local_address() const;
    bool is_tls() const noexcept;
    const server_options& options() const noexcept;

    // Closes the listener, closes every connection (close 1001 where a WebSocket is open, after
    // a short drain) and joins every thread. Idempotent.
    void stop();

    struct state;

private:
    explicit reference_server(std::unique_ptr<state> s);
    std::unique_ptr<state> s_;
};

// For the CLI: starts the server, announces exactly "listening on ws://127.0.0.1:PORT" (wss://
// with TLS), runs until stop_flag becomes true, then stops. The announcement goes to `announce`,
// or to stdout (flushed, so a parent process reading a pipe sees it at once) when that is empty.
// The active quirks and a start failure are reported through options.log, or stderr when that
// is unset. Returns 0 after a clean stop and 2 when the server cannot start.
int serve_forever(server_options options, const std::atomic<bool>& stop_flag,
                  std::function<void(const std::string&)> announce = {});

} // namespace wsspec::server
