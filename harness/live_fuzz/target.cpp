#include "harness/live_fuzz/target.hpp"

#include <thread>

#include "harness/transport/connect.hpp"
#include "harness/transport/url.hpp"

namespace wsspec::live_fuzz {

using clock = std::chrono::steady_clock;

bool accepts(const std::string& url, std::chrono::milliseconds within) {
    auto u = transport::parse_url(url);
    if (!u) return false;
    // A TCP connection only: the opening handshake would be one more request for a server that
    // may be struggling, and a TLS one would need the certificate options.
    return transport::accepts_tcp(u->host, u->port, clock::now() + within);
}

result<std::unique_ptr<target>> target::start(target_spec spec, std::chrono::milliseconds within) {
    std::unique_ptr<target> t(new target(std::move(spec)));
    if (auto r = t->launch(within); !r) return r.error();
    return t;
}

result<void> target::launch(std::chrono::milliseconds within) {
    if (!spec_.url.empty() && spec_.exec.empty()) {
        url_ = spec_.url;
        return {};
    }
    if (spec_.url.empty()) {
        std::vector<std::string> argv{spec_.self, "serve", "-p", "0"};
        for (const auto& q : spec_.quirks) {
            argv.push_back("--quirk");
            argv.push_back(q);
        }
        auto c = process::child_process::spawn(argv, {.discard_stderr = true});
        if (!c) return make_error("cannot start the reference server: " + c.error().message);
        auto line = c->read_line(within);
        const std::string prefix = "listening on ";
        if (!line || line->rfind(prefix, 0) != 0)
            return make_error("the reference server did not start: " +
                              (line ? "it said '" + *line + "'" : line.error().message));
        url_ = line->substr(prefix.size()) + "/";
        child_.emplace(std::move(*c));
        return {};
    }
    // Any command line (`cd dir && ./server`, `PORT=9001 ./server`): the shell and what it starts
    // are a process group of their own, which stopping the target signals whole.
    auto c = process::child_process::spawn({"/bin/sh", "-c", spec_.exec},
                                           {.capture_stdout = false, .own_group = true});
    if (!c) return make_error("cannot run --exec '" + spec_.exec + "': " + c.error().message);
    child_.emplace(std::move(*c));
    url_ = spec_.url;
    auto deadline = clock::now() + within;
    while (!accepts(url_, std::chrono::milliseconds(200))) {
        if (auto st = child_->wait_for(std::chrono::milliseconds(0)))
            return make_error("--exec '" + spec_.exec + "' " + process::describe_status(*st) +
                              " before " + url_ + " accepted a connection");
        if (clock::now() >= deadline)
            return make_error("--exec '" + spec_.exec + "' started, but " + url_ +
                              " accepted no connection within " + std::to_string(within.count()) +
                              " ms");
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return {};
}

result<void> target::restart(std::chrono::milliseconds within) {
    if (!restartable())
        return make_error("nothing can restart " + url_ + " (give --exec to let wsspec start it)");
    child_.reset(); // stop(): SIGTERM, then SIGKILL, and reap
    ++restarts_;
    return launch(within);
}

} // namespace wsspec::live_fuzz
