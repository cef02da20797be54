#pragma once
// A session: one case's WebSocket connection after the opening handshake, in either role, with
// the closing-handshake rules and timers of Autobahn's fuzzer (autobahn-python 0.10.9
// WebSocketProtocol): it answers pings, records messages and pongs as events, replies to the
// peer's close, times out a close the peer does not answer (1 s) and, as a client, a TCP close
// the server does not perform (1 s). Everything the peer sends goes through the strict codec in
// wsspec's role: the first violation fails the connection and is recorded.
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <random>
#include <vector>

#include "codec/deflate/message_deflate.hpp"
#include "codec/deflate/negotiation.hpp"
#include "codec/message_assembler.hpp"
#include "harness/catalog/case_model.hpp"
#include "harness/engine/observation.hpp"
#include "harness/transport/stream.hpp"

namespace wsspec::engine {

struct session_timeouts {
    std::chrono::milliseconds open{5000};  // openHandshakeTimeout
    std::chrono::milliseconds close{1000}; // closeHandshakeTimeout
    std::chrono::milliseconds drop{1000};  // serverConnectionDropTimeout
    std::chrono::milliseconds write{5000};
};

struct session_options {
    catalog::peer_role peer = catalog::peer_role::server;
    std::uint8_t allowed_rsv = 0; // RSV bits the negotiated extensions give meaning to
    std::uint64_t seed = 1;
    session_timeouts timeouts;
    std::vector<report::wire_entry>* wirelog = nullptr;
    // The largest frame or message the peer may send (run_options::max_message); set by the
    // user's --max-message or derived from the case.
    std::uint64_t max_message = std::uint64_t{1} << 31;
    bool max_message_is_flag = false;
    // permessage-deflate as negotiated: compressed messages (RSV1) are inflated as they arrive
    // and their UTF-8 checked on the inflated bytes; steps may send compressed messages.
    std::optional<deflate::params> deflate;
};

class session {
public:
    using clock = std::chrono::steady_clock;

    session(std::unique_ptr<transport::stream> s, observation& obs, const session_options& o);

    // After the opening handshake: bytes the peer sent right behind it.
    void feed_initial(std::span<const std::uint8_t> bytes);

    // Queue bytes for the next flush (consecutive frames share one TCP write).
    void queue(std::span<const std::uint8_t> bytes) {
        pending_.insert(pending_.end(), bytes.begin(), bytes.end());
    }
    void flush();
    // Write bytes now in pieces of `chop`, each its own write(), taking in what the peer sent
    // between pieces without waiting. The caller brackets the frame with begin/end_partial_frame.
    void write_chopped(std::span<const std::uint8_t> bytes, std::size_t chop);
    std::size_t queued() const noexcept { return pending_.size(); }
    // Between these two calls the harness is writing one frame in parts: frames it writes on
    // its own (pongs, close replies, timer closes) wait until the frame is complete, so they
    // never land inside it. `complete` false: the rest of the frame will never be written;
    // what waited is dropped (the stream cannot carry another frame) and the timers end the
    // connection as they would have.
    void begin_partial_frame();
    void end_partial_frame(bool complete);
    // Sends a close frame (as a step, or as Autobahn's sendClose / failConnection). The reason
    // is sent whole, even past the 123 bytes a close frame can carry: cases send it on purpose.
    void send_close(std::optional<std::uint16_t> code, std::string_view reason,
                    const catalog::payload* raw_payload = nullptr);

    // Process what arrives until `until`, or until TCP is closed.
    void pump_until(clock::time_point until);
    // Process what arrives until more than `before` events are recorded, `until`, or TCP is
    // closed. `before` is the caller's count: an event that came while it was still writing counts.
    bool pump_until_event(std::size_t before, clock::time_point until);
    // Arm the case timer (kill: fail the connection; close: send an empty close).
    void arm_timer(catalog::case_def::timer_kind kind, std::chrono::milliseconds after);
    // Run until TCP is closed; timers guarantee it ends.
    void run_to_end();

    // Autobahn's finishWhenDone: called with the case's expectation after each event. The
    // case's expected messages are also what large messages are compared with as they arrive.
    void set_finish_rule(const catalog::case_def* c) { case_ = c; }
    // While a step is held, the events it receives do not end the case (a repeat step's echoes
    // come and go); releasing it applies the finish rule to what is left.
    void hold_finish(bool held) {
        finish_held_ = held;
        if (!held) finish_when_done();
    }
    // Records an event the steps produced (a timeout marker, a repeat's summary).
    void record(catalog::event e);
    // What the messages now arriving should be (a repeat step's echo), or null: the case's
    // expectation. A large one is compared as it arrives rather than hashed.
    void expect_messages(std::shared_ptr<const catalog::payload> p) {
        echo_ = std::move(p);
        sent_compressed_.reset();
    }
    // The compressed bytes of the message just sent (frame_stream). An echo that arrives as
    // exactly these bytes, from a peer without context takeover, is the message sent: it is
    // taken as that without inflating (a server that echoes compressed messages as they came).
    void sent_compressed(std::shared_ptr<const std::vector<std::uint8_t>> b) {
        sent_compressed_ = std::move(b);
    }

    bool open() const noexcept { return !close_sent_ && !close_received_ && !tcp_closed_; }
    bool tcp_closed() const noexcept { return tcp_closed_; }
    // The key for a frame whose mask is "auto": a fresh one as the client, none as the server.
    std::optional<mask_key> automatic_mask() noexcept;
    // Every frame header written counts once, by its opcode (Autobahn's txFrameStats); a data
    // frame also counts its payload as sent, and `message` bytes (its message uncompressed:
    // all of it on the first frame of a compressed one) toward trafficStats.
    void count_sent_frame(std::uint8_t opcode_nibble, std::uint64_t payload = 0,
                          std::uint64_t message = 0, bool fin = false);
    catalog::peer_role peer() const noexcept { return opt_.peer; }
    // The compressor for the messages wsspec sends, when permessage-deflate was negotiated.
    deflate::deflater* deflater() noexcept { return deflater_.get(); }

    // The wire log keeps this many entries of a case (Autobahn keeps none for category 9).
    static constexpr std::size_t max_wirelog_entries = 2000;
    // A write at least this large is followed by a read (write_now).
    static constexpr std::size_t large_write = 16 * 1024;

private:
    mask_key next_key(std::mt19937_64& rng) noexcept;
    bool logging() const noexcept { return opt_.wirelog != nullptr; }
    void write_now(std::span<const std::uint8_t> bytes);
    // Reads what has arrived without waiting, while a write is under way: frames the harness
    // would send in answer wait until the write is done.
    void take_in();
    std::shared_ptr<const catalog::payload> expected_message(std::size_t index) const;
    void write_control(std::uint8_t opcode, std::span<const std::uint8_t> payload);
    void process(std::span<std::uint8_t> bytes);
    void on_message_chunk(const message_result& r);
    // A compressed message's chunk: inflated, its text checked; false once the connection is
    // failed.
    bool inflate_chunk(const message_result& r);
    // inflate_chunk() for an echo that may be the bytes sent; false: inflate it after all.
    bool take_as_sent(const message_result& r);
    bool judge_inflated(deflate::inflate_error e, bool message_end);
    void take_message_bytes(std::span<const std::uint8_t> bytes);
    void on_control(const message_result& r);
    void on_close(const message_result& r);
    void on_violation(codec_error e, std::uint64_t offset);
    void on_tcp_end(transport::io_status status);
    void finish_when_done();
    void fire_due_timers();
    void drop(std::string why);
    void log(const char* what, std::string text);

    std::unique_ptr<transport::stream> s_;
    observation& obs_;
    session_options opt_;
    std::mt19937_64 rng_;
    // Keys of the frames the harness sends on its own (pongs, closes): a sequence apart from the
    // steps' keys, so that when a pong goes out does not change the keys of the steps' frames.
    std::mt19937_64 control_rng_;
    bool control_frame_ = false; // write_control is drawing a key
    bool finish_held_ = false;
    const catalog::case_def* case_ = nullptr;
    std::shared_ptr<const catalog::payload> echo_; // expect_messages()
    std::shared_ptr<const std::vector<std::uint8_t>> sent_compressed_;
    // The bytes wsspec compresses are a valid message under the peer's terms too: neither side
    // keeps its context (RFC 7692 §7.1.1) and wsspec's window fits the peer's (§7.1.2). Only
    // then may an echo that repeats them be taken as the message sent without inflating it.
    bool sent_valid_for_peer_ = false;
    // The compressed message now arriving has so far been the first `matched_` bytes of
    // sent_compressed_ and is not inflated yet.
    bool as_sent_ = false;
    std::size_t matched_ = 0;
    message_assembler assembler_;
    std::vector<std::uint8_t> pending_;
    std::vector<std::uint8_t> deferred_; // automatic frames held while a frame is half written
    bool mid_frame_ = false;
    std::vector<std::uint8_t> rx_;
    catalog::payload_sink message_;
    opcode message_op_ = opcode::text;
    std::unique_ptr<deflate::inflater> inflater_; // the peer's compressed messages
    std::unique_ptr<deflate::deflater> deflater_; // wsspec's
    utf8_validator inflated_utf8_{};              // a compressed text message's inflated bytes
    bool inflated_utf8_bad_ = false;
    clock::time_point t0_;
    std::optional<clock::time_point> case_timer_, close_timer_, drop_timer_;
    // Last resort once the case timer has fired and nothing else is armed (the peer replied
    // to nothing and keeps TCP open): the harness drops the connection, as Autobahn's kill would.
    std::optional<clock::time_point> linger_timer_;
    // As the server, after the closing handshake, TCP held open this long to see whether the
    // client closes it first (client_checks.server_closes_first).
    std::optional<clock::time_point> hold_timer_;
    void close_tcp_as_server();
    void note_mask_key();
    catalog::case_def::timer_kind timer_kind_ = catalog::case_def::timer_kind::none;
    bool close_sent_ = false;
    bool close_received_ = false;
    bool tcp_closed_ = false;
    bool violated_ = false;
    std::size_t wake_at_events_ = 0; // pump_until_event: return once this many events are in
};

} // namespace wsspec::engine
