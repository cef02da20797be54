// mask/<impl>/<size>: RFC 6455 §5.3 masking alone, in place, one call per payload of <size>
// bytes over about 1 MiB. <impl> is the kernel apply_mask picked ("auto"), each kernel this CPU
// can run, the byte loop compilers leave scalar ("bytewise"), and copy_masked (copy and mask
// in one pass, what the strict encoder uses).
#include <benchmark/benchmark.h>

#include <map>
#include <string>
#include <vector>

#include "bench/inputs.hpp"
#include "codec/mask.hpp"

namespace wsspec::bench {
namespace {

constexpr mask_key key{0x37, 0xfa, 0x21, 0x3d};

std::size_t calls_for(std::size_t size) {
    return message_stream(role::client, payload_kind::binary, size).frames;
}

// One buffer per size, shared by every kernel's benchmark (masking it again is harmless).
std::vector<std::uint8_t>& buffer(std::size_t bytes) {
    static std::map<std::size_t, std::vector<std::uint8_t>> cache;
    auto& b = cache[bytes];
    if (b.empty()) b = make_payload(payload_kind::binary, bytes, 1);
    return b;
}

void bm_mask(benchmark::State& state, detail::mask_fn fn, std::size_t size) {
    const std::size_t calls = calls_for(size);
    std::vector<std::uint8_t>& buf = buffer(size * calls);
    for (auto _ : state) {
        for (std::size_t i = 0; i < calls; ++i)
            fn(buf.data() + i * size, size, key, 0);
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size * calls));
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * calls));
}

std::size_t dispatched(std::uint8_t* data, std::size_t n, mask_key k, std::size_t phase) {
    return apply_mask(std::span<std::uint8_t>(data, n), k, phase);
}

void bm_copy_masked(benchmark::State& state, std::size_t size) {
    const std::size_t calls = calls_for(size);
    const std::vector<std::uint8_t>& src = buffer(size * calls);
    std::vector<std::uint8_t> dst(src.size());
    for (auto _ : state) {
        for (std::size_t i = 0; i < calls; ++i)
            copy_masked(std::span<const std::uint8_t>(src).subspan(i * size, size),
                        dst.data() + i * size, key, 0);
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size * calls));
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * calls));
}

[[maybe_unused]] const bool registered = [] {
    struct impl {
        const char* name;
        detail::mask_fn fn;
    };
    const impl impls[] = {{"auto", dispatched},
                          {"avx2", detail::mask_avx2()},
                          {"sse2", detail::mask_sse2()},
                          {"scalar", detail::mask_scalar},
                          {"bytewise", detail::mask_bytewise}};
    for (std::size_t size : payload_sizes) {
        if (size == 0) continue;
        for (const impl& i : impls)
            if (i.fn != nullptr)
                benchmark::RegisterBenchmark(
                    ("mask/" + std::string(i.name) + "/" + std::to_string(size)).c_str(), bm_mask,
                    i.fn, size);
        benchmark::RegisterBenchmark(("mask/copy_masked/" + std::to_string(size)).c_str(),
                                     bm_copy_masked, size);
    }
    return true;
}();

} // namespace
} // namespace wsspec::bench
