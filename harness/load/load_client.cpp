#include "harness/load/load_client.hpp"

#include <algorithm>
#include <barrier>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "harness/load/detail/echo_frames.hpp"
#include "harness/load/detail/load_worker.hpp"
#include "harness/transport/endpoint.hpp"
#include "harness/transport/socket.hpp"
#include "harness/transport/tls_context.hpp"

namespace wsspec::load {

const char* to_string(error_kind k) noexcept {
    switch (k) {
    case error_kind::connect: return "connect";
    case error_kind::handshake: return "handshake";
    case error_kind::protocol: return "protocol";
    case error_kind::unexpected_close: return "unexpected_close";
    case error_kind::mismatch: return "mismatch";
    case error_kind::timeout: return "timeout";
    }
    return "?";
}

void error_tally::add(error_kind k, std::string message) {
    const auto i = static_cast<std::size_t>(k);
    if (counts[i]++ == 0) first[i] = std::move(message);
}

void error_tally::merge(const error_tally& other) {
    for (std::size_t i = 0; i < error_kind_count; ++i) {
        if (counts[i] == 0) first[i] = other.first[i];
        counts[i] += other.counts[i];
    }
}

std::uint64_t error_tally::total() const noexcept {
    std::uint64_t n = 0;
    for (auto c : counts)
        n += c;
    return n;
}

std::uint64_t memory_estimate(const load_options& o) noexcept {
    const unsigned depth = std::max(o.pipeline, 1u);
    const std::uint64_t frames =
        std::uint64_t{detail::frame_copies(o.size, depth)} * (o.size + max_header_size);
    const std::uint64_t per_connection = frames + depth * sizeof(std::int64_t) + 4096;
    const std::uint64_t per_thread = 512 * 1024; // read buffer and histogram
    const unsigned threads =
        o.threads ? o.threads : std::max(1u, std::thread::hardware_concurrency());
    return o.connections * per_connection + threads * per_thread + o.size;
}

namespace {

// Connection i goes to worker i % threads, so every worker gets a fair share.
std::vector<std::vector<unsigned>> deal(unsigned connections, unsigned threads) {
    std::vector<std::vector<unsigned>> out(threads);
    for (unsigned i = 0; i < connections; ++i)
        out[i % threads].push_back(i);
    return out;
}

// Resolves host:port and returns the first address that accepts a TCP connection within
// `timeout` (the probe connection is closed at once), so that every connection of the run goes
// to the same address. Errors name host:port and the reason: "cannot connect to 127.0.0.1:1:
// connection refused".
result<transport::endpoint> pick_endpoint(const std::string& host, std::uint16_t port,
                                          std::chrono::milliseconds timeout) {
    auto endpoints = transport::resolve(host, port);
    if (!endpoints) return endpoints.error();
    std::vector<std::string> failures;
    for (transport::endpoint& ep : *endpoints) {
        auto probe = transport::socket::connect(ep, transport::deadline_after(timeout));
        if (probe) return std::move(ep);
        failures.push_back(probe.error().message);
    }
    if (failures.size() == 1) return make_error("cannot connect to " + failures.front());
    return make_error(
        fmt::format("cannot connect to {}:{}: {}", host, port, fmt::join(failures, "; ")));
}

} // namespace

result<load_result, load_error>
run_load(const load_options& o, const std::atomic<bool>& interrupted,
         const std::function<void(const load_progress&)>& on_progress,
         std::chrono::milliseconds progress_every) {
    using namespace std::chrono;
    detail::run_shared run(o, interrupted);
    std::optional<transport::tls_context> tls;
    if (o.target.secure()) {
        auto ctx = transport::tls_context::client(o.tls);
        if (!ctx) return load_error{load_error::bad_input, ctx.error().message};
        tls = std::move(ctx).value();
        run.tls = &*tls;
    }
    auto ep = pick_endpoint(o.target.host, o.target.port, o.connect_timeout);
    if (!ep) return load_error{load_error::unreachable, ep.error().message};
    run.ep = std::move(ep).value();
    run.base = detail::make_base_payload(o.size, o.type);
    run.op = o.type == payload_type::text ? opcode::text : opcode::binary;
    run.budget.store(static_cast<std::int64_t>(o.messages));

    const unsigned connections = std::max(o.connections, 1u);
    unsigned threads = o.threads ? o.threads : std::max(1u, std::thread::hardware_concurrency());
    threads = std::min(threads, connections);
    std::vector<std::unique_ptr<detail::load_worker>> workers;
    for (auto& share : deal(connections, threads))
        workers.push_back(std::make_unique<detail::load_worker>(run, std::move(share)));

    // Once every worker has opened its connections: the clock starts and pacing is set.
    auto start_load = [&run, &o]() noexcept {
        run.start_ns = detail::now_ns();
        if (o.messages == 0)
            run.end_ns = run.start_ns + duration_cast<nanoseconds>(o.duration).count();
        const unsigned open = run.opened.load();
        if (o.rate > 0 && open > 0) run.ns_per_message = 1e9 * open / o.rate;
        run.loading.store(true);
    };
    std::barrier sync(static_cast<std::ptrdiff_t>(threads), start_load);
    std::atomic<unsigned> finished{0};
    std::vector<std::thread> pool;
    for (auto& w : workers)
        pool.emplace_back([&sync, &finished, w = w.get()] {
            w->run([&sync] { sync.arrive_and_wait(); });
            finished.fetch_add(1);
        });

    auto snapshot = [&] {
        load_progress p;
        p.loading = run.loading.load();
        if (p.loading) p.elapsed_s = (detail::now_ns() - run.start_ns) / 1e9;
        for (auto& w : workers) {
            p.connections_open += w->open_seen.load(std::memory_order_relaxed);
            p.echoed += w->echoed_seen.load(std::memory_order_relaxed);
            p.errors += w->errors_seen.load(std::memory_order_relaxed);
        }
        return p;
    };
    auto next = steady_clock::now() + progress_every;
    while (finished.load() < threads) {
        std::this_thread::sleep_for(milliseconds(10));
        if (on_progress && steady_clock::now() >= next) {
            on_progress(snapshot());
            next += progress_every;
        }
    }
    for (auto& t : pool)
        t.join();

    load_result r;
    r.target = o.target.to_string();
    r.options = o;
    r.threads = threads;
    r.connections_opened = run.opened.load();
    r.interrupted = interrupted.load();
    std::int64_t last_echo = run.start_ns;
    for (auto& w : workers) {
        const auto& s = w->stats;
        r.sent += s.sent;
        r.echoed += s.echoed;
        r.wire_bytes_sent += s.wire_sent;
        r.wire_bytes_received += s.wire_received;
        r.latency_ns.merge(s.latency_ns);
        r.errors.merge(s.errors);
        last_echo = std::max(last_echo, s.last_echo_ns);
    }
    r.elapsed_s = (last_echo - run.start_ns) / 1e9;
    return r;
}

} // namespace wsspec::load
