// deflate/<impl>/<corpus>/<size>: permessage-deflate's payload transformation (RFC 7692 §7.2) on
// the generated corpora of categories 12 and 13, one message of <size> bytes at a time over
// about 1 MiB of consecutive windows, as those cases cut them. "compress" and "inflate" are
// wsspec's deflater and inflater (codec/deflate/message_deflate), without context takeover, at
// the level the harness and the reference server use; "zlib-compress" and "zlib-inflate" call
// zlib's raw deflate directly on the same messages with the same parameters, into a buffer that
// is already there, so the ratio of the two is wsspec's own overhead.
#include <benchmark/benchmark.h>

#include <zlib.h>

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "bench/inputs.hpp"
#include "bench/measure.hpp"
#include "codec/deflate/message_deflate.hpp"
#include "harness/catalog/corpus.hpp"

namespace wsspec::bench {
namespace {

using catalog::corpus_kind;

constexpr corpus_kind corpora[] = {corpus_kind::json, corpus_kind::bitmap, corpus_kind::prose,
                                   corpus_kind::html, corpus_kind::pdf};
constexpr std::size_t sizes[] = {16, 64, 256, 1024, 4096, 16 * 1024, 128 * 1024};
constexpr int window_bits = 15;

struct message_batch {
    std::vector<std::vector<std::uint8_t>> plain;      // consecutive corpus windows
    std::vector<std::vector<std::uint8_t>> compressed; // each as wsspec's deflater writes it
    std::uint64_t bytes = 0;
};

// Built once per corpus and size, shared by every implementation's benchmark.
const message_batch& batch(corpus_kind k, std::size_t size) {
    static std::map<std::pair<corpus_kind, std::size_t>, message_batch> cache;
    auto [it, fresh] = cache.try_emplace({k, size});
    if (!fresh) return it->second;
    message_batch& b = it->second;
    const auto text = catalog::corpus(k);
    const std::size_t count = std::max<std::uint64_t>(1, stream_bytes() / size);
    deflate::deflater d(window_bits, false);
    for (std::size_t i = 0; i < count; ++i) {
        auto& m = b.plain.emplace_back(size);
        for (std::size_t j = 0; j < size; ++j)
            m[j] = text[(i * size + j) % text.size()];
        d.compress(m, b.compressed.emplace_back());
        b.bytes += size;
    }
    return b;
}

void count(benchmark::State& state, const message_batch& b) {
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * b.bytes));
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * b.plain.size()));
    std::uint64_t packed = 0;
    for (const auto& c : b.compressed)
        packed += c.size();
    state.counters["ratio"] = static_cast<double>(packed) / static_cast<double>(b.bytes);
}

void bm_compress(benchmark::State& state, corpus_kind k, std::size_t size) {
    const message_batch& b = batch(k, size);
    deflate::deflater d(window_bits, false);
    std::vector<std::uint8_t> out;
    d.compress(b.plain[0], out);
    if (out != b.compressed[0]) return fail(state, "the deflater is not deterministic");
    for (auto _ : state) {
        for (const auto& m : b.plain) {
            out.clear();
            d.compress(m, out);
        }
        benchmark::DoNotOptimize(out.data());
    }
    count(state, b);
}

void bm_zlib_compress(benchmark::State& state, corpus_kind k, std::size_t size) {
    const message_batch& b = batch(k, size);
    z_stream z{};
    deflateInit2(&z, deflate::fast_level, Z_DEFLATED, -window_bits,
                 std::clamp(window_bits - 5, 1, 8), Z_DEFAULT_STRATEGY);
    std::vector<std::uint8_t> out(deflateBound(&z, size) + 16);
    for (auto _ : state) {
        for (const auto& m : b.plain) {
            z.next_in = const_cast<Bytef*>(m.data());
            z.avail_in = static_cast<uInt>(m.size());
            z.next_out = out.data();
            z.avail_out = static_cast<uInt>(out.size());
            ::deflate(&z, Z_SYNC_FLUSH);
            deflateReset(&z);
        }
        benchmark::DoNotOptimize(out.data());
    }
    deflateEnd(&z);
    count(state, b);
}

void bm_inflate(benchmark::State& state, corpus_kind k, std::size_t size) {
    const message_batch& b = batch(k, size);
    deflate::inflater inf(window_bits, false, std::uint64_t{1} << 30);
    std::uint64_t total = 0;
    const deflate::inflater::sink sink = [&](std::span<const std::uint8_t> part) {
        total += part.size();
    };
    for (const auto& c : b.compressed) {
        if (inf.feed(c, sink) != deflate::inflate_error::none ||
            inf.finish(sink) != deflate::inflate_error::none)
            return fail(state, "a message wsspec compressed does not inflate");
    }
    if (total != b.bytes) return fail(state, "inflated to the wrong size");
    for (auto _ : state) {
        for (const auto& c : b.compressed) {
            inf.feed(c, sink);
            inf.finish(sink);
        }
    }
    count(state, b);
}

void bm_zlib_inflate(benchmark::State& state, corpus_kind k, std::size_t size) {
    const message_batch& b = batch(k, size);
    z_stream z{};
    inflateInit2(&z, -window_bits);
    std::vector<std::uint8_t> out(size + 64);
    constexpr std::uint8_t tail[4] = {0x00, 0x00, 0xff, 0xff};
    for (auto _ : state) {
        for (const auto& c : b.compressed) {
            z.next_out = out.data();
            z.avail_out = static_cast<uInt>(out.size());
            z.next_in = const_cast<Bytef*>(c.data());
            z.avail_in = static_cast<uInt>(c.size());
            ::inflate(&z, Z_SYNC_FLUSH);
            z.next_in = const_cast<Bytef*>(tail);
            z.avail_in = sizeof tail;
            ::inflate(&z, Z_SYNC_FLUSH);
            inflateReset(&z);
        }
        benchmark::DoNotOptimize(out.data());
    }
    inflateEnd(&z);
    count(state, b);
}

[[maybe_unused]] const bool registered = [] {
    for (corpus_kind k : corpora) {
        for (std::size_t size : sizes) {
            const std::string tail =
                std::string(catalog::to_string(k)) + "/" + std::to_string(size);
            benchmark::RegisterBenchmark(("deflate/compress/" + tail).c_str(), bm_compress, k,
                                         size);
            benchmark::RegisterBenchmark(("deflate/zlib-compress/" + tail).c_str(),
                                         bm_zlib_compress, k, size);
            benchmark::RegisterBenchmark(("deflate/inflate/" + tail).c_str(), bm_inflate, k, size);
            benchmark::RegisterBenchmark(("deflate/zlib-inflate/" + tail).c_str(), bm_zlib_inflate,
                                         k, size);
        }
    }
    return true;
}();

} // namespace
} // namespace wsspec::bench
