#pragma once
// One thread of a load run: an epoll loop over its share of the connections, a timer heap for
// paced sends, and its own tallies (merged when every worker is done).
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <queue>
#include <utility>
#include <vector>

#include "harness/load/detail/load_connection.hpp"
#include "harness/load/detail/run_shared.hpp"

namespace wsspec::load::detail {

class load_worker {
public:
    load_worker(run_shared& run, std::vector<unsigned> connection_indices);
    ~load_worker();
    load_worker(const load_worker&) = delete;
    load_worker& operator=(const load_worker&) = delete;

    // Opens the connections, calls `all_open` (a barrier with the other workers), then loads
    // until every connection is done.
    void run(const std::function<void()>& all_open);

    worker_stats stats;
    // For progress lines, read by another thread.
    std::atomic<std::uint64_t> echoed_seen{0};
    std::atomic<std::uint64_t> errors_seen{0};
    std::atomic<unsigned> open_seen{0};

    // For connections.
    int epoll_fd() const noexcept { return epfd_; }
    std::span<std::uint8_t> read_buffer() noexcept { return read_buf_; }
    void schedule(load_connection* c, std::int64_t due);
    void on_ready() noexcept {
        open_seen.store(open_seen.load() + 1, std::memory_order_relaxed);
        ++upgraded_;
    }
    void on_done(bool was_open) noexcept;

private:
    using timer = std::pair<std::int64_t, load_connection*>;

    void wait_and_dispatch(std::int64_t until);
    void publish() noexcept;

    run_shared& run_;
    int epfd_ = -1;
    std::vector<std::unique_ptr<load_connection>> conns_;
    std::vector<std::uint8_t> read_buf_;
    std::priority_queue<timer, std::vector<timer>, std::greater<timer>> timers_;
    unsigned live_ = 0;
    unsigned upgraded_ = 0; // connections whose opening handshake completed, open or not now
};

} // namespace wsspec::load::detail
