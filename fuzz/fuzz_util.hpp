#pragma once
// Helpers every fuzz target shares: invariant checks that stop the run with a message, a reader
// for the leading option bytes, exactly-sized heap copies (so ASan catches any read past what was
// handed to the codec) and the chunkings that slice an input into reads.
#include <algorithm>
#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

namespace wsspec::fuzz {

// A broken invariant is a finding: print what broke, then trap so libFuzzer saves the input.
[[noreturn]] inline void fail_check(const char* file, int line, const char* cond, const char* fmt,
                                    ...) {
    std::fprintf(stderr, "\n%s:%d: invariant broken: %s\n  ", file, line, cond);
    va_list ap;
    va_start(ap, fmt);
    std::vfprintf(stderr, fmt, ap);
    va_end(ap);
    std::fputc('\n', stderr);
    std::fflush(stderr);
    __builtin_trap();
}

#define FUZZ_CHECK(cond, ...)                                                                      \
    do {                                                                                           \
        if (!(cond)) ::wsspec::fuzz::fail_check(__FILE__, __LINE__, #cond, __VA_ARGS__);           \
    } while (0)

// Takes option bytes off the front of the input; missing bytes read as zero, so every input,
// even an empty one, is a valid configuration.
class byte_reader {
public:
    byte_reader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}

    std::uint8_t u8() noexcept { return pos_ < size_ ? data_[pos_++] : 0; }
    std::uint16_t u16() noexcept {
        const std::uint16_t hi = u8();
        return static_cast<std::uint16_t>((hi << 8) | u8());
    }
    // The next n bytes, fewer if the input ends first.
    std::span<const std::uint8_t> take(std::size_t n) noexcept {
        n = n < remaining() ? n : remaining();
        std::span<const std::uint8_t> s(data_ + pos_, n);
        pos_ += n;
        return s;
    }
    std::span<const std::uint8_t> rest() noexcept { return take(remaining()); }
    std::size_t remaining() const noexcept { return size_ - pos_; }

private:
    const std::uint8_t* data_;
    std::size_t size_;
    std::size_t pos_ = 0;
};

// A heap block of exactly the given bytes: reading one past the end is a heap-buffer-overflow
// under ASan (picohttpparser places its test inputs against a guard page for the same reason).
class exact_copy {
public:
    explicit exact_copy(std::span<const std::uint8_t> bytes)
        : size_(bytes.size()), data_(new std::uint8_t[bytes.size() ? bytes.size() : 1]) {
        if (size_) std::copy(bytes.begin(), bytes.end(), data_.get());
    }
    std::uint8_t* data() noexcept { return data_.get(); }
    std::size_t size() const noexcept { return size_; }
    std::span<std::uint8_t> span() noexcept { return {data_.get(), size_}; }
    std::string_view view() const noexcept {
        return {reinterpret_cast<const char*>(data_.get()), size_};
    }

private:
    std::size_t size_;
    std::unique_ptr<std::uint8_t[]> data_;
};

// Chunk sizes covering n bytes, picked by one seed byte (uWebSockets' makeChunked idea, but
// without spending input bytes per chunk): 0 is one read of everything; otherwise the low 3 bits
// choose the largest read (1, 2, 4, 8, 16, 64, 256 or 4096 bytes) and the rest seeds the sizes.
inline std::vector<std::size_t> chunk_sizes(std::size_t n, std::uint8_t seed) {
    std::vector<std::size_t> out;
    if (seed == 0 || n == 0) {
        out.push_back(n);
        return out;
    }
    static constexpr std::size_t largest[] = {1, 2, 4, 8, 16, 64, 256, 4096};
    const std::size_t max = largest[seed & 7];
    std::uint32_t x = 0x9E3779B9u ^ (static_cast<std::uint32_t>(seed) * 2654435761u);
    while (n > 0) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        std::size_t k = 1 + x % max;
        if (k > n) k = n;
        out.push_back(k);
        n -= k;
    }
    return out;
}

inline std::vector<std::size_t> byte_by_byte(std::size_t n) {
    return std::vector<std::size_t>(n, 1);
}

inline std::span<const std::uint8_t> as_bytes(std::string_view s) noexcept {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

} // namespace wsspec::fuzz
