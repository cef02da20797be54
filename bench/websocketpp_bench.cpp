// websocketpp/parse/... and websocketpp/assemble/...: the same streams fed, read by read, to
// websocketpp's hybi13 processor (Debian libwebsocketpp-dev), the parser under every
// websocketpp connection. Each read is copied into the parse buffer first, as for ours:
// websocketpp also unmasks in place.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "bench/inputs.hpp"
#include "bench/measure.hpp"
#include "bench/peers/websocketpp_peer.hpp"

namespace wsspec::bench {
namespace {

void bm_consume(benchmark::State& state, const frame_stream* s, role r, std::size_t read_size,
                items_are items) {
    std::vector<std::uint8_t> buf(read_buffer_size(*s, read_size));
    wspp::processor p(r == role::server);
    measure(state, *s, items, [&](auto verify) {
        tally t;
        for_each_read(*s, read_size, buf, [&](std::span<std::uint8_t> in) {
            return p.consume(in.data(), in.size(), t, decltype(verify)::value);
        });
        return t;
    });
}

void bm_parse(benchmark::State& state, role r, payload_kind k, std::size_t size,
              std::size_t read_size) {
    bm_consume(state, &message_stream(r, k, size), r, read_size, items_are::frames);
}

void bm_assemble(benchmark::State& state, payload_kind k, fragmentation f, std::size_t read_size) {
    bm_consume(state, &fragmented_stream(role::server, k, f.size, f.fragments), role::server,
               read_size, items_are::messages);
}

[[maybe_unused]] const bool registered = [] {
    for (role r : {role::server, role::client})
        for (std::size_t size : payload_sizes)
            for (std::size_t rs : read_sizes)
                for (payload_kind k : {payload_kind::binary, payload_kind::ascii,
                                       payload_kind::mixed, payload_kind::cjk}) {
                    if (size == 0 && k != payload_kind::binary) continue;
                    benchmark::RegisterBenchmark(
                        ("websocketpp/parse/" + stream_name(r, k, size, rs)).c_str(), bm_parse, r,
                        k, size, rs);
                }
    for (fragmentation f : fragmentations)
        for (payload_kind k : {payload_kind::binary, payload_kind::mixed})
            for (std::size_t rs : read_sizes)
                benchmark::RegisterBenchmark(
                    ("websocketpp/assemble/" + fragmented_name(role::server, k, f, rs)).c_str(),
                    bm_assemble, k, f, rs);
    return true;
}();

} // namespace
} // namespace wsspec::bench
