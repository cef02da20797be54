// Writes the fuzz targets' seed corpora: fuzz/corpus/<target>/<sha1 of the content>, the naming
// nghttp2 uses, so a file's name says nothing but identifies it and regenerating never
// duplicates. Frame seeds are the bytes the conformance catalog sends (both directions: masked
// client frames for the server role, the same frames unmasked for the client role), each behind
// its target's option bytes (fuzz/frame_config.hpp and the layout comment of each target).
// Handshake seeds come from the codec's builders plus hand-made variants, broken on purpose.
//
//   make_corpus [--clean] OUT_DIR      e.g. build/dev/fuzz/make_corpus --clean fuzz/corpus
#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "codec/close.hpp"
#include "codec/frame_encoder.hpp"
#include "codec/handshake/accept_key.hpp"
#include "codec/handshake/client_request.hpp"
#include "codec/handshake/server_request.hpp"
#include "fuzz/frame_config.hpp"
#include "harness/catalog/case_loader.hpp"
#include "harness/catalog/frame_spec.hpp"

namespace {

namespace fs = std::filesystem;
using namespace wsspec;
using bytes = std::vector<std::uint8_t>;

// Big payloads are cut: the corpus stays small and libFuzzer's default max_len (4 KiB) keeps
// whole seeds.
constexpr std::size_t max_payload = 1000;
constexpr std::size_t max_seed = 4096;

std::string sha1_hex(const bytes& b) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_Digest(b.data(), b.size(), md, &n, EVP_sha1(), nullptr);
    std::string s;
    char hex[3];
    for (unsigned i = 0; i < n; ++i) {
        std::snprintf(hex, sizeof hex, "%02x", md[i]);
        s += hex;
    }
    return s;
}

bytes as_bytes(std::string_view s) {
    return {s.begin(), s.end()};
}

class corpus {
public:
    void add(const std::string& target, bytes seed) {
        if (seed.size() > max_seed) seed.resize(max_seed);
        seeds_[target].insert(std::move(seed));
    }
    void add(const std::string& target, const bytes& head, const bytes& body) {
        bytes s = head;
        s.insert(s.end(), body.begin(), body.end());
        add(target, std::move(s));
    }

    // Returns false on an I/O error.
    bool write(const fs::path& out, bool clean) const {
        std::size_t files = 0, total = 0;
        for (const auto& [target, set] : seeds_) {
            const fs::path dir = out / target;
            std::error_code ec;
            if (clean) fs::remove_all(dir, ec);
            fs::create_directories(dir, ec);
            if (ec) {
                std::fprintf(stderr, "error: cannot create %s: %s\n", dir.c_str(),
                             ec.message().c_str());
                return false;
            }
            for (const auto& s : set) {
                std::ofstream f(dir / sha1_hex(s), std::ios::binary);
                f.write(reinterpret_cast<const char*>(s.data()),
                        static_cast<std::streamsize>(s.size()));
                if (!f) {
                    std::fprintf(stderr, "error: cannot write into %s\n", dir.c_str());
                    return false;
                }
                total += s.size();
            }
            std::printf("%-28s %4zu seeds\n", target.c_str(), set.size());
            files += set.size();
        }
        std::printf("%zu files, %zu bytes in %s\n", files, total, out.c_str());
        return true;
    }

private:
    std::map<std::string, std::set<bytes>> seeds_;
};

// One frame as a case step puts it on the wire (harness/engine/case_runner.cpp), with its
// payload cut to max_payload.
struct wire_frame {
    frame_spec spec;
    bytes payload;
};

std::vector<wire_frame> case_frames(const catalog::case_def& c) {
    std::vector<wire_frame> out;
    auto add = [&](const catalog::frame_def& f, std::uint8_t op, bool fin,
                   std::span<const std::uint8_t> p) {
        wire_frame w;
        w.spec.opcode_nibble = op;
        w.spec.fin = fin;
        w.spec.rsv = f.rsv;
        w.spec.encoding = f.encoding;
        w.spec.declared_length = f.declared_length;
        if (f.mask == catalog::frame_def::mask_mode::fixed)
            w.spec.mask = f.key;
        else if (f.mask == catalog::frame_def::mask_mode::automatic)
            w.spec.mask = mask_key{};
        w.payload.assign(p.begin(),
                         p.begin() + static_cast<std::ptrdiff_t>(std::min(p.size(), max_payload)));
        out.push_back(std::move(w));
    };
    for (const auto& s : c.steps) {
        switch (s.type) {
        case catalog::step_def::kind::send: {
            const auto& f = s.frame;
            const auto payload = f.data.materialize();
            std::span<const std::uint8_t> p(payload);
            if (s.fragment == 0) {
                add(f, f.opcode, f.fin, p);
                break;
            }
            std::size_t pos = 0;
            do {
                const std::size_t n = std::min(s.fragment, p.size() - pos);
                add(f, pos == 0 ? f.opcode : 0x0, pos + n >= p.size(), p.subspan(pos, n));
                pos += n;
            } while (pos < p.size() && out.size() < 64);
            break;
        }
        case catalog::step_def::kind::close: {
            catalog::frame_def f;
            bytes body = catalog::close_body(s);
            add(f, 0x8, true, body);
            break;
        }
        case catalog::step_def::kind::raw: {
            wire_frame w; // raw bytes: kept as they are, flagged by an empty spec
            w.spec.opcode_nibble = 0xFF;
            w.payload = s.raw.materialize();
            out.push_back(std::move(w));
            break;
        }
        case catalog::step_def::kind::wait: break;
        }
    }
    return out;
}

// Client-to-server bytes (masked with keys from a fixed-seed PRNG, as a run's seed would) or
// server-to-client bytes (the same frames unmasked).
bytes wire(const std::vector<wire_frame>& frames, bool masked, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    bytes out;
    for (const auto& w : frames) {
        if (w.spec.opcode_nibble == 0xFF) {
            out.insert(out.end(), w.payload.begin(), w.payload.end());
            continue;
        }
        frame_spec spec = w.spec;
        if (spec.mask && masked) {
            const auto v = rng();
            spec.mask = mask_key{std::uint8_t(v), std::uint8_t(v >> 8), std::uint8_t(v >> 16),
                                 std::uint8_t(v >> 24)};
        } else if (!masked) {
            spec.mask.reset();
        }
        write_frame(out, spec, w.payload);
    }
    return out;
}

std::uint8_t seed_byte(const std::string& id) {
    std::uint8_t h = 0x5A;
    for (char ch : id)
        h = static_cast<std::uint8_t>(h * 31 + static_cast<unsigned char>(ch));
    return h;
}

bytes frame_head(role r, std::uint8_t chunk_seed) {
    const auto a = fuzz::frame_config::strict(r, chunk_seed).bytes();
    return {a.begin(), a.end()};
}

// frame_roundtrip_fuzzer's description of one frame (its header comment has the layout).
void describe_frame(bytes& out, const wire_frame& w) {
    const bool minimal = w.spec.encoding == length_encoding::minimal && !w.spec.declared_length;
    const bool strict_ok = minimal && w.spec.opcode_nibble < 16 &&
                           !is_reserved(static_cast<opcode>(w.spec.opcode_nibble)) &&
                           (!is_control(static_cast<opcode>(w.spec.opcode_nibble)) ||
                            (w.spec.fin && w.payload.size() <= max_control_payload));
    std::uint8_t a = static_cast<std::uint8_t>((strict_ok ? 0 : 1) | (w.spec.fin ? 2 : 0) |
                                               ((w.spec.rsv & 7) << 2) |
                                               (static_cast<unsigned>(w.spec.encoding) << 5));
    out.push_back(a);
    out.push_back(
        static_cast<std::uint8_t>((w.spec.opcode_nibble & 0x0F) | ((w.spec.rsv & 7) << 4)));
    const mask_key k = w.spec.mask.value_or(mask_key{0x37, 0xfa, 0x21, 0x3d});
    out.insert(out.end(), k.begin(), k.end());
    out.push_back(static_cast<std::uint8_t>(w.payload.size() >> 8));
    out.push_back(static_cast<std::uint8_t>(w.payload.size()));
    out.insert(out.end(), w.payload.begin(), w.payload.end());
}

void add_case_seeds(corpus& c, const catalog::case_def& k) {
    const auto frames = case_frames(k);
    const std::uint8_t chunk = seed_byte(k.id);
    const bytes client = wire(frames, true, chunk);
    const bytes server = wire(frames, false, chunk);
    for (const char* t : {"frame_parser_fuzzer", "message_assembler_fuzzer"}) {
        c.add(t, frame_head(role::server, chunk), client);
        c.add(t, frame_head(role::client, 0), server);
    }
    bytes roundtrip{static_cast<std::uint8_t>(chunk & 1), chunk};
    for (const auto& w : frames) {
        if (w.spec.opcode_nibble == 0xFF) continue;
        describe_frame(roundtrip, w);
        // Text payloads feed the UTF-8 target, close payloads the close target.
        if (w.spec.opcode_nibble == 0x1 || w.spec.opcode_nibble == 0x0) {
            bytes u{static_cast<std::uint8_t>(0x08 | 2), 0,
                    static_cast<std::uint8_t>(w.payload.size() / 3), 0,
                    static_cast<std::uint8_t>(w.payload.size() / 2)};
            c.add("utf8_validator_fuzzer", u, w.payload);
        }
        if (w.spec.opcode_nibble == 0x8) c.add("close_payload_fuzzer", {125}, w.payload);
    }
    c.add("frame_roundtrip_fuzzer", std::move(roundtrip));
}

// UTF-8 vectors (RFC 3629 §4 boundaries and the classic failure kinds).
void add_utf8_seeds(corpus& c) {
    const char* vectors[] = {
        "",
        "Hello-\xc2\xb5@\xc3\x9f\xc3\xb6\xc3\xa4\xc3\xbc\xc3\xa0\xc3\xa1-UTF-8!!",
        "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5",
        "\xf0\x90\x80\x80",
        "\xf4\x8f\xbf\xbf",
        "\xef\xbf\xbf",
        "\xed\x9f\xbf",
        "\xee\x80\x80",
        "\xc2\x80",
        "\xdf\xbf",
        "\xe0\xa0\x80",
        "\xf4\x90\x80\x80", // above U+10FFFF
        "\xed\xa0\x80",     // surrogate
        "\xc0\xaf",
        "\xe0\x80\xaf",
        "\xf0\x80\x80\xaf", // overlong
        "\xc1\xbf",
        "\xf5\x80\x80\x80",
        "\xf8\x88\x80\x80\x80",
        "\xfe",
        "\xff",
        "\x80",
        "\xbf",
        "\xc2",
        "\xe1\x80",
        "\xf0\x90\x80", // truncated or stray
        // One vector: a surrogate between valid text and ASCII.
        ("\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80"
         "edited"),
    };
    for (const char* v : vectors) {
        const bytes b = as_bytes(v);
        c.add("utf8_validator_fuzzer", {0}, b);
        c.add("utf8_validator_fuzzer", {0x09, 0, static_cast<std::uint8_t>(b.size() / 2)}, b);
    }
    // Long enough for the SIMD path, with a bad byte deep inside.
    // 200 'a', a euro sign (e2 82 ac), 100 'b'.
    bytes longer(303, 'b');
    std::fill_n(longer.begin(), 200, 'a');
    longer[200] = 0xe2;
    longer[201] = 0x82;
    longer[202] = 0xac;
    c.add("utf8_validator_fuzzer", {0x01, 0, 101}, longer);
    longer[150] = 0xff;
    c.add("utf8_validator_fuzzer", {0x01, 0, 64}, longer);
}

void add_close_seeds(corpus& c) {
    for (std::uint16_t code : {999,  1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1010, 1011,
                               1012, 1014, 1015, 1016, 2999, 3000, 3999, 4000, 4999, 5000, 65535}) {
        for (std::string_view reason :
             {"", "ok", "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5", "\xce", "\xff bad"}) {
            bytes p(2 + reason.size());
            p.resize(write_close_payload(code, reason, p));
            c.add("close_payload_fuzzer", {static_cast<std::uint8_t>(code % 2 ? 125 : 4)}, p);
        }
    }
    c.add("close_payload_fuzzer", {125}, {0x03});
    bytes long_reason(2, 0x03);
    long_reason[1] = 0xe8;
    for (int i = 0; i < 60; ++i)
        long_reason.insert(long_reason.end(), {0xc2, 0xb5});
    c.add("close_payload_fuzzer", {126}, long_reason);
    c.add("close_payload_fuzzer", {9}, long_reason);
}

handshake::client_request_options base_request() {
    handshake::client_request_options o;
    o.host = "127.0.0.1:9001";
    o.key = handshake::make_key({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
    return o;
}

void add_request_seeds(corpus& c) {
    using handshake::client_request_options;
    std::vector<client_request_options> v;
    v.push_back(base_request());
    auto with = [&](auto change) {
        auto o = base_request();
        change(o);
        v.push_back(o);
    };
    with([](client_request_options& o) {
        o.target = "/chat?room=1";
        o.origin = "http://example.com";
        o.subprotocols = {"chat", "superchat"};
        o.extensions = "permessage-deflate; client_max_window_bits";
    });
    with([](client_request_options& o) { o.target = "ws://127.0.0.1:9001/path?q"; });
    with([](client_request_options& o) { o.target = "http://example.com"; });
    with([](client_request_options& o) { o.line_ending = "\n"; });
    with([](client_request_options& o) { o.method = "POST"; });
    with([](client_request_options& o) { o.http_version = "HTTP/1.0"; });
    with([](client_request_options& o) { o.omit_host = true; });
    with([](client_request_options& o) { o.upgrade = "h2c"; });
    with([](client_request_options& o) { o.connection = "keep-alive"; });
    with([](client_request_options& o) { o.connection = "keep-alive, Upgrade"; });
    with([](client_request_options& o) { o.key.reset(); });
    with([](client_request_options& o) { o.key = "AQIDBAUGBwgJCgsMDQ4PEC=="; });
    with([](client_request_options& o) { o.key = "AQIDBAUGBwgJCgsMDQ4P"; });
    with([](client_request_options& o) { o.key = "not base64!"; });
    with([](client_request_options& o) { o.version = "8"; });
    with([](client_request_options& o) { o.version.reset(); });
    with([](client_request_options& o) { o.subprotocols = {"chat", "chat"}; });
    with([](client_request_options& o) { o.subprotocols = {"a b"}; });
    with([](client_request_options& o) { o.extra_headers = {{"Host", "other"}}; });
    with([](client_request_options& o) {
        o.extra_headers = {{"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}};
    });
    with([](client_request_options& o) { o.extra_headers = {{"Sec-WebSocket-Version", "13"}}; });
    with([](client_request_options& o) {
        o.extra_headers = {{"Sec-WebSocket-Extensions", "x-webkit-deflate-frame"},
                           {"Cookie", "a=b"}};
    });
    with([](client_request_options& o) { o.extra_headers = {{"Bad Name", "x"}}; });
    for (std::size_t i = 0; i < v.size(); ++i) {
        const std::string req = handshake::build_client_request(v[i]);
        const auto cut = static_cast<std::uint16_t>(req.size() / 2);
        const std::uint8_t bare = v[i].line_ending == "\n" ? 1 : 0;
        c.add("handshake_request_fuzzer",
              {bare, 0, 0, std::uint8_t(cut >> 8), std::uint8_t(cut), 0, std::uint8_t(i)},
              as_bytes(req));
    }
    for (std::string_view raw :
         {"GET / HTTP/1.1\r\n\r\n", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
          "GET / HTTP/1.1\r\nHost: a\r\n  folded\r\n\r\n", "GET  / HTTP/1.1\r\n",
          "GET / HTTP/1.1\r\nHost : a\r\n\r\n", "\r\nGET / HTTP/1.1\r\n\r\n"})
        c.add("handshake_request_fuzzer", {0, 0, 0, 0, 4, 0, 9}, as_bytes(raw));
    // Small limits: the head and field-count guards.
    const std::string big = handshake::build_client_request(v[1]);
    c.add("handshake_request_fuzzer", {2, 3, 0, 0, 40, 0, 70}, as_bytes(big));
    c.add("handshake_request_fuzzer", {4, 0, 3, 0, 40, 0, 70}, as_bytes(big));
}

void add_response_seeds(corpus& c) {
    // The offers handshake_response_fuzzer builds from its first byte.
    const char* keys[] = {"dGhlIHNhbXBsZSBub25jZQ==", "AQIDBAUGBwgJCgsMDQ4PEC==", nullptr,
                          "x3JJHMbDL1EzLkh9GBhXDw=="};
    const char* exts[] = {
        nullptr, "permessage-deflate; client_max_window_bits", "foo, bar; baz=2",
        "permessage-deflate; server_max_window_bits=\"10\", x-webkit-deflate-frame"};
    auto add = [&](std::uint8_t flags, std::string_view response) {
        const auto half = static_cast<std::uint16_t>(response.size() / 2);
        c.add("handshake_response_fuzzer",
              {flags, 0, std::uint8_t(half >> 8), std::uint8_t(half), 0, 12}, as_bytes(response));
    };
    for (std::uint8_t flags = 0; flags < 32; ++flags) {
        const char* key = keys[flags & 3];
        if (!key) continue;
        std::optional<std::string_view> protocol, ext;
        if (flags & 4) protocol = "superchat";
        if (exts[(flags >> 3) & 3]) ext = exts[(flags >> 3) & 3];
        add(flags, handshake::build_accept_response(key, protocol, ext));
    }
    const std::string good = handshake::build_accept_response(keys[0]);
    add(0, good + "\x81\x05Hello"); // frames right behind the head
    add(0x20, "HTTP/1.1 101 Switching Protocols\nUpgrade: websocket\nConnection: Upgrade\n"
              "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\n\n");
    add(0, "HTTP/1.1 101\r\nUpgrade: WebSocket\r\nConnection: keep-alive, upgrade\r\n"
           "Sec-WebSocket-Accept:   s3pPLMBiTxaQ9kYGzzhZRbK+xOo=  \r\n\r\n");
    add(0, "HTTP/1.0 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");
    add(0, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Accept: x\r\n\r\n");
    add(0, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Accept: wrong\r\n\r\n");
    add(4, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: chat, "
           "superchat\r\n\r\n");
    add(8, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Extensions: "
           "deflate-stream\r\n\r\n");
    add(0, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    add(0, handshake::build_reject_response(handshake::handshake_error::unsupported_version));
    add(0, handshake::build_reject_response(handshake::handshake_error::method_not_get));
}

void add_extension_seeds(corpus& c) {
    for (std::string_view v :
         {"permessage-deflate",
          "permessage-deflate; client_max_window_bits",
          "permessage-deflate; client_max_window_bits; server_max_window_bits=10, "
          "permessage-deflate",
          "permessage-deflate; client_no_context_takeover; server_no_context_takeover",
          "permessage-deflate; server_max_window_bits=\"10\"",
          "x; a=\"1\\0\"",
          "foo, bar; baz=2",
          "mux; max-channels=4; flow-control, deflate-stream",
          " , foo ,, bar ,",
          "x-webkit-deflate-frame",
          "foo bar",
          "foo;",
          "foo; a=",
          "foo; a=\"b c\"",
          "foo; a=\"10",
          "foo; a=\"1\x01\"",
          ";foo",
          "",
          "foo; a=b=c",
          "foo; \"a\"=1"})
        c.add("extension_header_fuzzer", as_bytes(v));
}

} // namespace

int main(int argc, char** argv) {
    bool clean = false;
    std::string out;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--clean")
            clean = true;
        else if (out.empty() && !a.empty() && a[0] != '-')
            out = a;
        else {
            std::fprintf(stderr, "usage: make_corpus [--clean] OUT_DIR\n");
            return 2;
        }
    }
    if (out.empty()) {
        std::fprintf(stderr, "usage: make_corpus [--clean] OUT_DIR\n");
        return 2;
    }
    auto cases = catalog::builtin_catalog();
    if (!cases) {
        std::fprintf(stderr, "error: the built-in catalog does not load: %s\n",
                     cases.error().message.c_str());
        return 2;
    }
    corpus c;
    for (const auto& k : *cases)
        add_case_seeds(c, k);
    add_utf8_seeds(c);
    add_close_seeds(c);
    add_request_seeds(c);
    add_response_seeds(c);
    add_extension_seeds(c);
    std::printf("%zu cases in the catalog\n", cases->size());
    return c.write(out, clean) ? 0 : 1;
}
