#pragma once
// A stream whose first reads return bytes already read from it. A server that must look at an
// HTTP request before deciding who handles the connection (serve-cases routes on the request
// path) reads the head itself, then hands the connection on with what it read put back.
#include <memory>
#include <vector>

#include "harness/transport/stream.hpp"

namespace wsspec::transport {

class prefixed_stream final : public stream {
public:
    prefixed_stream(std::unique_ptr<stream> inner, std::vector<std::uint8_t> already_read);

    io_result handshake(deadline dl) override { return inner_->handshake(dl); }
    io_result read_some(std::span<std::uint8_t> buf, deadline dl) override;
    io_result write_all(std::span<const std::uint8_t> data, deadline dl) override {
        return inner_->write_all(data, dl);
    }
    void shutdown_write() override { inner_->shutdown_write(); }
    void close() override { inner_->close(); }
    void abort() override { inner_->abort(); }
    std::string describe_peer() const override { return inner_->describe_peer(); }
    bool is_tls() const override { return inner_->is_tls(); }

private:
    std::unique_ptr<stream> inner_;
    std::vector<std::uint8_t> prefix_;
    std::size_t taken_ = 0;
};

} // namespace wsspec::transport
