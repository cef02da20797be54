#include "harness/transport/stream.hpp"

#include <algorithm>
#include <thread>

namespace wsspec::transport {

stream::~stream() = default;

io_result write_chopped(stream& s, std::span<const std::uint8_t> data, std::size_t chop,
                        std::chrono::microseconds pause, deadline dl) {
    if (chop == 0 || chop >= data.size()) return s.write_all(data, dl);

    std::size_t done = 0;
    while (done < data.size()) {
        const std::size_t n = std::min(chop, data.size() - done);
        io_result r = s.write_all(data.subspan(done, n), dl);
        done += r.bytes;
        if (!r.ok()) {
            r.bytes = done;
            return r;
        }
        if (done == data.size() || pause.count() <= 0) continue;

        if (dl - clock::now() <= pause) {
            std::this_thread::sleep_until(dl);
            return {io_status::timeout, done, "deadline passed during a chop pause"};
        }
        std::this_thread::sleep_for(pause);
    }
    return {io_status::ok, done, {}};
}

} // namespace wsspec::transport
