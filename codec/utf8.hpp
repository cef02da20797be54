#pragma once
// Incremental UTF-8 validation (RFC 3629, as RFC 6455 §8.1 requires): feed a text message in
// any chunks and learn, at the first byte that cannot start or continue a valid sequence,
// exactly where it failed. Fail-fast matters: Autobahn 6.4.x judges whether a peer fails the
// connection when the bad byte arrives or only when the message ends.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

namespace wsspec {

enum class utf8_status : std::uint8_t {
    valid,      // everything fed so far is complete, valid UTF-8
    incomplete, // valid so far, but the input ends inside a code point
    invalid,    // sticky until reset()
};

struct utf8_result {
    utf8_status status = utf8_status::valid;
    // For invalid: index of the first offending byte, counted over all bytes fed since
    // reset(). E.g. "f4 90 80 80" (U+110000) is invalid at 1 (the 0x90).
    std::size_t error_offset = 0;
};

// Trivially copyable; a zero-initialised object is a fresh validator.
class utf8_validator {
public:
    utf8_result feed(std::span<const std::uint8_t> chunk) noexcept;
    // Status at a message boundary: incomplete there means invalid (a truncated code point),
    // with error_offset = bytes_fed(), where the missing continuation byte should have been.
    utf8_result finish() const noexcept;
    void reset() noexcept { *this = utf8_validator{}; }
    bool failed() const noexcept { return failed_; }
    // Counts every byte passed to feed(), including those after an error.
    std::size_t bytes_fed() const noexcept { return fed_; }

private:
    std::uint64_t fed_ = 0;          // bytes fed since reset
    std::uint64_t error_offset_ = 0; // valid when failed_
    std::uint32_t state_ = 0;        // decoder state: 0 = at a code-point boundary
    bool failed_ = false;
};

// Whole-buffer check (same rules).
bool is_valid_utf8(std::span<const std::uint8_t> data) noexcept;

// True when every byte is below 0x80 (ASCII is valid UTF-8): a word at a time, inline, for short
// payloads where a call into a validator costs more than the check.
inline bool is_ascii(std::span<const std::uint8_t> data) noexcept {
    std::uint64_t seen = 0;
    std::size_t i = 0;
    for (; i + 8 <= data.size(); i += 8) {
        std::uint64_t w;
        std::memcpy(&w, data.data() + i, 8);
        seen |= w;
    }
    for (; i < data.size(); ++i)
        seen |= data[i];
    return (seen & 0x8080808080808080ull) == 0;
}

namespace detail {
// Name of the fast path chosen at run time ("simdjson:<kernel>" or "scalar"), for reports.
const char* utf8_implementation() noexcept;
} // namespace detail

} // namespace wsspec
