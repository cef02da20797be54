#pragma once
// Plain TCP stream over a connected, non-blocking socket.
#include <string>

#include "harness/transport/detail/socket.hpp"
#include "harness/transport/stream.hpp"

namespace wsspec::transport {

class tcp_stream final : public stream {
public:
    // Takes a connected socket; makes it non-blocking and sets TCP_NODELAY.
    explicit tcp_stream(detail::unique_fd fd);

    io_result handshake(deadline dl) override;
    io_result read_some(std::span<std::uint8_t> buf, deadline dl) override;
    io_result write_all(std::span<const std::uint8_t> data, deadline dl) override;
    void shutdown_write() override;
    void close() override;
    void abort() override;
    std::string describe_peer() const override { return peer_; }
    bool is_tls() const override { return false; }

private:
    detail::unique_fd fd_;
    std::string peer_;
    bool write_shut_ = false;
};

} // namespace wsspec::transport
