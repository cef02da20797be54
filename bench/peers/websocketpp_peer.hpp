#pragma once
// websocketpp's hybi13 processor behind a plain interface. websocketpp 0.8.2's headers do not
// compile as C++20 with g++ 12 (template-ids in constructor declarations), so they are
// included only by websocketpp_peer.cpp, which is built as C++17.
#include <cstddef>
#include <cstdint>
#include <memory>

#include "bench/checksum.hpp"

namespace wsspec::bench::wspp {

class processor {
public:
    // server: parse a client's (masked) frames.
    explicit processor(bool server);
    ~processor();
    processor(const processor&) = delete;
    processor& operator=(const processor&) = delete;

    // Consumes buf[0, n), unmasking in place as websocketpp does, and takes every message it
    // completes. False on a protocol error, with t.error set.
    bool consume(std::uint8_t* buf, std::size_t n, tally& t, bool checksum);

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace wsspec::bench::wspp
