#pragma once
// The payload transformation of permessage-deflate (RFC 7692 §7.2) on zlib's raw deflate.
//
// Compressing (§7.2.1): the message's bytes are compressed and flushed with an empty stored
// block (Z_SYNC_FLUSH), and the four octets 00 00 ff ff that end it are removed. Without context
// takeover every message starts from an empty window.
//
// Decompressing (§7.2.2): the payload of the message's frames is fed as it arrives (fragment by
// fragment, chunk by chunk: nothing is buffered but zlib's window), and at the end of the
// message the four octets 00 00 ff ff are appended. The output goes to a callback in bounded
// chunks and stops with an error once the message passes a size limit, so a small compressed
// message that inflates to gigabytes (a "bomb") costs nothing (RFC 6455 §10.4).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "codec/result.hpp"

namespace wsspec::deflate {

// zlib's fastest level: what a peer receives is valid DEFLATE at any level, and a conformance
// run compresses gigabytes (Autobahn 12.x/13.x), so the harness and the reference server trade
// ratio for speed.
inline constexpr int fast_level = 1;

class deflater {
public:
    // window_bits 9..15 (zlib cannot compress with 8); level as zlib's (1..9, -1 default).
    deflater(int window_bits, bool context_takeover, int level = fast_level);
    ~deflater();
    deflater(deflater&&) noexcept;
    deflater& operator=(deflater&&) noexcept;

    // Appends the compressed form of one whole message to `out`.
    void compress(std::span<const std::uint8_t> message, std::vector<std::uint8_t>& out);
    // The same for a message given in parts (one that is never whole in memory): append() each
    // part, then finish(). Output comes as zlib has it; `out` holds the message once finished.
    void append(std::span<const std::uint8_t> part, std::vector<std::uint8_t>& out);
    void finish(std::vector<std::uint8_t>& out);

    // Without context takeover a message's compressed form depends on these and its bytes only.
    int window_bits() const noexcept;
    int level() const noexcept;
    bool context_takeover() const noexcept;

private:
    void run(std::span<const std::uint8_t> in, bool flush, std::vector<std::uint8_t>& out);
    struct state;
    std::unique_ptr<state> s_;
};

enum class inflate_error : std::uint8_t {
    none,
    invalid_data, // not DEFLATE data (RFC 7692 §7.2.2; RFC 1951)
    too_large,    // the message inflates past the limit (RFC 6455 §10.4)
};

std::string_view describe(inflate_error e) noexcept;

class inflater {
public:
    using sink = std::function<void(std::span<const std::uint8_t>)>;
    // window_bits: the largest window the peer may compress with (8..15; 8 inflates as 9, which
    // reads all an 8-bit compressor writes); max_message: decompressed bytes allowed per message.
    inflater(int window_bits, bool context_takeover, std::uint64_t max_message);
    ~inflater();
    inflater(inflater&&) noexcept;
    inflater& operator=(inflater&&) noexcept;

    // Compressed bytes of the message in progress; decompressed bytes go to `out`.
    inflate_error feed(std::span<const std::uint8_t> compressed, const sink& out);
    // The message ended: the 00 00 ff ff tail is appended and the rest goes to `out`. The next
    // feed() starts the next message (from an empty window without context takeover).
    inflate_error finish(const sink& out);
    // Decompressed bytes of the message so far.
    std::uint64_t inflated() const noexcept;

private:
    struct state;
    std::unique_ptr<state> s_;
};

} // namespace wsspec::deflate
