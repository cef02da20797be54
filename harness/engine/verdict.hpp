#pragma once
// Autobahn|Testsuite's two verdicts (autobahntestsuite/case/case.py, onConnectionLost), computed
// from an observation, with wsspec's additions: HTTP events for cases that judge the opening
// handshake, expectations on the peer's close (reason, empty or not), UNIMPLEMENTED when a
// required extension is declined, and the named RFC rule of any violation. Pure: the tests drive
// it with hand-made observations.
#include <string>

#include "harness/catalog/case_model.hpp"
#include "harness/engine/observation.hpp"

namespace wsspec::engine {

struct judgement {
    report::verdict behavior = report::verdict::failed;
    report::verdict behavior_close = report::verdict::failed;
    std::string reason; // one line; empty when both verdicts are OK
};

judgement judge(const catalog::case_def& c, const observation& o);

// Does `received` match one expected outcome of the case? Event by event in order, or with
// c.pongs_apart the pongs and the other events each in their own order.
bool outcome_matches(const catalog::case_def& c, const catalog::event_list& expected,
                     const catalog::event_list& received);

} // namespace wsspec::engine
