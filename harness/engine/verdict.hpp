#pragma once
// Autobahn|Testsuite's two verdicts (autobahntestsuite/case/case.py, onConnectionLost), computed
// from an observation. Pure: the tests drive it with hand-made observations.
#include <string>

#include "harness/catalog/case_model.hpp"
#include "harness/engine/observation.hpp"

namespace wsspec::engine {

struct judgement {
    std::string behavior;
    std::string behavior_close;
    std::string reason; // one line; empty when both verdicts are OK
};

judgement judge(const catalog::case_def& c, const observation& o);

// Does `received` match one expected outcome of the case? Exactly, or with c.pongs_apart the
// pongs and the other events each in their own order.
bool matches(const catalog::case_def& c, const catalog::event_list& expected,
             const catalog::event_list& received);

// "[message text 5 B "Hello", pong 0 B]", payloads cut to 40 bytes.
std::string describe(const catalog::event_list& events);
// Report form of an event list (Autobahn's: text if valid UTF-8, else 0x-hex; cut at 64 bytes).
nlohmann::json to_json(const catalog::event_list& events);

} // namespace wsspec::engine
