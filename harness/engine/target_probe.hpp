#pragma once
// Questions asked of a target outside any case: can it be reached, does it complete a plain
// opening handshake (before the first case: a target that never upgrades is "unreachable",
// exit 3, not a run of failures), and is it still alive after a case ended badly.
#include <chrono>
#include <string>

#include "codec/result.hpp"
#include "harness/engine/case_runner.hpp"

namespace wsspec::engine {

// Does the target accept a TCP connection now (the connect may take up to `within`)?
bool target_accepts(const run_options& o, std::chrono::milliseconds within);

// Does it within `within`? A refused connect is tried again every 50 ms until then, so that a
// server started just before the run (`./server & wsspec run …` in a CI step) has that long to
// listen. (target_alive asks target_accepts: a crashed server refuses at once.)
bool target_listens_within(const run_options& o, std::chrono::milliseconds within);

// The pre-flight check: a TCP connection and a plain opening handshake (with the run's -H,
// --origin and --subprotocol) that ends in a valid 101, then a normal close. The error says
// what went wrong, in words a user can act on ("the server answered 200 OK", "it speaks TLS:
// use wss://"). On success: the value of the response's Server field ("" without one), which
// names the agent when the user gave no name.
result<std::string> target_upgrades(const run_options& o);

// Is the target still running? It is tried with an opening handshake: a TCP connection alone
// proves little, since the listening socket of a process that is dying still completes TCP
// handshakes until the kernel closes it (and then resets what it had queued).
bool target_alive(const run_options& o, std::chrono::milliseconds within);

} // namespace wsspec::engine
