#pragma once
// What a conformant echo server (the Autobahn testee model) does with the bytes of a generated
// case: the strict codec, in the server role, reads exactly what the harness will send, and the
// events it would answer with become the case's expectation.
//
// The live fuzzer's verdicts do not depend on this model (a crash, a hang or an RFC violation is
// a finding whatever the server echoes); the model makes each saved reproducer a normal case,
// which a conformant server passes and the broken one fails when `wsspec run` replays it.
#include <cstdint>
#include <string>

#include "codec/error.hpp"
#include "harness/catalog/case_model.hpp"

namespace wsspec::live_fuzz {

struct model_outcome {
    enum class end : std::uint8_t {
        open,       // every frame was read and accepted: the server answers the probe ping
        failed,     // a frame broke a rule: the server fails the connection with `close_code`
        closed,     // the client sent a valid close frame: the server echoes it and closes
        incomplete, // the bytes end inside a frame: the server waits for the rest
    } how = end::open;
    catalog::event_list events; // echoes and pongs, in the order the server sends them
    codec_error error = codec_error::none;
    std::uint64_t error_offset = 0; // byte of the client stream
    std::uint16_t close_code = 1000;
    // failed: every byte of the frame that broke the rule was sent. A server may read a whole
    // frame before it checks it; when the frame is unfinished, waiting is no hang.
    bool error_frame_complete = false;
};

// The bytes the harness writes for the case's steps (masked with a fixed key: masking does not
// change what a server reads).
catalog::bytes wire_bytes(const catalog::case_def& c);

model_outcome model_server(const catalog::case_def& c);

// Sets c.expect, c.close and c.timer from the model. `patience` is the kill timer: how long a
// server may take to answer or close before the case gives up on it.
void set_expectation(catalog::case_def& c, const model_outcome& m, double patience_s);

std::string describe(const model_outcome& m);

} // namespace wsspec::live_fuzz
