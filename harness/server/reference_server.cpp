#include "harness/server/reference_server.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <iostream>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "harness/server/detail/connection.hpp"
#include "harness/server/detail/event_loop.hpp"
#include "harness/server/detail/listen_socket.hpp"
#include "harness/transport/detail/tls_context.hpp"

namespace wsspec::server {

using namespace std::chrono_literals;

struct reference_server::state {
    server_options options;
    quirk_set quirks;
    transport::detail::ssl_ctx_ptr tls;
    std::optional<detail::listen_socket> listener;
    std::uint16_t port = 0;
    std::string address;
    std::mutex log_mu;
    std::optional<detail::connection_context> ctx;
    std::vector<std::unique_ptr<detail::event_loop>> loops;
    std::vector<std::thread> loop_threads;
    transport::detail::unique_fd wake; // eventfd: wakes the acceptor for stop()
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
        pollfd p[2] = {{listener->fd(), POLLIN, 0}, {wake.get(), POLLIN, 0}};
        if (::poll(p, 2, -1) < 0 && errno != EINTR) {
            log(fmt::format("accept failed: poll: {}", transport::detail::errno_text(errno)));
            std::this_thread::sleep_for(50ms);
            continue;
        }
        if (p[1].revents != 0) return;
        if (p[0].revents == 0) continue;
        for (;;) {
            std::string error;
            transport::detail::unique_fd fd = listener->accept(error);
            if (!fd.valid()) {
                if (!error.empty()) {
                    log("accept failed: " + error);
                    std::this_thread::sleep_for(50ms); // e.g. EMFILE: do not spin
                }
                break;
            }
            loops[next++ % loops.size()]->adopt(std::move(fd));
        }
    }
}

result<std::unique_ptr<reference_server>> reference_server::start(server_options options) {
    auto s = std::make_unique<state>();
    s->quirks = quirk_set(options.quirks);
    if (options.tls) {
        auto ctx = transport::detail::make_server_context(*options.tls);
        if (!ctx) return ctx.error();
        s->tls = std::move(ctx).value();
    }
    auto l = detail::listen_socket::bind(options.host, options.port);
    if (!l) return l.error();
    s->wake.reset(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
    if (!s->wake.valid())
        return make_error(fmt::format("eventfd: {}", transport::detail::errno_text(errno)));
    s->options = std::move(options);
    s->listener.emplace(std::move(l).value());
    s->port = s->listener->port();
    s->address = s->listener->local_address();
    state* raw = s.get();
    s->ctx.emplace(detail::connection_context{s->options, s->quirks, s->tls.get(),
                                              [raw](const std::string& line) { raw->log(line); }});
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
    return s_->tls != nullptr;
}
const server_options& reference_server::options() const noexcept {
    return s_->options;
}

void reference_server::stop() {
    std::lock_guard lock(s_->stop_mu);
    if (s_->stopped) return;
    s_->stopped = true;
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto n = ::write(s_->wake.get(), &one, sizeof one);
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

} // namespace wsspec::server
