#include "harness/engine/other_connections.hpp"

#include <fmt/format.h>

#include "harness/engine/step_runner.hpp"
#include "harness/transport/connect.hpp"

namespace wsspec::engine {
namespace {

using clock = std::chrono::steady_clock;

catalog::step_def hello_step() {
    catalog::step_def step;
    step.type = catalog::step_def::kind::send;
    step.frame.opcode = 0x1;
    step.frame.data = catalog::payload(catalog::bytes{'H', 'e', 'l', 'l', 'o'});
    return step;
}

} // namespace

std::string other_connections::open_one(const run_options& o, client_hello hello,
                                        std::uint64_t seed, clock::time_point deadline) {
    auto c = std::make_unique<connection>();
    auto s = transport::connect(o.target, o.tls, deadline);
    if (!s) return s.error().message;
    hello.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
    if (hello.timeout.count() <= 0) return "no time was left for its opening handshake";
    const catalog::case_def plain;
    auto hs = client_handshake(**s, hello, plain, seed, {}, c->obs);
    if (!c->obs.upgraded) return c->obs.handshake_error;
    session_options so;
    so.seed = seed;
    so.timeouts = scaled_timeouts(o);
    so.allowed_rsv = hs.allowed_rsv;
    so.deflate = hs.deflate;
    c->s = std::make_unique<session>(std::move(*s), c->obs, so);
    c->s->feed_initial(hs.leftover);
    const auto step = hello_step();
    for (const auto& f : encode_send(*c->s, step))
        c->s->queue(f);
    c->s->flush();
    c->s->pump_until_event(0, deadline);
    auto& got = c->obs.received;
    open_.push_back(std::move(c)); // held open even if it did not echo: the server has it
    if (got.size() == 1 && got[0].type == catalog::event::kind::text &&
        got[0].data.matches(step.frame.data))
        return "";
    return got.empty() ? "no echo of \"Hello\" before the deadline"
                       : "the echo was " + catalog::describe(got);
}

other_connections::other_connections(std::size_t n, const run_options& o, const client_hello& hello,
                                     std::uint64_t seed, observation& obs) {
    // All of them within one handshake timeout: a server that stops answering costs that, not
    // a timeout per connection.
    const auto deadline = clock::now() + scaled_timeouts(o).open * 2;
    std::size_t served = 0;
    std::string first_failure;
    for (std::size_t i = 0; i < n; ++i) {
        auto why = open_one(o, hello, seed + 1 + i, deadline);
        if (why.empty()) {
            ++served;
        } else if (first_failure.empty()) {
            first_failure = fmt::format("connection {} of {}: {}", i + 1, n, why);
        }
    }
    catalog::event e;
    if (served == n) {
        e.type = catalog::event::kind::echoes;
        e.count = n;
    } else {
        e.type = catalog::event::kind::timeout;
        e.tag = "connections";
        obs.step_detail =
            fmt::format("{} of the {} other connections were served; first failure: {}", served, n,
                        first_failure);
    }
    obs.received.push_back(std::move(e));
}

other_connections::~other_connections() {
    for (auto& c : open_)
        if (c->s && c->s->open()) c->s->send_close(1000, "");
    for (auto& c : open_)
        if (c->s) c->s->run_to_end();
}

} // namespace wsspec::engine
