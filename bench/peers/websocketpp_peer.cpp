#include "bench/peers/websocketpp_peer.hpp"

#include <websocketpp/config/core.hpp>
#include <websocketpp/processors/hybi13.hpp>

namespace wsspec::bench::wspp {

using config = websocketpp::config::core;

struct processor::impl {
    config::rng_type rng;
    websocketpp::processor::hybi13<config> p;

    explicit impl(bool server)
        : p(false, server, websocketpp::lib::make_shared<config::con_msg_manager_type>(), rng) {}
};

processor::processor(bool server) : impl_(std::make_unique<impl>(server)) {}
processor::~processor() = default;

bool processor::consume(std::uint8_t* buf, std::size_t n, tally& t, bool checksum) {
    auto& p = impl_->p;
    std::size_t off = 0;
    while (off < n) {
        websocketpp::lib::error_code ec;
        const std::size_t k = p.consume(buf + off, n - off, ec);
        off += k;
        if (ec) {
            t.error = ec.message();
            return false;
        }
        if (p.ready()) {
            // One message at a time: consume() stops when it completes one.
            const auto msg = p.get_message();
            const std::string& payload = msg->get_payload();
            t.payload_bytes += payload.size();
            ++t.messages;
            if (checksum)
                t.sum.add(reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size());
        } else if (k == 0) {
            t.error = "websocketpp consumed nothing";
            return false;
        }
    }
    return true;
}

} // namespace wsspec::bench::wspp
