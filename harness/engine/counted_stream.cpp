#include "harness/engine/counted_stream.hpp"

#include "harness/transport/forwarding_stream.hpp"

namespace wsspec::engine {
namespace {

class counted_stream final : public transport::forwarding_stream {
public:
    counted_stream(std::unique_ptr<transport::stream> inner, report::case_metrics& m)
        : forwarding_stream(std::move(inner)), m_(m) {}

    transport::io_result read_some(std::span<std::uint8_t> buf, transport::deadline dl) override {
        auto r = inner().read_some(buf, dl);
        if (r.bytes) ++m_.rx_reads[r.bytes];
        return r;
    }
    transport::io_result write_all(std::span<const std::uint8_t> data,
                                   transport::deadline dl) override {
        auto r = inner().write_all(data, dl);
        if (r.bytes) ++m_.tx_writes[r.bytes];
        return r;
    }

private:
    report::case_metrics& m_;
};

} // namespace

std::unique_ptr<transport::stream> count_octets(std::unique_ptr<transport::stream> inner,
                                                report::case_metrics& metrics) {
    return std::make_unique<counted_stream>(std::move(inner), metrics);
}

} // namespace wsspec::engine
