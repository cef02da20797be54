#pragma once
// A case file's FRAME as the encoder's frame_spec: one place that decides which key masks it,
// for the runner (which puts it on the wire) and the fuzzer's model (which reads what the
// wire will carry).
#include "codec/frame_encoder.hpp"
#include "harness/catalog/case_model.hpp"

namespace wsspec::catalog {

// `opcode` and `fin` are given apart because fragmentation changes them frame by frame;
// `automatic_key` masks a frame whose mask is "auto" (none: wsspec is the server).
inline frame_spec to_frame_spec(const frame_def& f, std::uint8_t opcode, bool fin,
                                const std::optional<mask_key>& automatic_key) {
    frame_spec spec;
    spec.opcode_nibble = opcode;
    spec.fin = fin;
    spec.rsv = f.rsv;
    spec.encoding = f.encoding;
    spec.declared_length = f.declared_length;
    if (f.mask == frame_def::mask_mode::automatic)
        spec.mask = automatic_key;
    else if (f.mask == frame_def::mask_mode::fixed)
        spec.mask = f.key;
    return spec;
}

// The body of a close frame wsspec sends: the code, then the reason whole, whatever its length
// (a case may send a 124-byte reason on purpose, 7.3.6); no code, no body.
inline bytes close_body(std::optional<std::uint16_t> code, std::string_view reason) {
    if (!code) return {};
    bytes body{static_cast<std::uint8_t>(*code >> 8), static_cast<std::uint8_t>(*code)};
    body.insert(body.end(), reason.begin(), reason.end());
    return body;
}

// A close step's body: its raw payload, or code + reason.
inline bytes close_body(const step_def& s) {
    return s.close_payload ? s.close_payload->materialize()
                           : close_body(s.close_code, s.close_reason);
}

} // namespace wsspec::catalog
