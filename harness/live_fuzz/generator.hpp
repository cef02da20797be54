#pragma once
// Structure-aware generation of the frame sequences `wsspec fuzz` sends: mostly well-formed
// traffic (so the server gets deep into its state machine) with one rule broken here and there
// — headers, lengths, masks, fragmentation, control frames between fragments, UTF-8, close
// payloads, chopped writes, extra handshake fields — each run a pure function of (seed, run).
#include <cstddef>
#include <cstdint>
#include <string>

#include "harness/catalog/case_model.hpp"

namespace wsspec::live_fuzz {

struct generator_options {
    std::size_t max_steps = 8;
    std::size_t max_payload = 4096; // now and then one message of 64 KiB + 1 on top
};

// Case id "fuzz.SEED.RUN"; its steps end with the probe ping (probe_payload).
catalog::case_def generate(std::uint64_t seed, std::uint64_t run, const generator_options& o);

// The payload of the ping that ends every generated case: its pong shows the server is alive.
catalog::bytes probe_payload(std::uint64_t run);

// Appends the probe ping as the case's last step.
void append_probe(catalog::case_def& c, std::uint64_t run);

} // namespace wsspec::live_fuzz
