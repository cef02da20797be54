#pragma once
// One thread of the reference server: an epoll set, a timer heap and the connections the
// acceptor handed to it. Connections only ever run on their loop's thread.
#include <cstdint>
#include <memory>
#include <mutex>
#include <queue>
#include <unordered_map>
#include <utility>
#include <vector>

#include "harness/server/detail/server_connection.hpp"
#include "harness/transport/socket.hpp"

namespace wsspec::server::detail {

class event_loop {
public:
    explicit event_loop(const server_context& ctx);
    ~event_loop();
    event_loop(const event_loop&) = delete;
    event_loop& operator=(const event_loop&) = delete;

    // From the acceptor thread: a newly accepted socket to serve (TLS is started here). With
    // `as_client`: a socket connected to a server, served in the client's role.
    void adopt(transport::socket s, std::optional<client_side> as_client = std::nullopt);
    // From any thread: stop every connection (close 1001 where a WebSocket is open), then
    // return from run() once they are all gone.
    void request_stop();
    // until_idle: also return once no connection is left (the reference client: one case).
    void run(bool until_idle = false);

    // For this loop's connections.
    void set_interest(server_connection& c, std::uint32_t events);
    void arm(server_connection& c, time_point when);
    void finished(server_connection& c);

private:
    using timer = std::pair<time_point, std::uint64_t>;

    void wake() noexcept;
    bool take_inbox(time_point now); // true once a stop was requested
    void fire_timers(time_point now);
    template <class F>
    void guarded(server_connection& c, F&& f);

    const server_context& ctx_;
    int epfd_ = -1;
    int wake_fd_ = -1; // eventfd: new sockets or a stop request
    std::mutex mu_;
    struct adoption {
        transport::socket socket;
        std::optional<client_side> as_client;
    };
    std::vector<adoption> inbox_;
    bool stop_requested_ = false;
    bool stopping_ = false;
    std::unordered_map<std::uint64_t, std::unique_ptr<server_connection>> conns_;
    std::vector<std::uint64_t> dead_;
    std::priority_queue<timer, std::vector<timer>, std::greater<timer>> timers_;
    std::uint64_t next_id_ = 1; // 0 is the wake-up descriptor
};

} // namespace wsspec::server::detail
