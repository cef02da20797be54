#pragma once
// A stream whose first reads return bytes already read from it. A server that must look at an
// HTTP request before deciding who handles the connection (serve-cases routes on the request
// path) reads the head itself, then hands the connection on with what it read put back.
#include <memory>
#include <vector>

#include "harness/transport/forwarding_stream.hpp"

namespace wsspec::transport {

class prefixed_stream final : public forwarding_stream {
public:
    prefixed_stream(std::unique_ptr<stream> inner, std::vector<std::uint8_t> already_read);

    io_result read_some(std::span<std::uint8_t> buf, deadline dl) override;

private:
    std::vector<std::uint8_t> prefix_;
    std::size_t taken_ = 0;
};

} // namespace wsspec::transport
