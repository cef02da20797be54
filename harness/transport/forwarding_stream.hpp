#pragma once
// A stream around another one that passes every call through: the base of streams that change
// one or two calls of the stream they wrap (prefixed_stream puts bytes back in front of the
// reads, the case engine's counted stream counts reads and writes).
#include <memory>

#include "harness/transport/stream.hpp"

namespace wsspec::transport {

class forwarding_stream : public stream {
public:
    explicit forwarding_stream(std::unique_ptr<stream> inner) : inner_(std::move(inner)) {}

    io_result handshake(deadline dl) override { return inner_->handshake(dl); }
    io_result read_some(std::span<std::uint8_t> buf, deadline dl) override {
        return inner_->read_some(buf, dl);
    }
    io_result write_all(std::span<const std::uint8_t> data, deadline dl) override {
        return inner_->write_all(data, dl);
    }
    void shutdown_write() override { inner_->shutdown_write(); }
    void close() override { inner_->close(); }
    void abort() override { inner_->abort(); }
    std::string describe_peer() const override { return inner_->describe_peer(); }
    bool is_tls() const override { return inner_->is_tls(); }

protected:
    stream& inner() { return *inner_; }

private:
    std::unique_ptr<stream> inner_;
};

} // namespace wsspec::transport
