#include "bench/inputs.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <memory>
#include <tuple>

#include "codec/frame_encoder.hpp"

namespace wsspec::bench {

std::uint64_t stream_bytes() noexcept {
    static const std::uint64_t bytes = [] {
        const char* v = std::getenv("WSSPEC_BENCH_STREAM_BYTES");
        const unsigned long long n = v != nullptr ? std::strtoull(v, nullptr, 10) : 0;
        return n != 0 ? std::uint64_t{n} : std::uint64_t{1} << 20;
    }();
    return bytes;
}

namespace {

// splitmix64: tiny, seedable, and the same on every platform, so every run parses the same
// bytes.
struct prng {
    std::uint64_t s;
    std::uint64_t next() noexcept {
        std::uint64_t z = (s += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    std::uint32_t below(std::uint32_t n) noexcept { return static_cast<std::uint32_t>(next() % n); }
};

void put_ascii_word(std::vector<std::uint8_t>& out, prng& r, std::size_t limit) {
    const std::size_t len = 2 + r.below(8);
    for (std::size_t i = 0; i < len && out.size() < limit; ++i)
        out.push_back(static_cast<std::uint8_t>('a' + r.below(26)));
    if (out.size() < limit) out.push_back(r.below(8) == 0 ? ',' : ' ');
}

void put_code_point(std::vector<std::uint8_t>& out, std::uint32_t cp) {
    if (cp < 0x800) {
        out.push_back(static_cast<std::uint8_t>(0xC0 | (cp >> 6)));
    } else {
        out.push_back(static_cast<std::uint8_t>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<std::uint8_t>(0x80 | ((cp >> 6) & 0x3F)));
    }
    out.push_back(static_cast<std::uint8_t>(0x80 | (cp & 0x3F)));
}

std::size_t utf8_length(std::uint32_t cp) noexcept {
    return cp < 0x800 ? 2 : 3;
}

// European text: é ü ñ ß ø, plus € and an em dash, which take 3 bytes.
constexpr std::uint32_t accents[] = {0xE9, 0xFC, 0xF1, 0xDF, 0xF8, 0x20AC, 0x2014};

std::uint64_t frames_for(std::size_t size) noexcept {
    // Tiny frames are capped so the stream does not become all headers.
    const std::uint64_t n = stream_bytes() / std::max<std::size_t>(size, 64);
    return std::clamp<std::uint64_t>(n, 1, 16384);
}

struct stream_builder {
    frame_stream s;
    payload_checksum sum;
    prng keys{0x6455};
    bool masked;

    void add(opcode op, bool fin, std::span<const std::uint8_t> payload) {
        frame_options f;
        f.op = op;
        f.fin = fin;
        if (masked) {
            const std::uint64_t k = keys.next();
            f.mask =
                mask_key{static_cast<std::uint8_t>(k), static_cast<std::uint8_t>(k >> 8),
                         static_cast<std::uint8_t>(k >> 16), static_cast<std::uint8_t>(k >> 24)};
        }
        const std::size_t at = s.wire.size();
        s.wire.resize(at + encoded_size(payload.size(), masked));
        encode_frame(f, payload, std::span<std::uint8_t>(s.wire).subspan(at));
        sum.add(payload.data(), payload.size());
        s.payload_bytes += payload.size();
        ++s.frames;
    }
};

using key = std::tuple<role, payload_kind, std::size_t, std::size_t>;

frame_stream build(role parser_role, payload_kind k, std::size_t size, std::size_t fragments) {
    stream_builder b;
    b.masked = parser_role == role::server; // clients mask what they send (§5.3)
    b.s.text = k != payload_kind::binary;
    b.s.message_size = size;
    const std::uint64_t messages =
        fragments <= 1
            ? frames_for(size)
            : std::max<std::uint64_t>(1, stream_bytes() / std::max<std::size_t>(size, 1));
    const opcode op = b.s.text ? opcode::text : opcode::binary;
    for (std::uint64_t m = 0; m < messages; ++m) {
        const auto payload = make_payload(k, size, m);
        if (fragments <= 1) {
            b.add(op, true, payload);
        } else {
            const std::size_t piece = size / fragments;
            for (std::size_t f = 0; f < fragments; ++f) {
                const std::size_t from = f * piece;
                const std::size_t to = f + 1 == fragments ? size : from + piece;
                b.add(f == 0 ? op : opcode::cont, f + 1 == fragments,
                      std::span<const std::uint8_t>(payload).subspan(from, to - from));
            }
        }
        ++b.s.messages;
    }
    b.s.checksum = b.sum.h;
    return std::move(b.s);
}

const frame_stream& cached(role r, payload_kind k, std::size_t size, std::size_t fragments) {
    static std::map<key, std::unique_ptr<frame_stream>> streams;
    auto& slot = streams[key{r, k, size, fragments}];
    if (!slot) slot = std::make_unique<frame_stream>(build(r, k, size, fragments));
    return *slot;
}

} // namespace

const char* kind_name(payload_kind k) noexcept {
    switch (k) {
    case payload_kind::binary: return "binary";
    case payload_kind::ascii: return "ascii";
    case payload_kind::mixed: return "mixed";
    case payload_kind::cjk: return "cjk";
    }
    return "?";
}

const char* role_name(role r) noexcept {
    return r == role::server ? "server" : "client";
}

std::string read_name(std::size_t read_size) {
    return read_size == 0 ? "whole" : std::to_string(read_size);
}

std::string stream_name(role r, payload_kind k, std::size_t size, std::size_t read_size) {
    return std::string(role_name(r)) + "/" + kind_name(k) + "/" + std::to_string(size) + "/" +
           read_name(read_size);
}

std::string fragmented_name(role r, payload_kind k, fragmentation f, std::size_t read_size) {
    return std::string(role_name(r)) + "/" + kind_name(k) + "/" + std::to_string(f.size) + "x" +
           std::to_string(f.fragments) + "/" + read_name(read_size);
}

std::vector<std::uint8_t> make_payload(payload_kind k, std::size_t size, std::uint64_t seed) {
    prng r{seed * 0x100000001b3ULL + static_cast<std::uint64_t>(k)};
    std::vector<std::uint8_t> out;
    out.reserve(size);
    std::size_t next_accent = 20 + r.below(20);
    while (out.size() < size) {
        const std::size_t room = size - out.size();
        switch (k) {
        case payload_kind::binary: out.push_back(static_cast<std::uint8_t>(r.next())); break;
        case payload_kind::ascii: put_ascii_word(out, r, size); break;
        case payload_kind::mixed:
            if (out.size() >= next_accent) {
                const std::uint32_t cp = accents[r.below(std::size(accents))];
                if (utf8_length(cp) <= room)
                    put_code_point(out, cp);
                else
                    out.push_back('.');
                next_accent = out.size() + 20 + r.below(20);
            } else {
                put_ascii_word(out, r, std::min(size, next_accent));
            }
            break;
        case payload_kind::cjk:
            if (room >= 3)
                put_code_point(out, 0x4E00 + r.below(0x9FFF - 0x4E00 + 1));
            else
                out.push_back('.');
            break;
        }
    }
    return out;
}

const frame_stream& message_stream(role parser_role, payload_kind k, std::size_t size) {
    return cached(parser_role, k, size, 1);
}

const frame_stream& fragmented_stream(role parser_role, payload_kind k, std::size_t size,
                                      std::size_t fragments) {
    return cached(parser_role, k, size, fragments);
}

} // namespace wsspec::bench
