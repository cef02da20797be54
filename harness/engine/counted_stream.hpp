#pragma once
// A case's stream with Autobahn's octet statistics (rxOctetStats / txOctetStats): every read and
// every write the case makes, by size, handshake included. The case engine wraps the stream
// once, so no read or write site has to remember to count.
#include <memory>

#include "harness/transport/stream.hpp"
#include "reports/report.hpp"

namespace wsspec::engine {

// `metrics` must outlive the returned stream.
std::unique_ptr<transport::stream> count_octets(std::unique_ptr<transport::stream> inner,
                                                report::case_metrics& metrics);

} // namespace wsspec::engine
