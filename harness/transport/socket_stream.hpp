#pragma once
// The blocking stream (stream.hpp) over the harness's one socket, plain TCP or TLS: each call
// retries the socket's non-blocking calls, waiting in between, until they complete or the
// deadline passes. A TLS stream from listener::accept() runs its handshake lazily, on the first
// handshake(), read_some() or write_all(), under that call's deadline.
//
// After a TLS write that ended in `timeout`, OpenSSL may hold a partly sent record; the stream
// should then only be closed or aborted, not written again.
#include <string>

#include "harness/transport/socket.hpp"
#include "harness/transport/stream.hpp"

namespace wsspec::transport {

class socket_stream final : public stream {
public:
    // A connected socket, TLS already started (start_tls_*) or plain.
    explicit socket_stream(socket s) : sock_(std::move(s)) {}

    io_result handshake(deadline dl) override;
    io_result read_some(std::span<std::uint8_t> buf, deadline dl) override;
    io_result write_all(std::span<const std::uint8_t> data, deadline dl) override;
    void shutdown_write() override;
    void close() override;
    void abort() override;
    std::string describe_peer() const override { return sock_.peer(); }
    bool is_tls() const override { return sock_.is_tls(); }

    // The negotiated TLS protocol, e.g. "TLSv1.3"; empty before the handshake and for plain TCP.
    std::string protocol_version() const { return sock_.protocol_version(); }

private:
    socket sock_;
};

} // namespace wsspec::transport
