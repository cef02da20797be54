#include <unistd.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>

#include <fmt/format.h>

#include "harness/cli/build_info.hpp"
#include "harness/cli/commands.hpp"
#include "harness/load/load_client.hpp"
#include "harness/load/load_report.hpp"
#include "harness/server/reference_server.hpp"
#include "harness/transport/url.hpp"

namespace wsspec::cli {
namespace {

// One line rewritten in place on a terminal, about 4 times a second; a plain line a second
// otherwise (a log file or a pipe).
class load_progress_printer {
public:
    explicit load_progress_printer(const load::load_options& o)
        : o_(o), tty_(isatty(fileno(stderr)) != 0) {}
    std::chrono::milliseconds interval() const {
        return std::chrono::milliseconds(tty_ ? 250 : 1000);
    }
    void operator()(const load::load_progress& p) {
        const std::string line = load::progress_line(p, last_, o_);
        if (tty_)
            fmt::print(stderr, "\r\033[K{}", line);
        else
            fmt::print(stderr, "{}\n", line);
        std::fflush(stderr);
        last_ = p;
        printed_ = true;
    }
    void finish() {
        if (tty_ && printed_) fmt::print(stderr, "\r\033[K");
    }

private:
    const load::load_options& o_;
    bool tty_;
    bool printed_ = false;
    load::load_progress last_;
};

result<load::load_options> make_options(const load_args& a, const std::string& url) {
    auto u = transport::parse_url(url);
    if (!u) return u.error();
    load::load_options o;
    o.target = *u;
    o.tls = a.tls;
    o.connections = a.connections;
    o.threads = a.threads;
    o.size = a.size;
    o.type = a.type == "text" ? load::payload_type::text : load::payload_type::binary;
    o.messages = a.messages.value_or(0);
    o.duration = std::chrono::duration<double>(a.duration.value_or(10.0));
    o.rate = a.rate;
    o.pipeline = a.pipeline;
    o.deflate = a.deflate;
    // One bound for every wait: the opening (connect, TLS, upgrade), each echo, the close.
    o.echo_timeout = std::chrono::milliseconds(static_cast<long>(a.timeout * 1000));
    o.connect_timeout = o.echo_timeout;
    o.seed = a.seed;
    // Each connection keeps a send time per message in flight.
    if (static_cast<unsigned long long>(o.connections) * o.pipeline > (1ull << 24))
        return make_error(
            fmt::format("-c {} with --pipeline {} is more than 16M messages in flight",
                        o.connections, o.pipeline));
    // Half the machine's memory at most: a typo in -c or --size should not take it all.
    const auto mib = [](double bytes) { return bytes / (1 << 20); };
    const double need = static_cast<double>(load::memory_estimate(o));
    const double have = static_cast<double>(sysconf(_SC_PHYS_PAGES)) * sysconf(_SC_PAGESIZE);
    if (have > 0 && need > have / 2)
        return make_error(
            fmt::format("-c {} with --size {} and --pipeline {} needs about {:.0f} MiB "
                        "of buffers; this machine has {:.0f} MiB",
                        o.connections, o.size, o.pipeline, mib(need), mib(have)));
    return o;
}

int report(const load_args& a, const load::load_result& r, const std::string& started) {
    const auto j = load::to_json(r, std::string(version()), started);
    if (!a.out_dir.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(a.out_dir, ec);
        const auto path = std::filesystem::path(a.out_dir) / "load.json";
        std::ofstream f(path);
        if (!(f << j.dump(2) << '\n')) {
            fmt::print(stderr, "wsspec load: cannot write {}\n", path.string());
            return exit_usage;
        }
        fmt::print(stderr, "report: {}\n", path.string());
    }
    if (a.json)
        fmt::print("{}\n", j.dump(2));
    else
        load::print_summary(stdout, r);
    return -1;
}

int exit_code_for(const load::load_result& r) {
    if (r.connections_opened == 0 && !r.interrupted) {
        const bool refused = r.errors[load::error_kind::handshake] > 0;
        fmt::print(stderr, "wsspec load: {} with {} failed: {}\n",
                   refused ? "every opening handshake" : "every connection", r.target,
                   r.errors.first[static_cast<std::size_t>(refused ? load::error_kind::handshake
                                                                   : load::error_kind::connect)]);
        return exit_unreachable;
    }
    return r.errors.total() > 0 || r.interrupted ? exit_failures : exit_ok;
}

} // namespace

int load_command(const load_args& a, const std::atomic<bool>& interrupted) {
    std::unique_ptr<server::reference_server> builtin;
    std::string url = a.url;
    if (url.empty()) {
        server::server_options so;
        if (a.deflate) so.deflate = server::echo_policy();
        auto srv = server::reference_server::start(so);
        if (!srv) {
            fmt::print(stderr, "wsspec load: cannot start the reference server: {}\n",
                       srv.error().message);
            return exit_unreachable;
        }
        builtin = std::move(srv).value();
        url = fmt::format("ws://127.0.0.1:{}/", builtin->port());
        fmt::print(stderr, "built-in reference server on {}\n", url);
    }
    auto o = make_options(a, url);
    if (!o) {
        fmt::print(stderr, "wsspec load: {}\n", o.error().message);
        return exit_usage;
    }
    load_progress_printer progress(*o);
    std::function<void(const load::load_progress&)> on_progress;
    if (!a.quiet) on_progress = std::ref(progress);
    const std::string started = now_iso8601();
    result<load::load_result, load::load_error> r =
        load::load_error{load::load_error::bad_input, "not run"};
    try {
        r = load::run_load(*o, interrupted, on_progress, progress.interval());
    } catch (const std::exception& e) { // bad_alloc, thread creation: say so, do not crash
        progress.finish();
        fmt::print(stderr, "wsspec load: {}\n", e.what());
        return exit_failures;
    }
    progress.finish();
    if (!r) {
        fmt::print(stderr, "wsspec load: {}{}\n", r.error().message,
                   r.error().kind == load::load_error::unreachable ? ": target unreachable" : "");
        return r.error().kind == load::load_error::unreachable ? exit_unreachable : exit_usage;
    }
    if (int rc = report(a, *r, started); rc >= 0) return rc;
    return exit_code_for(*r);
}

} // namespace wsspec::cli
