#include "harness/server/reference_server.hpp"

#include <cerrno>
#include <iostream>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "harness/server/detail/event_loop.hpp"
#include "harness/server/detail/server_connection.hpp"
#include "harness/transport/listener.hpp"
#include "harness/transport/tls_context.hpp"

namespace wsspec::server {

using namespace std::chrono_literals;

struct reference_server::state {
    server_options options;
    quirk_set quirks;
    std::optional<transport::tls_context> tls;
    std::optional<transport::listener> listener;
    std::uint16_t port = 0;
    std::string address;
    std::mutex log_mu;
    std::atomic<std::size_t> open_connections{0};
    std::optional<detail::server_context> ctx;
    std::vector<std::unique_ptr<detail::event_loop>> loops;
    std::vector<std::thread> loop_threads;
    std::thread acceptor;
    std::mutex stop_mu;
    bool stopped = false;

    void log(const std::string& line) {
        if (!options.log) return;
        std::lock_guard lock(log_mu);
        options.log(line);
    }

    void accept_loop();
};

// Accepts until stop() and deals the connections out to the event loops in turn, so each loop
// (each core) gets an even share whatever order they arrive in.
void reference_server::state::accept_loop() {
    std::size_t next = 0;
    for (;;) {
        switch (listener->wait(transport::no_deadline)) {
        case transport::wait_status::interrupted: return; // stop()
        case transport::wait_status::error:
            log(fmt::format("accept failed: poll: {}", transport::errno_text(errno)));
            std::this_thread::sleep_for(50ms);
            continue;
        case transport::wait_status::ready:
        case transport::wait_status::timeout: break;
        }
        for (;;) {
            auto s = listener->try_accept();
            if (!s) {
                log("accept failed: " + s.error().message);
                std::this_thread::sleep_for(50ms); // e.g. EMFILE: do not spin
                break;
            }
            if (!s->valid()) break; // none left
            loops[next++ % loops.size()]->adopt(std::move(s).value());
        }
    }
}

result<std::unique_ptr<reference_server>> reference_server::start(server_options options) {
    auto s = std::make_unique<state>();
    s->quirks = quirk_set(options.quirks);
    if (options.tls) {
        auto ctx = transport::tls_context::server(*options.tls);
        if (!ctx) return ctx.error();
        s->tls = std::move(ctx).value();
    }
    // Plain: the event loops start TLS on each accepted socket, with the context above.
    auto l = transport::listener::bind(options.host, options.port);
    if (!l) return l.error();
    s->options = std::move(options);
    s->listener.emplace(std::move(l).value());
    s->port = s->listener->port();
    s->address = s->listener->local_address();
    state* raw = s.get();
    s->ctx.emplace(detail::server_context{s->options, s->quirks, s->tls ? &*s->tls : nullptr,
                                          [raw](const std::string& line) { raw->log(line); },
                                          &s->open_connections});
    const unsigned n =
        s->options.threads ? s->options.threads : std::max(1u, std::thread::hardware_concurrency());
    for (unsigned i = 0; i < n; ++i)
        s->loops.push_back(std::make_unique<detail::event_loop>(*s->ctx));
    for (auto& loop : s->loops)
        s->loop_threads.emplace_back([l = loop.get()] { l->run(); });
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
    return s_->tls.has_value();
}
const server_options& reference_server::options() const noexcept {
    return s_->options;
}

void reference_server::stop() {
    std::lock_guard lock(s_->stop_mu);
    if (s_->stopped) return;
    s_->stopped = true;
    s_->listener->interrupt();
    s_->acceptor.join();
    s_->listener->close(); // new clients are refused from here on
    for (auto& loop : s_->loops)
        loop->request_stop();
    for (auto& t : s_->loop_threads)
        t.join();
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

deflate::server_policy echo_policy() {
    deflate::server_policy p;
    p.server_no_context_takeover = true;
    p.client_no_context_takeover = true;
    p.client_window_within_server_window = true;
    return p;
}

} // namespace wsspec::server
