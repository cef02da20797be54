#pragma once
// One client of the reference server as a state machine driven by its event loop: opening
// handshake, echo, closing handshake, and the quirks' deviations. Every wait of the former
// thread-per-connection design is a state with a deadline here, so one thread serves many
// connections and a burst of echoes costs one read and one write.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "codec/deflate/message_deflate.hpp"
#include "codec/deflate/negotiation.hpp"
#include "codec/handshake/client_request.hpp"
#include "codec/message_assembler.hpp"
#include "codec/utf8.hpp"
#include "harness/server/quirk.hpp"
#include "harness/server/reference_server.hpp"
#include "harness/transport/socket.hpp"
#include "harness/transport/tls_context.hpp"

namespace wsspec::server::detail {

using clock = std::chrono::steady_clock;
using time_point = clock::time_point;
inline constexpr time_point never = time_point::max();

// What every connection of one server shares.
struct server_context {
    const server_options& options;
    quirk_set quirks;
    const transport::tls_context* tls = nullptr; // wss://
    // Serialised by the caller; never empty.
    std::function<void(const std::string&)> log;
    // Connections open across every loop (the max-connections-64 quirk counts them).
    std::atomic<std::size_t>* open_connections = nullptr;
};

class event_loop;

// What the reference client offers with permessage-deflate on: the offer browsers send, which
// lets the server limit the client's window (RFC 7692 §7.1.2.2) and ask it not to keep its
// context (§7.1.1.2).
inline constexpr std::string_view client_deflate_offer =
    "permessage-deflate; client_max_window_bits";

// The same connection in the client's role, for the reference client (`wsspec client`): it
// writes its opening request first and checks the answer (RFC 6455 §4.1), masks what it sends
// with a fresh key per frame (§5.3), requires unmasked frames (§5.1), and after the closing
// handshake waits for the server to close TCP (§7.1.1). Every quirk about frames, messages and
// closes behaves the same in either role; the client's own quirks are about the rest.
struct client_side {
    std::string target = "/"; // the request-target: "/runCase?case=3&agent=x"
    std::string host;         // the Host field: "127.0.0.1:9001"
    std::uint64_t seed = 1;   // handshake keys and masking keys
    // Set: messages are handed here instead of echoed (the fuzzingserver's control paths
    // /getCaseCount and /getCaseStatus answer with one text message).
    std::function<void(std::string_view)> on_message;
};

class server_connection {
public:
    // `s`: the accepted socket, TLS already started for wss://; or, with `as_client`, a
    // connected socket to a server.
    server_connection(std::uint64_t id, transport::socket s, const server_context& ctx,
                      event_loop& loop, std::optional<client_side> as_client = std::nullopt);

    void start(time_point now);
    // epoll reported `events` for this connection's socket.
    void on_ready(std::uint32_t events, time_point now);
    // The deadline armed with the loop has passed.
    void on_timer(time_point now);
    // The server is stopping: close (1001 where a WebSocket is open) and end soon.
    void on_stop(time_point now);
    // Ends it at once after an exception: RST, and a log line saying why.
    void abort(std::string_view why);

    std::uint64_t id() const noexcept { return id_; }
    bool finished() const noexcept { return state_ == state::finished; }
    int fd() const noexcept { return sock_.fd(); }

    // The deadline in the loop's timer heap for this connection (never: none).
    time_point armed = never;
    // The epoll events registered for its socket (0: not registered).
    std::uint32_t interest = 0;

private:
    enum class state : std::uint8_t {
        handshake,    // reading the opening handshake
        open,         // echoing
        hung,         // quirk::hang_on_ping: reads nothing, sends nothing more
        await_client, // no-close-reply / no-tcp-close: drop what arrives until the client closes
        closing,      // our last bytes (a close frame, a refusal) are going out; then FIN
        draining,     // FIN sent: reading the client's last bytes so the kernel ends with FIN
        finished,
    };

    struct pending_pong {
        time_point due;
        std::vector<std::uint8_t> payload;
    };

    void log(std::string_view what);
    void after_io();
    time_point next_deadline() const noexcept;
    bool reading() const noexcept;

    void read_available(time_point now);
    bool make_room();
    void on_bytes(time_point now);
    void on_eof();
    bool flush(time_point now);
    void begin_closing(time_point now);
    void begin_draining(time_point now);
    void finish();

    void on_handshake(time_point now);
    void on_response(time_point now); // as the client: the server's answer
    std::optional<mask_key> next_mask() noexcept;
    void process_buffered(time_point now);
    bool whole_frame_buffered() const noexcept;
    bool on_data(const message_result& r);
    bool on_control(const message_result& r, time_point now);
    // quirk::reject_zero_mask, quirk::reject_repeated_mask: refuses a legal masking key.
    bool refuses_key() noexcept;
    bool on_ping(std::span<const std::uint8_t> payload, time_point now);
    void on_close(const message_result& r, time_point now);
    void fail(codec_error e, time_point now);
    void go_away(std::string_view reason, time_point now);
    bool send_frame(opcode op, std::span<const std::uint8_t> payload, std::uint8_t rsv = 0);
    bool echo(opcode op, std::span<const std::uint8_t> payload);
    // permessage-deflate: accepted in the opening handshake; a compressed message's chunk.
    std::optional<std::string> accept_deflate(const std::optional<std::string>& offers);
    bool accept_deflate_response(std::string_view extensions); // as the client
    void start_deflate(const deflate::params& p);
    bool on_compressed(const message_result& r);
    bool send_close(std::uint16_t code, std::string_view reason);
    bool send_due_pongs(time_point now);
    bool send_due_ping(time_point now);

    const std::optional<client_side> client_;
    handshake::client_request_options request_; // as the client: what it offered
    std::mt19937_64 rng_;                       // as the client: keys
    std::optional<mask_key> first_mask_;        // quirk::client_reuse_mask
    const std::uint64_t id_;
    transport::socket sock_;
    const server_context& ctx_;
    const server_options& opt_;
    event_loop& loop_;
    const quirk_set q_;
    const std::uint64_t limit_;
    state state_ = state::handshake;
    bool stopping_ = false;

    message_assembler assembler_;
    std::vector<std::uint8_t> buf_;
    std::size_t begin_ = 0; // unconsumed bytes are [begin_, end_)
    std::size_t end_ = 0;
    bool at_frame_boundary_ = true;
    std::vector<std::uint8_t> message_; // a fragmented message being reassembled
    std::vector<std::uint8_t> out_;     // frames not written yet: one write for a batch
    std::size_t out_sent_ = 0;
    utf8_validator late_utf8_{};                  // quirk::utf8_at_end
    std::unique_ptr<deflate::inflater> inflater_; // permessage-deflate, once negotiated
    std::unique_ptr<deflate::deflater> deflater_;
    utf8_validator inflated_utf8_{};       // a compressed text message's inflated bytes
    std::vector<std::uint8_t> compressed_; // an echo, compressed; or the message as it came
    // The compressed bytes a client sends can be echoed as they are (echo_policy()).
    bool pass_through_ = false;
    bool arrived_compressed_ = false; // the message being echoed, with its bytes in compressed_
    std::uint64_t echoed_ = 0;        // messages echoed (quirk::message_quota_500)
    std::deque<pending_pong> pongs_;  // quirk::late_pong

    time_point handshake_deadline_ = never;
    bool counted_ = false;         // in ctx_.open_connections
    time_point next_ping_ = never; // options.ping_interval
    time_point last_read_{};
    std::optional<mask_key> last_key_; // of the frame before (quirk::reject_repeated_mask)
    time_point drain_deadline_ = never;
    time_point write_deadline_ = never;  // set while output waits for room in the socket
    bool awaiting_server_close_ = false; // as the client, after the closing handshake
};

} // namespace wsspec::server::detail
