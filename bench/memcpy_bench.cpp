// memcpy/<role>/<size>/<read>: the same stream copied into the same buffer in the same reads
// as the parse benchmarks, and nothing else. It is the physical ceiling for a parser that is
// handed its bytes this way, measured in the same run; bytes and items are counted as the
// parse benchmarks count them (payload bytes, frames), so the ratio of the two rows is a ratio
// of times.
//
// memcpy+unmask/server/<size>/<read>: the same copy, then one in-place unmask over each whole
// read (apply_mask, no parsing). No parser that unmasks in place can beat it: it is the
// ceiling for "copy-in + parse + unmask" on this machine.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "bench/inputs.hpp"
#include "bench/measure.hpp"
#include "codec/mask.hpp"

namespace wsspec::bench {
namespace {

void bm_memcpy(benchmark::State& state, role r, std::size_t size, std::size_t read_size) {
    const frame_stream& s = message_stream(r, payload_kind::binary, size);
    std::vector<std::uint8_t> buf(read_buffer_size(s, read_size));
    measure(state, s, items_are::frames, [&](auto verify) {
        tally t;
        for_each_read(s, read_size, buf, [&](std::span<std::uint8_t> in) {
            benchmark::DoNotOptimize(in.data());
            benchmark::ClobberMemory();
            return true;
        });
        // Nothing was parsed: the copy is the whole job, so report the stream's own figures.
        t.messages = s.messages;
        t.payload_bytes = s.payload_bytes;
        if constexpr (decltype(verify)::value) t.sum.h = s.checksum;
        return t;
    });
}

void bm_memcpy_unmask(benchmark::State& state, std::size_t size, std::size_t read_size) {
    const frame_stream& s = message_stream(role::server, payload_kind::binary, size);
    std::vector<std::uint8_t> buf(read_buffer_size(s, read_size));
    constexpr mask_key key{0x37, 0xfa, 0x21, 0x3d};
    measure(state, s, items_are::frames, [&](auto verify) {
        tally t;
        for_each_read(s, read_size, buf, [&](std::span<std::uint8_t> in) {
            apply_mask(in, key, 0);
            benchmark::DoNotOptimize(in.data());
            benchmark::ClobberMemory();
            return true;
        });
        t.messages = s.messages;
        t.payload_bytes = s.payload_bytes;
        if constexpr (decltype(verify)::value) t.sum.h = s.checksum;
        return t;
    });
}

[[maybe_unused]] const bool registered = [] {
    for (role r : {role::server, role::client})
        for (std::size_t size : payload_sizes)
            for (std::size_t rs : read_sizes)
                benchmark::RegisterBenchmark(("memcpy/" + std::string(role_name(r)) + "/" +
                                              std::to_string(size) + "/" + read_name(rs))
                                                 .c_str(),
                                             bm_memcpy, r, size, rs);
    for (std::size_t size : payload_sizes)
        for (std::size_t rs : read_sizes)
            benchmark::RegisterBenchmark(
                ("memcpy+unmask/server/" + std::to_string(size) + "/" + read_name(rs)).c_str(),
                bm_memcpy_unmask, size, rs);
    return true;
}();

} // namespace
} // namespace wsspec::bench
