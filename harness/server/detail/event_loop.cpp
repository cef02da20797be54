#include "harness/server/detail/event_loop.hpp"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <exception>

#include <fmt/format.h>

namespace wsspec::server::detail {
namespace {

constexpr int max_events = 256;
constexpr std::uint64_t wake_id = 0;

} // namespace

event_loop::event_loop(const server_context& ctx)
    : ctx_(ctx), epfd_(::epoll_create1(EPOLL_CLOEXEC)),
      wake_fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = wake_id;
    ::epoll_ctl(epfd_, EPOLL_CTL_ADD, wake_fd_, &ev);
}

event_loop::~event_loop() {
    conns_.clear();
    {
        std::lock_guard lock(mu_);
        inbox_.clear();
    }
    if (wake_fd_ >= 0) ::close(wake_fd_);
    if (epfd_ >= 0) ::close(epfd_);
}

void event_loop::wake() noexcept {
    const std::uint64_t one = 1;
    // A full counter already holds a wake-up, so a failed write loses nothing.
    [[maybe_unused]] const auto n = ::write(wake_fd_, &one, sizeof one);
}

void event_loop::adopt(transport::socket s, std::optional<client_side> as_client) {
    {
        std::lock_guard lock(mu_);
        inbox_.push_back({std::move(s), std::move(as_client)});
    }
    wake();
}

void event_loop::request_stop() {
    {
        std::lock_guard lock(mu_);
        stop_requested_ = true;
    }
    wake();
}

void event_loop::set_interest(server_connection& c, std::uint32_t events) {
    if (events == c.interest || c.fd() < 0) return;
    epoll_event ev{};
    ev.events = events;
    ev.data.u64 = c.id();
    const int op = c.interest == 0 ? EPOLL_CTL_ADD : events == 0 ? EPOLL_CTL_DEL : EPOLL_CTL_MOD;
    ::epoll_ctl(epfd_, op, c.fd(), &ev);
    c.interest = events;
}

void event_loop::arm(server_connection& c, time_point when) {
    if (when == never) return;
    c.armed = when;
    timers_.emplace(when, c.id());
}

void event_loop::finished(server_connection& c) {
    dead_.push_back(c.id());
}

// Runs one connection callback; an exception (bad_alloc, say) ends that connection, never the
// server.
template <class F>
void event_loop::guarded(server_connection& c, F&& f) {
    try {
        f();
    } catch (const std::exception& e) {
        c.abort(e.what());
    }
}

bool event_loop::take_inbox(time_point now) {
    std::uint64_t count;
    [[maybe_unused]] const auto n = ::read(wake_fd_, &count, sizeof count);
    std::vector<adoption> sockets;
    bool stop;
    {
        std::lock_guard lock(mu_);
        sockets.swap(inbox_);
        stop = stop_requested_;
    }
    for (adoption& a : sockets) {
        transport::socket& s = a.socket;
        if (ctx_.tls && !a.as_client) {
            if (auto r = s.start_tls_server(*ctx_.tls); !r) {
                ctx_.log(fmt::format("{}: {}", s.peer(), r.error().message));
                continue; // closed by `sockets` going out of scope
            }
        }
        const std::uint64_t id = next_id_++;
        auto c = std::make_unique<server_connection>(id, std::move(s), ctx_, *this,
                                                     std::move(a.as_client));
        server_connection& ref = *c;
        conns_.emplace(id, std::move(c));
        guarded(ref, [&] {
            ref.start(now);
            if (stop) ref.on_stop(now);
        });
    }
    return stop;
}

void event_loop::fire_timers(time_point now) {
    while (!timers_.empty() && timers_.top().first <= now) {
        const auto [when, id] = timers_.top();
        timers_.pop();
        auto it = conns_.find(id);
        // An entry is stale once the connection re-armed for another time or is gone.
        if (it == conns_.end() || it->second->armed != when) continue;
        server_connection& c = *it->second;
        c.armed = never;
        guarded(c, [&] { c.on_timer(now); });
    }
}

void event_loop::run(bool until_idle) {
    epoll_event events[max_events];
    for (;;) {
        int timeout = -1;
        if (!timers_.empty()) {
            const auto left = timers_.top().first - clock::now();
            timeout =
                left <= clock::duration::zero()
                    ? 0
                    : static_cast<int>(std::min<long long>(
                          std::chrono::ceil<std::chrono::milliseconds>(left).count(), 60'000));
        }
        const int n = ::epoll_wait(epfd_, events, max_events, timeout);
        const time_point now = clock::now();
        for (int i = 0; i < n; ++i) {
            const std::uint64_t id = events[i].data.u64;
            if (id == wake_id) {
                if (take_inbox(now) && !stopping_) {
                    stopping_ = true;
                    for (auto& entry : conns_) {
                        server_connection& c = *entry.second;
                        guarded(c, [&] { c.on_stop(now); });
                    }
                }
                continue;
            }
            auto it = conns_.find(id);
            if (it == conns_.end()) continue; // ended earlier in this batch
            server_connection& c = *it->second;
            guarded(c, [&] { c.on_ready(events[i].events, now); });
        }
        fire_timers(now);
        for (std::uint64_t id : dead_)
            conns_.erase(id);
        dead_.clear();
        if (stopping_ && conns_.empty()) return;
        if (until_idle && conns_.empty()) {
            std::lock_guard lock(mu_);
            if (inbox_.empty()) return;
        }
    }
}

} // namespace wsspec::server::detail
