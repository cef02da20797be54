#include "harness/transport/prefixed_stream.hpp"

#include <algorithm>
#include <cstring>

namespace wsspec::transport {

prefixed_stream::prefixed_stream(std::unique_ptr<stream> inner,
                                 std::vector<std::uint8_t> already_read)
    : forwarding_stream(std::move(inner)), prefix_(std::move(already_read)) {}

io_result prefixed_stream::read_some(std::span<std::uint8_t> buf, deadline dl) {
    if (taken_ < prefix_.size() && !buf.empty()) {
        const std::size_t n = std::min(buf.size(), prefix_.size() - taken_);
        std::memcpy(buf.data(), prefix_.data() + taken_, n);
        taken_ += n;
        if (taken_ == prefix_.size()) {
            std::vector<std::uint8_t>().swap(prefix_);
            taken_ = 0;
        }
        io_result r;
        r.status = io_status::ok;
        r.bytes = n;
        return r;
    }
    return inner().read_some(buf, dl);
}

} // namespace wsspec::transport
