// Our receive path over the shared streams:
//   parse/<role>/<kind>/<size>/<read>   message_assembler: every frame and message rule, UTF-8
//                                       of text, unmasking (what Beast's read() and
//                                       websocketpp's consume() also do)
//   frames/<role>/binary/<size>/<read>  frame_parser alone: header rules and unmasking
//   parse-copy/server/<kind>/<size>/<read>  message_assembler::feed_copy: the read stays in the
//                                       stream (its read buffer) and is copied into the parse
//                                       buffer as it is consumed, masked payloads unmasked on
//                                       the way: one pass where memcpy + in-place unmask take two
// For parse/ and frames/, each read is first copied from the pristine stream into the parse
// buffer, as recv() would (the parser unmasks in place, so the stream itself must stay
// untouched).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <string>
#include <vector>

#include "bench/inputs.hpp"
#include "bench/measure.hpp"
#include "codec/message_assembler.hpp"

namespace wsspec::bench {
namespace {

// Counts one event of the assembler into t; false on an error or need_more (the read is done:
// an error is recorded in t).
template <bool Verify>
bool count(tally& t, const message_result& m, const message_assembler& a) {
    if (m.status == message_status::data) {
        t.payload_bytes += m.payload.size();
        t.frames += m.frame_end;
        t.messages += m.message_end;
        if constexpr (Verify) t.sum.add(m.payload.data(), m.payload.size());
        return true;
    }
    if (m.status == message_status::error)
        t.error = std::string(name(m.error)) + " at " + std::to_string(a.error_offset());
    return m.status != message_status::need_more && m.status != message_status::error;
}

template <bool Verify>
tally assemble_pass(message_assembler& a, const frame_stream& s, std::size_t read_size,
                    std::vector<std::uint8_t>& buf) {
    tally t;
    for_each_read(s, read_size, buf, [&](std::span<std::uint8_t> in) {
        while (!in.empty()) {
            const message_result m = a.feed(in);
            in = in.subspan(m.consumed);
            if (!count<Verify>(t, m, a)) break;
        }
        return t.error.empty();
    });
    return t;
}

// The same, copying each read out of the stream with feed_copy() instead of memcpy + feed().
template <bool Verify>
tally copy_pass(message_assembler& a, const frame_stream& s, std::size_t read_size,
                std::vector<std::uint8_t>& buf) {
    tally t;
    const std::size_t total = s.wire.size();
    const std::size_t step = read_size == 0 ? total : read_size;
    for (std::size_t off = 0; off < total && t.error.empty(); off += step) {
        std::span<const std::uint8_t> src(s.wire.data() + off, std::min(step, total - off));
        std::span<std::uint8_t> dst(buf.data(), src.size());
        while (!src.empty()) {
            const message_result m = a.feed_copy(src, dst);
            src = src.subspan(m.consumed);
            dst = dst.subspan(m.consumed);
            if (!count<Verify>(t, m, a)) break;
        }
    }
    return t;
}

template <bool Verify>
tally frame_pass(frame_parser& p, const frame_stream& s, std::size_t read_size,
                 std::vector<std::uint8_t>& buf) {
    tally t;
    for_each_read(s, read_size, buf, [&](std::span<std::uint8_t> in) {
        while (!in.empty()) {
            const parse_result r = p.feed(in);
            in = in.subspan(r.consumed);
            switch (r.status) {
            case parse_status::payload:
                t.payload_bytes += r.payload.size();
                if constexpr (Verify) t.sum.add(r.payload.data(), r.payload.size());
                [[fallthrough]];
            case parse_status::header:
                if (r.frame_complete) {
                    ++t.frames;
                    t.messages += p.header().fin;
                }
                break;
            case parse_status::error:
                t.error = std::string(name(r.error)) + " at " + std::to_string(p.error_offset());
                return false;
            case parse_status::need_more: return true;
            }
        }
        return true;
    });
    return t;
}

void bm_parse(benchmark::State& state, role r, payload_kind k, std::size_t size,
              std::size_t read_size) {
    const frame_stream& s = message_stream(r, k, size);
    std::vector<std::uint8_t> buf(read_buffer_size(s, read_size));
    assembler_options o;
    o.frame.local_role = r;
    message_assembler a(o);
    measure(state, s, items_are::frames, [&](auto verify) {
        return assemble_pass<decltype(verify)::value>(a, s, read_size, buf);
    });
}

void bm_parse_copy(benchmark::State& state, payload_kind k, std::size_t size,
                   std::size_t read_size) {
    const frame_stream& s = message_stream(role::server, k, size);
    std::vector<std::uint8_t> buf(read_buffer_size(s, read_size));
    message_assembler a;
    measure(state, s, items_are::frames,
            [&](auto verify) { return copy_pass<decltype(verify)::value>(a, s, read_size, buf); });
}

void bm_frames(benchmark::State& state, role r, std::size_t size, std::size_t read_size) {
    const frame_stream& s = message_stream(r, payload_kind::binary, size);
    std::vector<std::uint8_t> buf(read_buffer_size(s, read_size));
    parser_options o;
    o.local_role = r;
    frame_parser p(o);
    measure(state, s, items_are::frames,
            [&](auto verify) { return frame_pass<decltype(verify)::value>(p, s, read_size, buf); });
}

void bm_assemble(benchmark::State& state, role r, payload_kind k, std::size_t size,
                 std::size_t fragments, std::size_t read_size) {
    const frame_stream& s = fragmented_stream(r, k, size, fragments);
    std::vector<std::uint8_t> buf(read_buffer_size(s, read_size));
    assembler_options o;
    o.frame.local_role = r;
    message_assembler a(o);
    measure(state, s, items_are::messages, [&](auto verify) {
        return assemble_pass<decltype(verify)::value>(a, s, read_size, buf);
    });
}

[[maybe_unused]] const bool registered = [] {
    for (role r : {role::server, role::client}) {
        for (std::size_t size : payload_sizes) {
            for (std::size_t rs : read_sizes) {
                const auto bin = stream_name(r, payload_kind::binary, size, rs);
                benchmark::RegisterBenchmark(("parse/" + bin).c_str(), bm_parse, r,
                                             payload_kind::binary, size, rs);
                benchmark::RegisterBenchmark(("frames/" + bin).c_str(), bm_frames, r, size, rs);
                if (size == 0) continue; // an empty text payload is the same for every kind
                for (payload_kind k : text_kinds)
                    benchmark::RegisterBenchmark(("parse/" + stream_name(r, k, size, rs)).c_str(),
                                                 bm_parse, r, k, size, rs);
            }
        }
    }
    for (std::size_t size : payload_sizes)
        for (std::size_t rs : read_sizes)
            for (payload_kind k : {payload_kind::binary, payload_kind::mixed})
                if (size != 0 || k == payload_kind::binary)
                    benchmark::RegisterBenchmark(
                        ("parse-copy/" + stream_name(role::server, k, size, rs)).c_str(),
                        bm_parse_copy, k, size, rs);
    for (fragmentation f : fragmentations)
        for (payload_kind k : {payload_kind::binary, payload_kind::mixed})
            for (std::size_t rs : read_sizes)
                benchmark::RegisterBenchmark(
                    ("assemble/" + fragmented_name(role::server, k, f, rs)).c_str(), bm_assemble,
                    role::server, k, f.size, f.fragments, rs);
    return true;
}();

} // namespace
} // namespace wsspec::bench
