#pragma once
// One load connection, driven by its worker's epoll loop: non-blocking connect, TLS, the
// opening handshake, then echo traffic (pipelined, optionally paced), then the closing
// handshake. Every problem ends the connection and is counted once, by kind.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "codec/deflate/message_deflate.hpp"
#include "codec/handshake/client_request.hpp"
#include "codec/message_assembler.hpp"
#include "harness/load/detail/echo_frames.hpp"
#include "harness/load/detail/run_shared.hpp"
#include "harness/transport/socket.hpp"

namespace wsspec::load::detail {

class load_worker;

class load_connection {
public:
    load_connection(run_shared& run, load_worker& worker, unsigned index);

    // Starts connecting; the connection registers itself with the worker's epoll.
    void start(std::int64_t now);
    void on_event(std::uint32_t events, std::int64_t now);
    // The load starts: send the first messages.
    void begin_load(std::int64_t now);
    // Timers: a paced message fell due, the load's end, an interrupt, timeouts.
    void tick(std::int64_t now);
    // Opening did not finish in time.
    void setup_timed_out();
    // Ends the connection without counting an error (the run was interrupted).
    void abandon() { finish(); }

    bool ready() const noexcept { return state_ == state::ready; }
    bool done() const noexcept { return state_ == state::done; }
    bool in_setup() const noexcept { return state_ < state::ready; }

    // For the worker's timer heap (one entry per connection at most).
    bool timer_armed = false;

private:
    enum class state : std::uint8_t { connecting, tls, upgrading, ready, loading, closing, done };

    void after_connect();
    void drive_tls();
    void send_upgrade();
    bool read_available();
    bool on_bytes(std::span<std::uint8_t> bytes, std::int64_t t);
    bool on_handshake_bytes(std::span<const std::uint8_t> bytes, std::int64_t t);
    bool on_frames(std::span<std::uint8_t> bytes, std::int64_t t);
    bool on_data(const message_result& r, std::int64_t t);
    // The payload bytes of the echo in progress, as sent (inflated when compressed).
    bool on_echo_bytes(std::span<const std::uint8_t> bytes);
    bool start_deflate(const std::optional<std::string>& response);
    std::span<const std::uint8_t> prepare_compressed(std::uint64_t first, unsigned n);
    bool on_control(const message_result& r);
    void on_eof(bool reset);

    void try_send(std::int64_t now);
    void stop_sending(std::int64_t now);
    void begin_close(std::int64_t now);
    void queue_control(opcode op, std::span<const std::uint8_t> payload);
    bool flush();
    bool write_some(const std::uint8_t*& p, std::size_t& left);
    void update_interest();

    std::int64_t slot_time(std::uint64_t seq) const noexcept;
    std::uint64_t claim(std::uint64_t wanted) noexcept;
    void fail(error_kind kind, std::string message);
    void finish();
    std::string who() const;

    run_shared& run_;
    load_worker& worker_;
    const unsigned index_;
    state state_ = state::connecting;
    transport::socket sock_;
    bool want_out_ = false; // EPOLLOUT registered
    mask_key key_{};

    handshake::client_request_options request_;
    std::string response_;

    message_assembler assembler_;
    std::optional<echo_frames> frames_;
    std::vector<std::uint8_t> aux_; // the upgrade request, pongs, our close frame
    std::size_t aux_sent_ = 0;
    const std::uint8_t* out_ = nullptr; // data frames not written yet
    std::size_t out_left_ = 0;

    std::vector<std::int64_t> sent_at_; // ring: send (or due) time of each message in flight
    std::size_t ring_head_ = 0;
    unsigned inflight_ = 0;
    std::uint64_t next_seq_ = 0; // of the next message sent
    std::uint64_t echo_seq_ = 0; // of the next echo expected
    std::size_t echo_offset_ = 0;
    bool in_echo_ = false;
    bool sending_done_ = false;
    bool close_received_ = false;
    std::int64_t slot_offset_ = 0; // pacing: this connection's phase within the interval
    std::int64_t waiting_since_ = 0;
    std::int64_t close_deadline_ = never;

    // --deflate: compressed messages are built per message (their sequence numbers differ).
    std::unique_ptr<deflate::deflater> deflater_;
    std::unique_ptr<deflate::inflater> inflater_;
    std::vector<std::uint8_t> plain_, packed_, deflate_out_;
    bool echo_compressed_ = false;
};

} // namespace wsspec::load::detail
