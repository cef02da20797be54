#include "harness/load/detail/load_worker.hpp"

#include <sys/epoll.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>

namespace wsspec::load::detail {
namespace {

constexpr std::size_t read_buffer_size = 256 * 1024;
constexpr int max_events = 256;
// Timeouts are checked this often (a scan over every connection).
constexpr std::int64_t scan_interval_ns = 100'000'000;
// Progress counters are published at most this often.
constexpr std::int64_t publish_interval_ns = 20'000'000;

std::int64_t to_ns(std::chrono::milliseconds ms) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(ms).count();
}

} // namespace

load_worker::load_worker(run_shared& run, std::vector<unsigned> connection_indices)
    : run_(run), epfd_(::epoll_create1(EPOLL_CLOEXEC)), read_buf_(read_buffer_size) {
    conns_.reserve(connection_indices.size());
    for (unsigned i : connection_indices)
        conns_.push_back(std::make_unique<load_connection>(run, *this, i));
    std::vector<timer> storage;
    storage.reserve(conns_.size());
    timers_ = decltype(timers_)(std::greater<timer>(), std::move(storage));
}

load_worker::~load_worker() {
    conns_.clear(); // closes their sockets before the epoll descriptor
    if (epfd_ >= 0) ::close(epfd_);
}

void load_worker::schedule(load_connection* c, std::int64_t due) {
    if (c->timer_armed) return;
    c->timer_armed = true;
    timers_.emplace(due, c);
}

void load_worker::on_done(bool was_open) noexcept {
    --live_;
    if (was_open) open_seen.store(open_seen.load() - 1, std::memory_order_relaxed);
}

void load_worker::publish() noexcept {
    echoed_seen.store(stats.echoed, std::memory_order_relaxed);
    errors_seen.store(stats.errors.total(), std::memory_order_relaxed);
}

// One epoll wait, at most until `until` (ns on the steady clock), then every event handled.
void load_worker::wait_and_dispatch(std::int64_t until) {
    epoll_event events[max_events];
    const std::int64_t wait = std::max<std::int64_t>(0, until - now_ns());
    timespec ts{static_cast<time_t>(wait / 1'000'000'000), static_cast<long>(wait % 1'000'000'000)};
    int n = ::epoll_pwait2(epfd_, events, max_events, &ts, nullptr);
    if (n < 0 && errno == ENOSYS) // kernels before 5.11: millisecond resolution
        n = ::epoll_wait(epfd_, events, max_events, static_cast<int>((wait + 999'999) / 1'000'000));
    if (n <= 0) return;
    const std::int64_t now = now_ns();
    for (int i = 0; i < n; ++i)
        static_cast<load_connection*>(events[i].data.ptr)->on_event(events[i].events, now);
}

void load_worker::run(const std::function<void()>& all_open) {
    // Opening: connect, TLS, upgrade; every connection of this worker at once.
    const std::int64_t setup_end = now_ns() + to_ns(run_.opt.connect_timeout);
    live_ = static_cast<unsigned>(conns_.size());
    for (auto& c : conns_)
        c->start(now_ns());
    auto in_setup = [this] {
        for (auto& c : conns_)
            if (c->in_setup()) return true;
        return false;
    };
    while (in_setup() && !run_.interrupted.load(std::memory_order_relaxed)) {
        if (now_ns() >= setup_end) {
            for (auto& c : conns_)
                if (c->in_setup()) c->setup_timed_out();
            break;
        }
        wait_and_dispatch(std::min(setup_end, now_ns() + 50'000'000));
    }
    for (auto& c : conns_)
        if (c->in_setup()) c->abandon(); // interrupted
    run_.opened.fetch_add(upgraded_);
    publish();
    all_open();

    // Loading.
    const std::int64_t start = now_ns();
    for (auto& c : conns_)
        c->begin_load(start);
    std::int64_t next_scan = start + scan_interval_ns;
    std::int64_t next_publish = start;
    bool ended = false; // the duration is over, or interrupted: one scan stops every sender
    while (live_ > 0) {
        std::int64_t until = next_scan;
        if (!timers_.empty()) until = std::min(until, timers_.top().first);
        if (!ended) until = std::min(until, run_.end_ns);
        wait_and_dispatch(until);
        std::int64_t now = now_ns();
        while (!timers_.empty() && timers_.top().first <= now) {
            load_connection* c = timers_.top().second;
            timers_.pop();
            c->timer_armed = false;
            c->tick(now);
        }
        const bool end_now =
            !ended && (now >= run_.end_ns || run_.interrupted.load(std::memory_order_relaxed));
        if (end_now || now >= next_scan) {
            ended = ended || end_now;
            for (auto& c : conns_)
                c->tick(now);
            next_scan = now + scan_interval_ns;
        }
        if (now >= next_publish) {
            publish();
            next_publish = now + publish_interval_ns;
        }
    }
    publish();
}

} // namespace wsspec::load::detail
