#include "codec/deflate/message_deflate.hpp"

#include <algorithm>
#include <cassert>

#include <zlib.h>

namespace wsspec::deflate {
namespace {

constexpr std::uint8_t tail[4] = {0x00, 0x00, 0xff, 0xff};
constexpr std::size_t chunk = 16 * 1024;

} // namespace

struct deflater::state {
    z_stream z{};
    bool takeover = true;
    int window_bits = 15;
    int level = fast_level;
    ~state() { deflateEnd(&z); }
};

deflater::deflater(int window_bits, bool context_takeover, int level) : s_(new state) {
    s_->takeover = context_takeover;
    s_->window_bits = std::clamp(window_bits, 9, 15);
    s_->level = level;
    // Negative window bits: raw deflate, no zlib header (§7.2.1). zlib's hash table is rebuilt
    // every time the window slides: with its default size (memLevel 8, 32768 entries) a 512-byte
    // window spends more time there than compressing (29 MB/s against 165 at 15 bits on JSON);
    // a table four times the window's size (memLevel 4 at 9 bits) brings it to 98 MB/s.
    const int mem_level = std::clamp(s_->window_bits - 5, 1, 8);
    const int rc =
        deflateInit2(&s_->z, level, Z_DEFLATED, -s_->window_bits, mem_level, Z_DEFAULT_STRATEGY);
    assert(rc == Z_OK);
    (void)rc;
}

deflater::~deflater() = default;
deflater::deflater(deflater&&) noexcept = default;
deflater& deflater::operator=(deflater&&) noexcept = default;

void deflater::run(std::span<const std::uint8_t> in, bool flush, std::vector<std::uint8_t>& out) {
    z_stream& z = s_->z;
    z.next_in = const_cast<Bytef*>(in.data());
    z.avail_in = static_cast<uInt>(in.size());
    // deflate() is called until it leaves room in the output, which means all input is consumed
    // (and, with Z_SYNC_FLUSH, flushed: the output ends with an empty stored block, 00 00 ff ff).
    do {
        const std::size_t at = out.size();
        out.resize(at + std::max<std::size_t>(chunk, deflateBound(&z, z.avail_in)));
        z.next_out = out.data() + at;
        z.avail_out = static_cast<uInt>(out.size() - at);
        ::deflate(&z, flush ? Z_SYNC_FLUSH : Z_NO_FLUSH);
        out.resize(out.size() - z.avail_out);
    } while (z.avail_out == 0 || z.avail_in > 0);
}

void deflater::compress(std::span<const std::uint8_t> message, std::vector<std::uint8_t>& out) {
    append(message, out);
    finish(out);
}

void deflater::append(std::span<const std::uint8_t> part, std::vector<std::uint8_t>& out) {
    run(part, false, out);
}

void deflater::finish(std::vector<std::uint8_t>& out) {
    run({}, true, out);
    // §7.2.1: "Remove 4 octets (that are 0x00 0x00 0xff 0xff) from the tail end."
    assert(out.size() >= 4 && std::equal(out.end() - 4, out.end(), tail));
    out.resize(out.size() - 4);
    if (!s_->takeover) deflateReset(&s_->z);
}

int deflater::window_bits() const noexcept {
    return s_->window_bits;
}
int deflater::level() const noexcept {
    return s_->level;
}
bool deflater::context_takeover() const noexcept {
    return s_->takeover;
}

std::string_view describe(inflate_error e) noexcept {
    switch (e) {
    case inflate_error::none: return "no error";
    case inflate_error::invalid_data: return "the compressed payload is not valid DEFLATE data";
    case inflate_error::too_large: return "the message inflates past the size limit";
    }
    return "?";
}

struct inflater::state {
    z_stream z{};
    bool takeover = true;
    bool ended = false; // a block with BFINAL ended the DEFLATE stream (§7.2.3.4)
    std::uint64_t limit = 0;
    std::uint64_t inflated = 0;
    std::uint8_t buf[chunk];
    ~state() { inflateEnd(&z); }

    inflate_error run(std::span<const std::uint8_t> in, const sink& out) {
        z.next_in = const_cast<Bytef*>(in.data());
        z.avail_in = static_cast<uInt>(in.size());
        while (!ended) { // bytes after a BFINAL block are ignored (§7.2.3.4)
            z.next_out = buf;
            z.avail_out = sizeof buf;
            const int rc = ::inflate(&z, Z_SYNC_FLUSH);
            const std::size_t n = sizeof buf - z.avail_out;
            // In stream order: what inflated before the bad bytes counts against the limit first,
            // however the payload was cut into frames.
            inflated += n;
            if (inflated > limit) return inflate_error::too_large;
            if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR)
                return inflate_error::invalid_data;
            if (n) out(std::span<const std::uint8_t>(buf, n));
            ended = rc == Z_STREAM_END;
            // Input all taken and room left over: nothing is pending inside zlib.
            if ((z.avail_in == 0 && z.avail_out != 0) || (rc == Z_BUF_ERROR && n == 0)) break;
        }
        return inflate_error::none;
    }
};

inflater::inflater(int window_bits, bool context_takeover, std::uint64_t max_message)
    : s_(new state) {
    s_->takeover = context_takeover;
    s_->limit = max_message;
    const int rc = inflateInit2(&s_->z, -std::clamp(window_bits, 9, 15));
    assert(rc == Z_OK);
    (void)rc;
}

inflater::~inflater() = default;
inflater::inflater(inflater&&) noexcept = default;
inflater& inflater::operator=(inflater&&) noexcept = default;

inflate_error inflater::feed(std::span<const std::uint8_t> compressed, const sink& out) {
    return s_->run(compressed, out);
}

inflate_error inflater::finish(const sink& out) {
    auto e = s_->run(tail, out);
    state& s = *s_;
    s.inflated = 0;
    if (!s.takeover) {
        inflateReset(&s.z);
    } else if (s.ended) {
        // A BFINAL block ended the stream; the next message starts a new one that may still
        // refer to this one's window (§7.2.3.4): carry the window over as a dictionary.
        Bytef dict[32768];
        uInt n = sizeof dict;
        inflateGetDictionary(&s.z, dict, &n);
        inflateReset(&s.z);
        inflateSetDictionary(&s.z, dict, n);
    }
    s.ended = false;
    return e;
}

std::uint64_t inflater::inflated() const noexcept {
    return s_->inflated;
}

} // namespace wsspec::deflate
