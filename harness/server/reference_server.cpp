#include "harness/server/reference_server.hpp"

#include <iostream>
#include <list>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "harness/server/detail/connection.hpp"
#include "harness/transport/listener.hpp"

namespace wsspec::server {

using namespace std::chrono_literals;

struct reference_server::state {
    struct worker {
        std::thread thread;
        std::shared_ptr<std::atomic<bool>> done;
    };

    server_options options;
    quirk_set quirks;
    std::optional<transport::listener> listener;
    std::uint16_t port = 0;
    std::string address;
    bool tls = false;
    std::atomic<bool> stopping{false};
    std::thread acceptor;
    std::mutex workers_mu;
    std::list<worker> workers;
    std::mutex log_mu;
    std::mutex stop_mu;
    bool stopped = false;

    void log(const std::string& line) {
        if (!options.log) return;
        std::lock_guard lock(log_mu);
        options.log(line);
    }

    void accept_loop();
    void reap_finished();
};

// Joins the connection threads that have ended, so a long-running server does not collect them.
void reference_server::state::reap_finished() {
    std::lock_guard lock(workers_mu);
    for (auto it = workers.begin(); it != workers.end();) {
        if (it->done->load()) {
            it->thread.join();
            it = workers.erase(it);
        } else {
            ++it;
        }
    }
}

void reference_server::state::accept_loop() {
    const detail::connection_context ctx{options, quirks, stopping,
                                         [this](const std::string& line) { log(line); }};
    while (!stopping.load()) {
        auto conn = listener->accept(transport::deadline_after(250ms));
        reap_finished();
        if (!conn) {
            if (stopping.load()) break;
            log(fmt::format("accept failed: {}", conn.error().message));
            std::this_thread::sleep_for(50ms); // e.g. EMFILE: do not spin
            continue;
        }
        if (!*conn) continue; // the deadline passed with no connection
        auto done = std::make_shared<std::atomic<bool>>(false);
        std::lock_guard lock(workers_mu);
        workers.push_back(worker{std::thread([&ctx, s = std::move(*conn), done]() mutable {
                                     detail::run_connection(std::move(s), ctx);
                                     done->store(true);
                                 }),
                                 done});
    }
    // ctx must outlive every connection: wait for them here, after stop() set the flag.
    std::lock_guard lock(workers_mu);
    for (auto& w : workers)
        w.thread.join();
    workers.clear();
}

result<std::unique_ptr<reference_server>> reference_server::start(server_options options) {
    auto s = std::make_unique<state>();
    s->quirks = quirk_set(options.quirks);
    auto l = transport::listener::bind(options.host, options.port, options.tls);
    if (!l) return l.error();
    s->options = std::move(options);
    s->listener.emplace(std::move(l).value());
    s->port = s->listener->port();
    s->address = s->listener->local_address();
    s->tls = s->listener->is_tls();
    state* raw = s.get();
    s->acceptor = std::thread([raw] { raw->accept_loop(); });
    return std::unique_ptr<reference_server>(new reference_server(std::move(s)));
}

reference_server::reference_server(std::unique_ptr<state> s) : s_(std::move(s)) {}

reference_server::~reference_server() {
    stop();
}

std::uint16_t reference_server::port() const noexcept {
    return s_->port;
}
std::string reference_server::local_address() const {
    return s_->address;
}
bool reference_server::is_tls() const noexcept {
    return s_->tls;
}
const server_options& reference_server::options() const noexcept {
    return s_->options;
}

void reference_server::stop() {
    std::lock_guard lock(s_->stop_mu);
    if (s_->stopped) return;
    s_->stopped = true;
    s_->stopping.store(true);
    s_->listener->interrupt();
    s_->acceptor.join(); // it joins the connection threads before it returns
    s_->listener->close();
}

int serve_forever(server_options options, const std::atomic<bool>& stop_flag,
                  std::function<void(const std::string&)> announce) {
    if (!options.log) {
        options.log = [](const std::string& line) { std::cerr << line << std::endl; };
    }
    if (!announce) {
        announce = [](const std::string& line) { std::cout << line << std::endl; };
    }
    auto log = options.log;
    std::string quirks;
    for (quirk q : options.quirks)
        quirks += (quirks.empty() ? "" : ", ") + std::string(info(q).name);
    auto server = reference_server::start(std::move(options));
    if (!server) {
        log(fmt::format("cannot start the reference server: {}", server.error().message));
        return 2;
    }
    auto& srv = **server;
    // The announcement is exactly "listening on URL", for scripts that read it from a pipe.
    announce(fmt::format("listening on {}://{}", srv.is_tls() ? "wss" : "ws", srv.local_address()));
    if (!quirks.empty()) log("quirks on (deliberate RFC 6455 violations): " + quirks);
    while (!stop_flag.load())
        std::this_thread::sleep_for(100ms);
    srv.stop();
    return 0;
}

} // namespace wsspec::server
