#pragma once
// The other connections of a case that opens many at once (limits.connections.1: "many
// connections opened at once"). Before the case's own steps, each is connected, upgraded with a
// plain opening handshake and made to echo a text message "Hello"; all stay open until the case
// ends, so the server holds every one of them while it serves the case's own connection.
#include <memory>
#include <vector>

#include "harness/engine/case_runner.hpp"
#include "harness/engine/opening_handshake.hpp"
#include "harness/engine/session.hpp"

namespace wsspec::engine {

class other_connections {
public:
    // Opens `n` connections to o.target, one after the other, within the run's handshake
    // timeout in all. Records in `obs` (the case's): {"echoes": n} when every one was served,
    // else {"timeout": "connections"}, with how many were and the first failure in step_detail.
    other_connections(std::size_t n, const run_options& o, const client_hello& hello,
                      std::uint64_t seed, observation& obs);
    // A closing handshake on each (all close frames first, so their timers overlap).
    ~other_connections();
    other_connections(const other_connections&) = delete;
    other_connections& operator=(const other_connections&) = delete;

private:
    struct connection {
        observation obs;
        std::unique_ptr<session> s;
    };
    // Why the connection was not served, or empty.
    std::string open_one(const run_options& o, client_hello hello, std::uint64_t seed,
                         std::chrono::steady_clock::time_point deadline);
    std::vector<std::unique_ptr<connection>> open_;
};

} // namespace wsspec::engine
