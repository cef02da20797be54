#include "harness/transport/socket_stream.hpp"

#include <cerrno>

#include <fmt/format.h>

namespace wsspec::transport {
namespace {

constexpr auto close_notify_wait = std::chrono::milliseconds(250);

// Waits for the socket after a would_block: ok to try again, else timeout or error, with
// `what` ("read from 127.0.0.1:9001") at the start of the message.
io_result await(const socket& s, deadline dl, const std::string& what) {
    switch (s.wait(dl)) {
    case wait_status::ready: return {};
    case wait_status::timeout: return {io_status::timeout, 0, what + ": timed out"};
    case wait_status::interrupted:
    case wait_status::error: break;
    }
    return {io_status::error, 0, fmt::format("{}: poll: {}", what, errno_text(errno))};
}

} // namespace

io_result socket_stream::handshake(deadline dl) {
    if (!sock_.valid()) return {io_status::error, 0, "handshake on a closed stream"};
    for (;;) {
        io_result r = sock_.handshake(); // ok at once for plain TCP, and once TLS is up
        if (r.status != io_status::would_block) return r;
        r = await(sock_, dl, fmt::format("TLS handshake with {} failed", sock_.tls_label()));
        if (!r.ok()) return r;
    }
}

io_result socket_stream::read_some(std::span<std::uint8_t> buf, deadline dl) {
    if (!sock_.valid()) return {io_status::error, 0, "read on a closed stream"};
    if (io_result h = handshake(dl); !h.ok()) return h;
    if (buf.empty()) return {};
    for (;;) {
        io_result r = sock_.read(buf);
        if (r.status != io_status::would_block) return r;
        r = await(sock_, dl, "read from " + sock_.peer());
        if (!r.ok()) return r;
    }
}

io_result socket_stream::write_all(std::span<const std::uint8_t> data, deadline dl) {
    if (!sock_.valid()) return {io_status::error, 0, "write on a closed stream"};
    if (io_result h = handshake(dl); !h.ok()) return h;
    std::size_t done = 0;
    while (done < data.size()) {
        io_result r = sock_.write(data.subspan(done));
        if (r.status == io_status::would_block) {
            r = await(sock_, dl, "write to " + sock_.peer());
            if (r.status == io_status::timeout)
                r.message += fmt::format(" after {} of {} bytes", done, data.size());
        }
        if (!r.ok()) {
            r.bytes = done;
            return r;
        }
        done += r.bytes;
    }
    return {io_status::ok, done, {}};
}

void socket_stream::shutdown_write() {
    // close_notify is a courtesy (RFC 8446 §6.1): one bounded attempt, since this has no deadline.
    sock_.send_close_notify(deadline_after(close_notify_wait));
    sock_.shutdown_write();
}

void socket_stream::close() {
    sock_.send_close_notify(deadline_after(close_notify_wait));
    sock_.close();
}

void socket_stream::abort() {
    sock_.abort();
}

} // namespace wsspec::transport
