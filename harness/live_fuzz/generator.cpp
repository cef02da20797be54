#include "harness/live_fuzz/generator.hpp"

#include <array>
#include <random>

#include <fmt/format.h>

namespace wsspec::live_fuzz {
namespace {

using catalog::bytes;
using catalog::frame_def;
using catalog::step_def;

class dice {
public:
    explicit dice(std::uint64_t seed) : rng_(seed) {}
    std::uint64_t below(std::uint64_t n) { return n ? rng_() % n : 0; }
    bool chance(unsigned percent) { return below(100) < percent; }
    std::uint8_t byte() { return static_cast<std::uint8_t>(rng_()); }
    template <class T, std::size_t N>
    const T& pick(const std::array<T, N>& a) {
        return a[below(N)];
    }

private:
    std::mt19937_64 rng_;
};

// Sizes around every boundary of the length encoding (RFC 6455 §5.2: 7-bit, 16-bit, 64-bit).
std::size_t payload_size(dice& d, std::size_t max) {
    static constexpr std::array<std::size_t, 10> edges{0,   1,   2,    125,   126,
                                                       127, 128, 1024, 65535, 65536};
    switch (d.below(4)) {
    case 0: return std::min(d.pick(edges), max);
    case 1: return d.below(32);
    default: return d.below(max + 1);
    }
}

// Text that is valid UTF-8: ASCII, two-, three- and four-byte characters.
bytes valid_text(dice& d, std::size_t size) {
    static constexpr std::array<const char*, 6> pieces{
        "Hello",
        " ",
        "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5",
        "\xe4\xbd\xa0\xe5\xa5\xbd",
        "\xf0\x9f\x98\x80",
        "\xef\xbf\xbf"};
    bytes b;
    while (b.size() < size) {
        std::string_view p = d.chance(70) ? std::string_view{} : d.pick(pieces);
        if (p.empty() || b.size() + p.size() > size)
            b.push_back(static_cast<std::uint8_t>(0x20 + d.below(0x5f)));
        else
            b.insert(b.end(), p.begin(), p.end());
    }
    return b;
}

// Sequences RFC 3629 forbids (overlong, surrogates, beyond U+10FFFF, truncated, stray).
bytes invalid_utf8(dice& d) {
    static constexpr std::array<const char*, 9> bad{
        "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xf8\x88\x80\x80\x80",
        "\x80",     "\xfe",         "\xce",         "\xe1\xbd"};
    std::string_view s = d.pick(bad);
    return bytes(s.begin(), s.end());
}

bytes random_bytes(dice& d, std::size_t size) {
    bytes b(size);
    for (auto& x : b)
        x = d.byte();
    return b;
}

step_def send(frame_def f) {
    step_def s;
    s.type = step_def::kind::send;
    s.frame = std::move(f);
    return s;
}

frame_def frame(std::uint8_t opcode, bytes payload, bool fin = true) {
    frame_def f;
    f.opcode = opcode;
    f.data = catalog::payload(std::move(payload));
    f.fin = fin;
    return f;
}

bytes data_payload(dice& d, bool text, std::size_t max) {
    std::size_t n = payload_size(d, max);
    return text ? valid_text(d, n) : random_bytes(d, n);
}

// A well-formed message, whole or fragmented, maybe with control frames between fragments.
void add_message(dice& d, const generator_options& o, catalog::case_def& c) {
    bool text = d.chance(50);
    // Now and then a message past the 16-bit length form (§5.2: 127, then 64 bits).
    bytes p = d.chance(3) ? (text ? valid_text(d, 65536 + d.below(64))
                                  : random_bytes(d, 65536 + d.below(64)))
                          : data_payload(d, text, o.max_payload);
    if (p.size() < 2 || d.chance(50)) {
        c.steps.push_back(send(frame(text ? 0x1 : 0x2, std::move(p))));
        return;
    }
    if (d.chance(50)) { // the runner's own fragmentation
        auto s = send(frame(text ? 0x1 : 0x2, p));
        s.fragment = 1 + d.below(p.size());
        c.steps.push_back(std::move(s));
        return;
    }
    // By hand, so pings and pongs can go between fragments (§5.4: "MAY be injected").
    std::size_t pos = 0;
    bool first = true;
    while (pos < p.size()) {
        std::size_t n = std::min<std::size_t>(1 + d.below(p.size()), p.size() - pos);
        bool last = pos + n == p.size();
        c.steps.push_back(send(frame(first ? (text ? 0x1 : 0x2) : 0x0,
                                     bytes(p.begin() + pos, p.begin() + pos + n), last)));
        pos += n;
        first = false;
        if (!last && d.chance(40))
            c.steps.push_back(send(frame(d.chance(70) ? 0x9 : 0xa, random_bytes(d, d.below(126)))));
    }
}

void add_control(dice& d, catalog::case_def& c) {
    std::uint8_t op = d.chance(70) ? 0x9 : 0xa;
    c.steps.push_back(
        send(frame(op, random_bytes(d, d.chance(90) ? d.below(126) : 126 + d.below(64)))));
}

// One frame that breaks one rule of §5.2–§5.6.
void add_broken_frame(dice& d, const generator_options& o, catalog::case_def& c) {
    auto f = frame(d.chance(50) ? 0x1 : 0x2,
                   data_payload(d, true, std::min<std::size_t>(o.max_payload, 300)));
    switch (d.below(9)) {
    case 0: f.rsv = static_cast<std::uint8_t>(1 + d.below(7)); break;
    case 1:
        f.opcode = d.pick(std::array<std::uint8_t, 10>{3, 4, 5, 6, 7, 0xb, 0xc, 0xd, 0xe, 0xf});
        break;
    case 2: f.opcode = 0x0; break; // continuation with nothing to continue
    case 3:
        f.opcode = d.chance(50) ? 0x9 : 0x8;
        f.fin = false;
        f.data.edit().resize(std::min<std::size_t>(f.data.edit().size(), 125));
        break;
    case 4: f.mask = frame_def::mask_mode::none; break; // §5.1: clients MUST mask
    case 5:
        f.encoding = d.chance(50) ? length_encoding::force_16 : length_encoding::force_64;
        break;
    case 6:
        f.declared_length = d.chance(50) ? f.data.edit().size() / 2 : std::uint64_t{1} << 63;
        break;
    case 7:
        f.fin = false;
        c.steps.push_back(send(f));
        f.fin = true;
        break; // then a new message mid-message
    default: { // text that is not UTF-8, in a whole or fragmented message
        f.opcode = 0x1;
        auto bad = invalid_utf8(d);
        auto at = d.below(f.data.edit().size() + 1);
        f.data.edit().insert(f.data.edit().begin() + static_cast<std::ptrdiff_t>(at), bad.begin(),
                             bad.end());
        auto s = send(f);
        if (d.chance(40)) s.fragment = 1 + d.below(f.data.edit().size());
        c.steps.push_back(std::move(s));
        return;
    }
    }
    c.steps.push_back(send(std::move(f)));
}

// A close frame as bytes (Autobahn's sendFrame): valid, or with a body §5.5.1/§7.4 forbids.
void add_close(dice& d, catalog::case_def& c) {
    static constexpr std::array<std::uint16_t, 16> codes{
        1000, 1001, 1002, 1003, 1007, 1008, 1011, 3000, 4999, 0, 999, 1004, 1005, 1006, 1016, 5000};
    bytes body;
    switch (d.below(4)) {
    case 0: break;                            // empty
    case 1: body = random_bytes(d, 1); break; // one byte: §5.5.1 says two or more
    default: {
        std::uint16_t code = d.pick(codes);
        body = {static_cast<std::uint8_t>(code >> 8), static_cast<std::uint8_t>(code)};
        auto reason = d.chance(20) ? invalid_utf8(d) : valid_text(d, d.below(40));
        body.insert(body.end(), reason.begin(), reason.end());
    }
    }
    c.steps.push_back(send(frame(0x8, std::move(body))));
}

void add_raw(dice& d, catalog::case_def& c) {
    step_def s;
    s.type = step_def::kind::raw;
    s.raw = random_bytes(d, 1 + d.below(16));
    c.steps.push_back(std::move(s));
}

// Write the step's frames in small pieces, or each as its own TCP write.
void vary_writes(dice& d, step_def& s) {
    if (s.type != step_def::kind::send) return;
    std::size_t size = s.frame.data.edit().size() + 14;
    if (d.chance(10))
        s.chop = std::max<std::size_t>(1 + d.below(8), size / 16); // at most ~16 writes
    else if (d.chance(20))
        s.sync = true;
}

// Handshake fields a server must tolerate (§4.1, §4.2.1: unknown fields and extensions it does
// not support are ignored), never ones it could accept and change the framing with.
void add_headers(dice& d, catalog::case_def& c) {
    static constexpr std::array<const char*, 8> fields{
        "Sec-WebSocket-Extensions: x-wsspec-unknown",
        "Sec-WebSocket-Extensions: x-wsspec-unknown; a=1; b=\"two\", x-other",
        "Origin: http://127.0.0.1",
        "User-Agent: wsspec-fuzz",
        "Cache-Control: no-cache",
        "Pragma: no-cache",
        "X-Wsspec-Fuzz: 1",
        "Accept-Encoding: gzip, deflate, br"};
    auto n = 1 + d.below(3);
    for (std::uint64_t i = 0; i < n; ++i) {
        std::string_view f = d.pick(fields);
        auto colon = f.find(':');
        c.headers.push_back({std::string(f.substr(0, colon)), std::string(f.substr(colon + 2))});
    }
    if (d.chance(20))
        c.headers.push_back({"X-Wsspec-Long", std::string(1000 + d.below(3000), 'a')});
}

} // namespace

catalog::bytes probe_payload(std::uint64_t run) {
    auto s = fmt::format("wsspec-probe-{}", run);
    return bytes(s.begin(), s.end());
}

void append_probe(catalog::case_def& c, std::uint64_t run) {
    auto s = send(frame(0x9, probe_payload(run)));
    s.sync = true;
    c.steps.push_back(std::move(s));
}

catalog::case_def generate(std::uint64_t seed, std::uint64_t run, const generator_options& o) {
    dice d(seed * 0x9e3779b97f4a7c15ull ^ (run + 0x632be59bd9b4e019ull) * 0xbf58476d1ce4e5b9ull);
    catalog::case_def c;
    c.id = fmt::format("fuzz.{}.{}", seed, run);
    c.group = "fuzz";
    c.group_title = "wsspec fuzz findings";
    c.rfc = "5";
    c.quote = "An endpoint MUST be capable of handling control frames in the middle of a "
              "fragmented message.";
    if (d.chance(15)) add_headers(d, c);
    std::size_t steps = 1 + d.below(o.max_steps);
    for (std::size_t i = 0; i < steps; ++i) {
        auto before = c.steps.size();
        switch (d.below(10)) {
        case 0:
        case 1:
        case 2:
        case 3: add_message(d, o, c); break;
        case 4: add_control(d, c); break;
        case 5:
        case 6: add_broken_frame(d, o, c); break;
        case 7:
            if (d.chance(30))
                add_close(d, c);
            else
                add_message(d, o, c);
            break;
        case 8:
            if (d.chance(30))
                add_raw(d, c);
            else
                add_control(d, c);
            break;
        default: add_message(d, o, c); break;
        }
        for (auto k = before; k < c.steps.size(); ++k)
            vary_writes(d, c.steps[k]);
    }
    // Keys chosen here, not by the runner: after a lying length or raw bytes, masked payload
    // bytes are read as headers, so the model must see the very bytes the wire carries.
    for (auto& s : c.steps) {
        if (s.type != step_def::kind::send || s.frame.mask != frame_def::mask_mode::automatic)
            continue;
        s.frame.mask = frame_def::mask_mode::fixed;
        for (auto& k : s.frame.key)
            k = d.byte();
    }
    append_probe(c, run);
    return c;
}

} // namespace wsspec::live_fuzz
