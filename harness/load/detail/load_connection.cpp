#include "harness/load/detail/load_connection.hpp"

#include <sys/epoll.h>

#include <algorithm>
#include <random>

#include <fmt/format.h>

#include "codec/close.hpp"
#include "codec/deflate/negotiation.hpp"
#include "codec/frame_encoder.hpp"
#include "codec/handshake/accept_key.hpp"
#include "codec/handshake/extensions.hpp"
#include "harness/load/detail/load_worker.hpp"

namespace wsspec::load::detail {
namespace {

using transport::io_result;
using transport::io_status;

assembler_options client_options() noexcept {
    assembler_options o;
    o.frame.local_role = role::client; // server frames must not be masked (§5.1)
    return o;
}

// What `wsspec load --deflate` offers: Autobahn's default offer, as categories 12 and 13 make.
constexpr std::string_view deflate_offer =
    "permessage-deflate; client_no_context_takeover; client_max_window_bits";

const char* type_name(opcode op) noexcept {
    return op == opcode::text ? "text" : op == opcode::binary ? "binary" : "other";
}

} // namespace

load_connection::load_connection(run_shared& run, load_worker& worker, unsigned index)
    : run_(run), worker_(worker), index_(index), assembler_(client_options()) {
    std::mt19937_64 rng(run.opt.seed * 0x9e3779b97f4a7c15ull + index);
    const std::uint64_t k = rng();
    for (std::size_t i = 0; i < key_.size(); ++i)
        key_[i] = static_cast<std::uint8_t>(k >> (8 * i));
    std::array<std::uint8_t, 16> nonce;
    for (auto& b : nonce)
        b = static_cast<std::uint8_t>(rng());
    request_.target = run.opt.target.resource;
    request_.host = run.opt.target.host_header();
    request_.key = handshake::make_key(nonce);
    if (run.opt.deflate) request_.extensions = std::string(deflate_offer);

    const unsigned depth = std::max(run.opt.pipeline, 1u);
    frames_.emplace(run.base, run.opt.type, key_, frame_copies(run.base.size(), depth));
    sent_at_.assign(depth, 0);
}

std::string load_connection::who() const {
    return fmt::format("connection {} to {}", index_ + 1, run_.ep.text);
}

void load_connection::start(std::int64_t now) {
    waiting_since_ = now;
    auto s = transport::socket::start_connect(run_.ep);
    if (!s) return fail(error_kind::connect, "connect to " + s.error().message);
    sock_ = std::move(s).value();
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT;
    ev.data.ptr = this;
    want_out_ = true;
    if (::epoll_ctl(worker_.epoll_fd(), EPOLL_CTL_ADD, sock_.fd(), &ev) != 0)
        fail(error_kind::connect, fmt::format("{}: epoll_ctl failed", who()));
}

void load_connection::on_event(std::uint32_t events, std::int64_t now) {
    switch (state_) {
    case state::done: return;
    case state::connecting:
        if (auto r = sock_.finish_connect(); !r)
            return fail(error_kind::connect, "connect to " + r.error().message);
        return after_connect();
    case state::tls: return drive_tls();
    default: break;
    }
    // EPOLLOUT too when TLS wanted to write in the middle of a read.
    const bool readable = (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) ||
                          ((events & EPOLLOUT) && sock_.is_tls() && sock_.wants_write());
    if (readable && !read_available()) return;
    if (!flush()) return;
    if (state_ == state::loading) {
        if (sending_done_ && inflight_ == 0) return begin_close(now);
        try_send(now_ns());
    }
}

void load_connection::after_connect() {
    if (!run_.tls) return send_upgrade();
    if (auto r =
            sock_.start_tls_client(*run_.tls, run_.opt.target.host, run_.opt.tls, run_.ep.text);
        !r)
        return fail(error_kind::handshake, r.error().message);
    state_ = state::tls;
    drive_tls();
}

void load_connection::drive_tls() {
    io_result r = sock_.handshake();
    if (r.status == io_status::ok) return send_upgrade();
    if (r.status != io_status::would_block)
        return fail(error_kind::handshake, std::move(r.message));
    update_interest();
}

void load_connection::send_upgrade() {
    state_ = state::upgrading;
    const std::string req = handshake::build_client_request(request_);
    aux_.assign(req.begin(), req.end());
    aux_sent_ = 0;
    flush();
}

void load_connection::setup_timed_out() {
    if (state_ == state::connecting)
        return fail(error_kind::connect,
                    fmt::format("connect to {}: timed out after {} ms", run_.ep.text,
                                run_.opt.connect_timeout.count()));
    fail(error_kind::handshake, fmt::format("{}: the opening handshake did not finish within {} ms",
                                            who(), run_.opt.connect_timeout.count()));
}

// Reads until the socket has nothing more; false once the connection is over.
bool load_connection::read_available() {
    const std::span<std::uint8_t> buf = worker_.read_buffer();
    // A server that sends without pause (a ping flood, an endless message) must not keep this
    // loop from the worker's clock: after a few full reads, epoll (level-triggered) calls again.
    for (int reads = 0;; ++reads) {
        if (reads == 16 && !sock_.is_tls()) return true;
        const io_result r = sock_.read(buf);
        switch (r.status) {
        case io_status::ok:
            worker_.stats.wire_received += r.bytes;
            if (!on_bytes(buf.first(r.bytes), now_ns())) return false;
            // A short read emptied the socket; TLS may still hold decrypted records.
            if (r.bytes < buf.size() && !sock_.is_tls()) return true;
            break;
        case io_status::would_block: update_interest(); return true;
        case io_status::closed: on_eof(false); return false;
        case io_status::reset: on_eof(true); return false;
        case io_status::timeout: // a non-blocking socket never times out
        case io_status::error: fail(error_kind::unexpected_close, r.message); return false;
        }
    }
}

bool load_connection::on_bytes(std::span<std::uint8_t> bytes, std::int64_t t) {
    if (state_ == state::upgrading) return on_handshake_bytes(bytes, t);
    return on_frames(bytes, t);
}

bool load_connection::on_handshake_bytes(std::span<const std::uint8_t> bytes, std::int64_t t) {
    response_.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    const auto v = handshake::validate_server_response(response_, request_);
    switch (v.status) {
    case handshake::handshake_status::need_more:
        if (response_.size() > 64 * 1024) {
            fail(error_kind::handshake,
                 fmt::format("{}: no end of the upgrade response in {} bytes", who(),
                             response_.size()));
            return false;
        }
        return true;
    case handshake::handshake_status::error:
        fail(error_kind::handshake,
             fmt::format("opening handshake with {} failed: {} (RFC 6455 §{}): {}", run_.ep.text,
                         handshake::name(v.error), handshake::rfc_section(v.error), v.detail));
        return false;
    case handshake::handshake_status::complete: break;
    }
    if (run_.opt.deflate && !start_deflate(v.extensions)) return false;
    state_ = state::ready;
    worker_.on_ready();
    std::string rest = response_.substr(v.head_size);
    response_.clear();
    response_.shrink_to_fit();
    if (rest.empty()) return true;
    return on_frames({reinterpret_cast<std::uint8_t*>(rest.data()), rest.size()}, t);
}

// The server's answer to the offer: it must accept permessage-deflate, on terms that fit it.
bool load_connection::start_deflate(const std::optional<std::string>& response) {
    // The offer is a constant: read once, for every connection of the run.
    static const deflate::params offer = [] {
        auto offered = handshake::parse_extensions(deflate_offer);
        return *deflate::parse_offer(offered->front());
    }();
    std::optional<deflate::params> p;
    std::string why = "it declined permessage-deflate (--deflate)";
    if (auto list = handshake::parse_extensions(response.value_or("")); list)
        for (const auto& e : *list)
            if (e.name == deflate::extension_name) {
                auto r = deflate::parse_response(e, offer);
                if (r)
                    p = *r;
                else
                    why = "its permessage-deflate response breaks " + r.error().message();
            }
    if (!p) {
        fail(error_kind::handshake,
             fmt::format("opening handshake with {}: {}", run_.ep.text, why));
        return false;
    }
    deflater_ = std::make_unique<deflate::deflater>(deflate::client_window_bits(*p), false);
    inflater_ = std::make_unique<deflate::inflater>(
        deflate::server_window_bits(*p), !p->server_no_context_takeover, run_.base.size());
    assembler_options o = client_options();
    o.per_message_deflate = true;
    assembler_ = message_assembler(o);
    return true;
}

bool load_connection::on_frames(std::span<std::uint8_t> bytes, std::int64_t t) {
    while (!bytes.empty()) {
        const message_result r = assembler_.feed(bytes);
        bytes = bytes.subspan(r.consumed);
        switch (r.status) {
        case message_status::need_more: return true;
        case message_status::data:
            if (!on_data(r, t)) return false;
            break;
        case message_status::control:
            if (!on_control(r)) return false;
            break;
        case message_status::error:
            fail(error_kind::protocol,
                 fmt::format("{}: the server broke {} §{}: {} ({}, at byte {} of its stream)",
                             who(), rfc_document(r.error), rfc_section(r.error), describe(r.error),
                             name(r.error), assembler_.error_offset()));
            return false;
        }
    }
    return true;
}

bool load_connection::on_data(const message_result& r, std::int64_t t) {
    const std::span<const std::uint8_t> base = run_.base;
    if (!in_echo_) {
        if (inflight_ == 0) {
            fail(error_kind::mismatch,
                 fmt::format("{}: the server sent a {} message that echoes nothing we sent", who(),
                             type_name(r.op)));
            return false;
        }
        if (r.op != run_.op) {
            fail(error_kind::mismatch,
                 fmt::format("{}: echo {} came back as a {} message, sent {}", who(), echo_seq_ + 1,
                             type_name(r.op), type_name(run_.op)));
            return false;
        }
        in_echo_ = true;
        echo_offset_ = 0;
        echo_compressed_ = r.compressed;
    }
    if (echo_compressed_) {
        // RFC 7692 §7.2.2: the payload is inflated as it arrives, and checked as it inflates.
        bool ok = true;
        const deflate::inflater::sink check = [&](std::span<const std::uint8_t> b) {
            ok = ok && on_echo_bytes(b);
        };
        auto e = inflater_->feed(r.payload, check);
        if (e == deflate::inflate_error::none && r.message_end) e = inflater_->finish(check);
        if (!ok) return false;
        if (e != deflate::inflate_error::none) {
            fail(e == deflate::inflate_error::too_large ? error_kind::mismatch
                                                        : error_kind::protocol,
                 fmt::format("{}: echo {}: {} (RFC 7692 §7.2.2)", who(), echo_seq_ + 1,
                             deflate::describe(e)));
            return false;
        }
    } else if (!on_echo_bytes(r.payload)) {
        return false;
    }
    if (!r.message_end) return true;
    if (echo_offset_ != base.size()) {
        fail(error_kind::mismatch, fmt::format("{}: echo {} has {} bytes, {} were sent", who(),
                                               echo_seq_ + 1, echo_offset_, base.size()));
        return false;
    }
    const std::int64_t sent = sent_at_[ring_head_];
    worker_.stats.latency_ns.record(
        static_cast<std::uint64_t>(std::max<std::int64_t>(t - sent, 0)));
    ring_head_ = ring_head_ + 1 == sent_at_.size() ? 0 : ring_head_ + 1;
    --inflight_;
    ++echo_seq_;
    ++worker_.stats.echoed;
    worker_.stats.last_echo_ns = t;
    waiting_since_ = t;
    in_echo_ = false;
    return true;
}

bool load_connection::on_echo_bytes(std::span<const std::uint8_t> bytes) {
    const std::span<const std::uint8_t> base = run_.base;
    if (bytes.size() > base.size() - echo_offset_) {
        fail(error_kind::mismatch, fmt::format("{}: echo {} is longer than the {} bytes sent",
                                               who(), echo_seq_ + 1, base.size()));
        return false;
    }
    const std::size_t at = find_mismatch(bytes, echo_offset_, echo_seq_, base);
    if (at != bytes.size()) {
        fail(error_kind::mismatch,
             fmt::format("{}: echo {} differs from what was sent at payload byte {}", who(),
                         echo_seq_ + 1, echo_offset_ + at));
        return false;
    }
    echo_offset_ += bytes.size();
    return true;
}

// n compressed messages (sequence numbers first, first+1, ...), masked, back to back.
std::span<const std::uint8_t> load_connection::prepare_compressed(std::uint64_t first, unsigned n) {
    deflate_out_.clear();
    plain_.assign(run_.base.begin(), run_.base.end());
    for (unsigned i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < std::min(plain_.size(), sequence_bytes); ++j)
            plain_[j] = sequence_char(first + i, j);
        packed_.clear();
        deflater_->compress(plain_, packed_);
        const std::size_t at = deflate_out_.size();
        deflate_out_.resize(at + encoded_size(packed_.size(), true));
        // RFC 7692 §6: RSV1 on the (one) frame of a compressed message.
        encode_frame(frame_options{.op = run_.op, .rsv = 0x4, .mask = key_}, packed_,
                     std::span<std::uint8_t>(deflate_out_).subspan(at), 0x4);
    }
    return deflate_out_;
}

bool load_connection::on_control(const message_result& r) {
    switch (r.op) {
    case opcode::ping: queue_control(opcode::pong, r.payload); return true;
    case opcode::close:
        if (state_ == state::closing) {
            close_received_ = true;
            return true;
        }
        fail(error_kind::unexpected_close,
             fmt::format("{}: the server sent close {}{}{} after {} echoes", who(),
                         r.close.has_code ? std::to_string(r.close.code) : "(no code)",
                         r.close.reason.empty() ? "" : " ",
                         r.close.reason.empty() ? std::string()
                                                : "'" + std::string(r.close.reason) + "'",
                         echo_seq_));
        return false;
    default: return true; // an unsolicited pong needs no answer (§5.5.3)
    }
}

void load_connection::on_eof(bool reset) {
    const char* how = reset ? "reset the connection" : "closed TCP";
    switch (state_) {
    case state::upgrading:
        return fail(error_kind::handshake,
                    fmt::format("{}: the server {} during the opening handshake{}", who(), how,
                                response_.empty() ? std::string()
                                                  : fmt::format(" (after {} bytes of response)",
                                                                response_.size())));
    case state::closing:
        if (close_received_ && !reset) return finish(); // the end RFC 6455 §7.1.1 describes
        return fail(error_kind::unexpected_close,
                    fmt::format("{}: the server {} without answering our close frame", who(), how));
    default:
        return fail(error_kind::unexpected_close,
                    fmt::format("{}: the server {} without a closing handshake after {} echoes",
                                who(), how, echo_seq_));
    }
}

void load_connection::begin_load(std::int64_t now) {
    if (state_ != state::ready) return;
    state_ = state::loading;
    if (run_.ns_per_message > 0)
        slot_offset_ = static_cast<std::int64_t>(run_.ns_per_message * index_ /
                                                 std::max(run_.opt.connections, 1u));
    try_send(now);
}

std::int64_t load_connection::slot_time(std::uint64_t seq) const noexcept {
    return run_.start_ns + slot_offset_ +
           static_cast<std::int64_t>(run_.ns_per_message * static_cast<double>(seq));
}

std::uint64_t load_connection::claim(std::uint64_t wanted) noexcept {
    if (run_.opt.messages == 0) return wanted;
    const std::int64_t before =
        run_.budget.fetch_sub(static_cast<std::int64_t>(wanted), std::memory_order_relaxed);
    if (before <= 0) return 0;
    return std::min<std::uint64_t>(wanted, static_cast<std::uint64_t>(before));
}

void load_connection::try_send(std::int64_t now) {
    while (state_ == state::loading && !sending_done_ && out_left_ == 0 &&
           aux_sent_ == aux_.size()) {
        const unsigned room = static_cast<unsigned>(sent_at_.size()) - inflight_;
        if (room == 0) return;
        if (now >= run_.end_ns || run_.interrupted.load(std::memory_order_relaxed))
            return stop_sending(now);
        std::uint64_t n = std::min(room, frames_->copies());
        if (run_.ns_per_message > 0) {
            const std::int64_t due = slot_time(next_seq_);
            if (due > now) return worker_.schedule(this, due);
            const auto late = static_cast<double>(now - due);
            n = std::min<std::uint64_t>(n,
                                        static_cast<std::uint64_t>(late / run_.ns_per_message) + 1);
        }
        n = claim(n);
        if (n == 0) return stop_sending(now);
        if (inflight_ == 0) waiting_since_ = now;
        const auto bytes = deflater_ ? prepare_compressed(next_seq_, static_cast<unsigned>(n))
                                     : frames_->prepare(next_seq_, static_cast<unsigned>(n));
        std::size_t slot = ring_head_ + inflight_;
        for (std::uint64_t i = 0; i < n; ++i, ++slot) {
            if (slot >= sent_at_.size()) slot -= sent_at_.size();
            sent_at_[slot] = run_.ns_per_message > 0 ? slot_time(next_seq_ + i) : now;
        }
        inflight_ += static_cast<unsigned>(n);
        next_seq_ += n;
        worker_.stats.sent += n;
        out_ = bytes.data();
        out_left_ = bytes.size();
        if (!flush()) return;
    }
}

void load_connection::stop_sending(std::int64_t now) {
    sending_done_ = true;
    if (inflight_ == 0) begin_close(now);
}

void load_connection::begin_close(std::int64_t now) {
    if (state_ != state::loading) return;
    std::uint8_t payload[2];
    const std::size_t n = write_close_payload(1000, {}, payload);
    state_ = state::closing;
    close_deadline_ =
        now + std::chrono::duration_cast<std::chrono::nanoseconds>(run_.opt.echo_timeout).count();
    queue_control(opcode::close, {payload, n});
}

void load_connection::queue_control(opcode op, std::span<const std::uint8_t> payload) {
    const std::size_t at = aux_.size();
    aux_.resize(at + encoded_size(payload.size(), true));
    encode_frame(frame_options{.op = op, .mask = key_}, payload,
                 std::span<std::uint8_t>(aux_).subspan(at));
    flush();
}

// Writes what is pending: data frames first, then control frames. False once the connection
// is over; a full socket buffer leaves the rest pending (EPOLLOUT then resumes).
bool load_connection::flush() {
    if (state_ == state::done) return false;
    if (out_left_ > 0 && !write_some(out_, out_left_)) return false;
    if (out_left_ == 0 && aux_sent_ < aux_.size()) {
        const std::uint8_t* p = aux_.data() + aux_sent_;
        std::size_t left = aux_.size() - aux_sent_;
        if (!write_some(p, left)) return false;
        aux_sent_ = aux_.size() - left;
        if (left == 0) {
            aux_.clear();
            aux_sent_ = 0;
        }
    }
    update_interest();
    return true;
}

bool load_connection::write_some(const std::uint8_t*& p, std::size_t& left) {
    while (left > 0) {
        const io_result r = sock_.write({p, left});
        switch (r.status) {
        case io_status::ok:
            worker_.stats.wire_sent += r.bytes;
            p += r.bytes;
            left -= r.bytes;
            break;
        case io_status::would_block: return true;
        case io_status::closed:
        case io_status::reset: on_eof(true); return false;
        case io_status::timeout: // a non-blocking socket never times out
        case io_status::error: fail(error_kind::unexpected_close, r.message); return false;
        }
    }
    return true;
}

void load_connection::update_interest() {
    if (state_ == state::done) return;
    const bool pending = out_left_ > 0 || aux_sent_ < aux_.size();
    const bool want =
        pending || state_ == state::connecting || (sock_.is_tls() && sock_.wants_write());
    if (want == want_out_) return;
    epoll_event ev{};
    ev.events = EPOLLIN | (want ? EPOLLOUT : 0u);
    ev.data.ptr = this;
    ::epoll_ctl(worker_.epoll_fd(), EPOLL_CTL_MOD, sock_.fd(), &ev);
    want_out_ = want;
}

void load_connection::tick(std::int64_t now) {
    const auto limit =
        std::chrono::duration_cast<std::chrono::nanoseconds>(run_.opt.echo_timeout).count();
    switch (state_) {
    case state::loading:
        if (inflight_ > 0 && now - waiting_since_ > limit)
            return fail(error_kind::timeout,
                        fmt::format("{}: no echo within {} ms ({} messages in flight)", who(),
                                    run_.opt.echo_timeout.count(), inflight_));
        if (sending_done_ && inflight_ == 0) return begin_close(now);
        return try_send(now);
    case state::closing:
        if (now < close_deadline_) return;
        // The server answered our close but never closed TCP: it is done with us all the same.
        if (close_received_) return finish();
        return fail(error_kind::timeout,
                    fmt::format("{}: no answer to our close frame within {} ms", who(),
                                run_.opt.echo_timeout.count()));
    default: return;
    }
}

void load_connection::fail(error_kind kind, std::string message) {
    if (state_ == state::done) return;
    worker_.stats.errors.add(kind, std::move(message));
    finish();
}

void load_connection::finish() {
    if (state_ == state::done) return;
    const bool was_open = state_ >= state::ready;
    state_ = state::done;
    sock_.close(); // closing the descriptor also takes it out of the epoll set
    worker_.on_done(was_open);
    frames_.reset();
    std::vector<std::uint8_t>().swap(aux_);
}

} // namespace wsspec::load::detail
