#pragma once
// A bare-hands WebSocket client for the ReferenceServer* suites: it writes frames with the lying
// encoder, decodes the server's frames itself (so the tests check the exact wire bytes, not the
// codec's reading of them) and bounds every wait.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "codec/frame_encoder.hpp"
#include "codec/handshake/accept_key.hpp"
#include "codec/handshake/client_request.hpp"
#include "harness/server/reference_server.hpp"
#include "harness/transport/transport.hpp"

namespace wsspec::server::testing {

using namespace std::chrono_literals;
using transport::deadline;
using transport::deadline_after;
using transport::io_status;

// Waits that should succeed: generous for a loaded CI machine; only failures pay for them.
inline constexpr auto patience = std::chrono::seconds(3);
// How long "nothing happens" is watched for.
inline constexpr auto quiet_period = std::chrono::milliseconds(300);

inline std::vector<std::uint8_t> bytes_of(std::string_view s) {
    return {s.begin(), s.end()};
}
inline std::string text_of(std::span<const std::uint8_t> b) {
    return {b.begin(), b.end()};
}

inline std::unique_ptr<reference_server> start_server(server_options o = {}) {
    auto s = reference_server::start(std::move(o));
    if (!s) ADD_FAILURE() << s.error().message;
    return s ? std::move(s).value() : nullptr;
}

inline std::unique_ptr<reference_server> start_server(std::vector<quirk> quirks) {
    server_options o;
    o.quirks = std::move(quirks);
    return start_server(std::move(o));
}

// One frame as the server put it on the wire.
struct wire_frame {
    bool fin = true;
    std::uint8_t rsv = 0;
    std::uint8_t op = 0;
    bool masked = false;
    bool minimal_length = true; // RFC 6455 §5.2: the shortest length encoding was used
    std::vector<std::uint8_t> payload;

    std::string text() const { return text_of(payload); }
    // Close payload: code or 0 when empty.
    std::uint16_t close_code() const {
        return payload.size() >= 2 ? static_cast<std::uint16_t>(payload[0] << 8 | payload[1]) : 0;
    }
};

enum class got { frame, timeout, closed, reset, error };

class test_client {
public:
    static constexpr mask_key key{0x37, 0xfa, 0x21, 0x3d};

    bool connect(std::uint16_t port, const std::string& host = "127.0.0.1") {
        auto s = transport::connect_tcp(host, port, deadline_after(patience));
        if (!s) {
            ADD_FAILURE() << s.error().message;
            return false;
        }
        stream_ = std::move(s).value();
        host_ = (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
                std::to_string(port);
        return true;
    }
    void adopt(std::unique_ptr<transport::stream> s, std::string host) {
        stream_ = std::move(s);
        host_ = std::move(host);
    }

    handshake::client_request_options request() const {
        handshake::client_request_options r;
        r.host = host_;
        r.key = handshake::make_key({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
        return r;
    }

    // Sends the request and reads the response head; bytes after it stay buffered as frames.
    std::string send_request(std::string_view request_bytes) {
        if (!send_raw(bytes_of(request_bytes))) return {};
        const deadline dl = deadline_after(patience);
        for (;;) {
            std::string_view seen(reinterpret_cast<const char*>(in_.data()), in_.size());
            if (auto end = seen.find("\r\n\r\n"); end != std::string_view::npos) {
                std::string head(seen.substr(0, end + 4));
                in_.erase(in_.begin(), in_.begin() + static_cast<std::ptrdiff_t>(end + 4));
                return head;
            }
            if (read_more(dl) != io_status::ok) return std::string(seen);
        }
    }

    // Connects and completes a valid opening handshake.
    bool open(std::uint16_t port, const std::string& host = "127.0.0.1") {
        if (!connect(port, host)) return false;
        return upgrade();
    }
    bool upgrade() {
        auto req = request();
        std::string head = send_request(handshake::build_client_request(req));
        auto v = handshake::validate_server_response(head, req);
        EXPECT_EQ(v.status, handshake::handshake_status::complete) << head;
        EXPECT_EQ(v.error, handshake::handshake_error::none) << v.detail;
        return v.status == handshake::handshake_status::complete &&
               v.error == handshake::handshake_error::none;
    }

    bool send_raw(std::span<const std::uint8_t> b) {
        auto r = stream_->write_all(b, deadline_after(patience));
        EXPECT_TRUE(r.ok()) << r.message;
        return r.ok();
    }
    // A masked frame, FIN set, unless the spec says otherwise.
    bool send(std::uint8_t op, std::span<const std::uint8_t> payload, bool fin = true,
              std::uint8_t rsv = 0) {
        return send_raw(encode(op, payload, fin, rsv));
    }
    bool send(std::uint8_t op, std::string_view payload, bool fin = true, std::uint8_t rsv = 0) {
        return send(op, bytes_of(payload), fin, rsv);
    }
    static std::vector<std::uint8_t> encode(std::uint8_t op, std::span<const std::uint8_t> payload,
                                            bool fin = true, std::uint8_t rsv = 0,
                                            bool masked = true) {
        std::vector<std::uint8_t> out;
        frame_spec spec{.opcode_nibble = op, .fin = fin, .rsv = rsv};
        if (masked) spec.mask = key;
        write_frame(out, spec, payload);
        return out;
    }
    bool send_close(std::uint16_t code, std::string_view reason = {}) {
        std::vector<std::uint8_t> p{static_cast<std::uint8_t>(code >> 8),
                                    static_cast<std::uint8_t>(code)};
        p.insert(p.end(), reason.begin(), reason.end());
        return send(0x8, p);
    }

    // The next frame from the server, waiting at most `wait`.
    got next(wire_frame& f, std::chrono::milliseconds wait = patience) {
        const deadline dl = deadline_after(wait);
        for (;;) {
            if (take_frame(f)) return got::frame;
            if (const io_status st = read_more(dl); st != io_status::ok) return ending(st);
        }
    }
    // The next frame, which must arrive.
    wire_frame expect_frame(std::chrono::milliseconds wait = patience) {
        wire_frame f;
        EXPECT_EQ(next(f, wait), got::frame);
        return f;
    }
    // How the connection ends after everything already sent (expects no further frames).
    got expect_end(std::chrono::milliseconds wait = patience) {
        wire_frame f;
        got g = next(f, wait);
        EXPECT_NE(g, got::frame) << "unexpected frame, opcode " << int(f.op);
        return g;
    }

    // Every byte until the connection ends (e.g. the body of an HTTP refusal), and how it ended.
    got read_rest(std::string& out, std::chrono::milliseconds wait = patience) {
        const deadline dl = deadline_after(wait);
        for (;;) {
            out.append(in_.begin(), in_.end());
            in_.clear();
            if (const io_status st = read_more(dl); st != io_status::ok) return ending(st);
        }
    }

    transport::stream& stream() { return *stream_; }
    void close() { stream_->close(); }
    std::size_t buffered() const { return in_.size(); }

private:
    // How the connection ended, from the status of a read that returned no bytes.
    static got ending(io_status st) {
        switch (st) {
        case io_status::timeout: return got::timeout;
        case io_status::closed: return got::closed;
        case io_status::reset: return got::reset;
        default: return got::error; // a blocking stream never says would_block
        }
    }

    io_status read_more(deadline dl) {
        std::uint8_t buf[16384];
        auto r = stream_->read_some(buf, dl);
        if (r.ok()) in_.insert(in_.end(), buf, buf + r.bytes);
        return r.status;
    }

    // RFC 6455 §5.2, decoded by hand.
    bool take_frame(wire_frame& f) {
        if (in_.size() < 2) return false;
        const std::size_t len7 = in_[1] & 0x7F;
        const std::size_t ext = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
        const bool masked = (in_[1] & 0x80) != 0;
        const std::size_t header = 2 + ext + (masked ? 4 : 0);
        if (in_.size() < header) return false;
        std::uint64_t len = len7;
        if (ext != 0) {
            len = 0;
            for (std::size_t i = 0; i < ext; ++i)
                len = (len << 8) | in_[2 + i];
        }
        if (in_.size() - header < len) return false;
        f.fin = (in_[0] & 0x80) != 0;
        f.rsv = static_cast<std::uint8_t>((in_[0] >> 4) & 0x7);
        f.op = in_[0] & 0x0F;
        f.masked = masked;
        f.minimal_length = ext == 0 || (ext == 2 && len >= 126) || (ext == 8 && len > 0xFFFF);
        auto begin = in_.begin() + static_cast<std::ptrdiff_t>(header);
        f.payload.assign(begin, begin + static_cast<std::ptrdiff_t>(len));
        if (masked)
            for (std::size_t i = 0; i < f.payload.size(); ++i)
                f.payload[i] ^= in_[2 + ext + i % 4];
        in_.erase(in_.begin(), begin + static_cast<std::ptrdiff_t>(len));
        return true;
    }

    std::unique_ptr<transport::stream> stream_;
    std::string host_;
    std::vector<std::uint8_t> in_;
};

} // namespace wsspec::server::testing
