// utf8/<impl>/<kind>/<size>: UTF-8 validation alone, one message of <size> bytes at a time
// over about 1 MiB of text. "validator" is our utf8_validator (feed + finish, the path the
// message assembler takes); "simdjson-<kernel>" calls each simdjson kernel this CPU supports
// directly, to show which one utf8.cpp should pick here (detail::utf8_implementation() names
// its choice in the benchmark context).
#include <benchmark/benchmark.h>

#include <simdjson.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "bench/inputs.hpp"
#include "bench/measure.hpp"
#include "codec/utf8.hpp"

namespace wsspec::bench {
namespace {

struct text_batch {
    std::vector<std::uint8_t> bytes;
    std::size_t messages = 0;
    std::size_t size = 0;
};

// Built once per kind and size, shared by every implementation's benchmark.
const text_batch& batch(payload_kind k, std::size_t size) {
    static std::map<std::pair<payload_kind, std::size_t>, text_batch> cache;
    auto [it, fresh] = cache.try_emplace({k, size});
    if (!fresh) return it->second;
    text_batch& b = it->second;
    b.size = size;
    b.messages = message_stream(role::client, k, size).messages;
    for (std::size_t i = 0; i < b.messages; ++i) {
        const auto p = make_payload(k, size, i);
        b.bytes.insert(b.bytes.end(), p.begin(), p.end());
    }
    return b;
}

template <class Validate>
void run(benchmark::State& state, payload_kind k, std::size_t size, Validate&& valid) {
    const text_batch& b = batch(k, size);
    for (std::size_t i = 0; i < b.messages; ++i) {
        if (!valid(b.bytes.data() + i * size, size)) {
            fail(state, "valid text judged invalid");
            return;
        }
    }
    for (auto _ : state) {
        bool all = true;
        for (std::size_t i = 0; i < b.messages; ++i)
            all &= valid(b.bytes.data() + i * size, size);
        benchmark::DoNotOptimize(all);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * b.bytes.size()));
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * b.messages));
}

void bm_validator(benchmark::State& state, payload_kind k, std::size_t size) {
    run(state, k, size, [](const std::uint8_t* p, std::size_t n) {
        utf8_validator v;
        v.feed(std::span<const std::uint8_t>(p, n));
        return v.finish().status == utf8_status::valid;
    });
}

void bm_simdjson(benchmark::State& state, const simdjson::implementation* impl, payload_kind k,
                 std::size_t size) {
    run(state, k, size, [impl](const std::uint8_t* p, std::size_t n) {
        return impl->validate_utf8(reinterpret_cast<const char*>(p), n);
    });
}

[[maybe_unused]] const bool registered = [] {
    for (payload_kind k : text_kinds) {
        for (std::size_t size : payload_sizes) {
            if (size == 0) continue;
            const std::string tail = std::string(kind_name(k)) + "/" + std::to_string(size);
            benchmark::RegisterBenchmark(("utf8/validator/" + tail).c_str(), bm_validator, k, size);
            for (const simdjson::implementation* impl : simdjson::get_available_implementations()) {
                if (!impl->supported_by_runtime_system()) continue;
                benchmark::RegisterBenchmark(("utf8/simdjson-" + impl->name() + "/" + tail).c_str(),
                                             bm_simdjson, impl, k, size);
            }
        }
    }
    return true;
}();

} // namespace
} // namespace wsspec::bench
