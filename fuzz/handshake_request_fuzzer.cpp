// parse_client_request(): the server reading an opening handshake (RFC 6455 §4.2.1, RFC 7230 §3).
// Checks, beyond not crashing:
// - the result is self-consistent (status, error, HTTP status, head size, the empty line);
// - an accepted request obeys the rules it was accepted under (GET, HTTP/1.1+, one Host, a key
//   that decodes to 16 bytes, version 13, subprotocols unique tokens);
// - the parser is stateless and decides by prefix: any prefix is either need_more or gives the
//   full input's answer, and every prefix shorter than an accepted head is need_more;
// - an accepted request, rebuilt with build_client_request(), parses back to the same request,
//   and the 101 that build_accept_response() makes for it passes validate_server_response().
//
//   byte 0   bit 0 allow_bare_lf; bit 1 max_head_size = 16 * (byte 1 + 1); bit 2 max_fields =
//            byte 2 & 31
//   byte 1, byte 2   the limits
//   bytes 3-6        two prefix lengths, big-endian
//   rest             the request
#include "codec/handshake/base64.hpp"
#include "codec/handshake/client_request.hpp"
#include "codec/handshake/extensions.hpp"
#include "codec/handshake/http_head.hpp"
#include "codec/handshake/server_request.hpp"
#include "fuzz/fuzz_util.hpp"

using namespace wsspec;
using namespace wsspec::fuzz;
using namespace wsspec::handshake;

namespace {

bool same_request(const parsed_request& a, const parsed_request& b) {
    return a.method == b.method && a.target == b.target && a.resource_name == b.resource_name &&
           a.host == b.host && a.key == b.key && a.key_canonical == b.key_canonical &&
           a.version == b.version && a.origin == b.origin && a.subprotocols == b.subprotocols &&
           a.extensions == b.extensions && a.bare_lf == b.bare_lf;
}

bool same_result(const request_result& a, const request_result& b) {
    return a.status == b.status && a.error == b.error && a.http_status == b.http_status &&
           a.detail == b.detail && a.error_offset == b.error_offset && a.head_size == b.head_size &&
           (a.status == handshake_status::need_more || same_request(a.request, b.request));
}

request_result parse(std::string_view bytes, const head_options& o) {
    exact_copy buf(as_bytes(bytes));
    return parse_client_request(buf.view(), o);
}

void check_consistent(const request_result& r, std::string_view bytes, const head_options& o) {
    switch (r.status) {
    case handshake_status::need_more:
        FUZZ_CHECK(r.error == handshake_error::none && r.http_status == 0 && r.head_size == 0,
                   "need_more with error %d, status %u", int(r.error), unsigned(r.http_status));
        FUZZ_CHECK(bytes.size() <= o.max_head_size, "need_more after %zu bytes (limit %zu)",
                   bytes.size(), o.max_head_size);
        return;
    case handshake_status::error:
        FUZZ_CHECK(r.error != handshake_error::none && !is_response_error(r.error) &&
                       r.http_status == http_status(r.error) && !r.detail.empty(),
                   "error %d with HTTP status %u, detail '%s'", int(r.error),
                   unsigned(r.http_status), r.detail.c_str());
        FUZZ_CHECK(r.error_offset <= bytes.size(), "error offset %zu past %zu bytes",
                   r.error_offset, bytes.size());
        return;
    case handshake_status::complete: break;
    }
    const parsed_request& q = r.request;
    FUZZ_CHECK(r.error == handshake_error::none && r.http_status == 101, "complete with error %d",
               int(r.error));
    const std::size_t h = r.head_size;
    FUZZ_CHECK(h >= 2 && h <= bytes.size() && h <= o.max_head_size && bytes[h - 1] == '\n',
               "head_size %zu of %zu bytes", h, bytes.size());
    // The head ends in an empty line: CRLF CRLF, or with bare LFs when they are allowed.
    const bool crlf = h >= 4 && bytes.substr(h - 4, 4) == "\r\n\r\n";
    FUZZ_CHECK(crlf || (o.allow_bare_lf && q.bare_lf), "head does not end in an empty line");
    FUZZ_CHECK(q.method == "GET", "method '%s' accepted", q.method.c_str());
    FUZZ_CHECK(!q.host.empty() && !q.resource_name.empty() && q.resource_name[0] == '/',
               "host '%s', resource '%s'", q.host.c_str(), q.resource_name.c_str());
    const auto key = base64_decode(q.key);
    FUZZ_CHECK(key && key->size() == 16, "key '%s' accepted", q.key.c_str());
    FUZZ_CHECK(q.key_canonical == is_canonical_base64(q.key), "key_canonical wrong");
    FUZZ_CHECK(q.version == "13", "version '%s' accepted", q.version.c_str());
    for (std::size_t i = 0; i < q.subprotocols.size(); ++i) {
        FUZZ_CHECK(is_token(q.subprotocols[i]), "subprotocol not a token");
        for (std::size_t j = 0; j < i; ++j)
            FUZZ_CHECK(q.subprotocols[i] != q.subprotocols[j], "subprotocol offered twice");
    }
}

// What was accepted, rebuilt by the client builder, reads back the same; the server's answer
// built for it satisfies the client's validator.
void check_round_trip(const parsed_request& q, const head_options& o) {
    client_request_options c;
    c.target = q.target;
    c.host = q.host;
    c.key = q.key;
    c.origin = q.origin;
    c.subprotocols = q.subprotocols;
    c.extensions = q.extensions;
    head_options roomy = o;
    roomy.max_head_size = 1 << 20;
    roomy.max_fields = 100;
    const auto again = parse_client_request(build_client_request(c), roomy);
    FUZZ_CHECK(again.status == handshake_status::complete, "rebuilt request refused: %s",
               again.detail.c_str());
    parsed_request want = q;
    want.bare_lf = false;
    FUZZ_CHECK(same_request(again.request, want), "rebuilt request parses differently");

    std::optional<std::string_view> protocol;
    if (!q.subprotocols.empty()) protocol = q.subprotocols.back();
    std::optional<std::string_view> ext;
    if (q.extensions) ext = *q.extensions;
    const std::string answer = build_accept_response(q.key, protocol, ext);
    const auto v = validate_server_response(answer, c, roomy);
    FUZZ_CHECK(v.status == handshake_status::complete && v.head_size == answer.size(),
               "our own 101 for this request is refused: %s", v.detail.c_str());
    FUZZ_CHECK(v.subprotocol == std::optional<std::string>(protocol), "subprotocol not echoed");

    // The extension offer: when it parses, its canonical form parses to the same list.
    if (q.extensions) {
        if (auto list = parse_extensions(*q.extensions)) {
            const auto back = parse_extensions(format_extensions(*list));
            FUZZ_CHECK(back && *back == *list, "extension offer does not round-trip");
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    byte_reader in(data, size);
    const std::uint8_t flags = in.u8(), head_limit = in.u8(), field_limit = in.u8();
    const std::size_t prefixes[2] = {in.u16(), in.u16()};
    const auto rest = in.rest();
    const std::string_view bytes(reinterpret_cast<const char*>(rest.data()), rest.size());
    head_options o;
    o.allow_bare_lf = (flags & 1) != 0;
    if (flags & 2) o.max_head_size = 16 * (std::size_t{head_limit} + 1);
    if (flags & 4) o.max_fields = field_limit & 31;

    const request_result full = parse(bytes, o);
    check_consistent(full, bytes, o);

    // Decided by prefix: need_more, or the full answer.
    std::vector<std::size_t> cuts{prefixes[0] % (bytes.size() + 1),
                                  prefixes[1] % (bytes.size() + 1)};
    if (full.status == handshake_status::complete) cuts.push_back(full.head_size - 1);
    if (full.status == handshake_status::error && full.error_offset < bytes.size())
        cuts.push_back(full.error_offset + 1);
    for (std::size_t cut : cuts) {
        const request_result p = parse(bytes.substr(0, cut), o);
        check_consistent(p, bytes.substr(0, cut), o);
        FUZZ_CHECK(
            p.status == handshake_status::need_more || same_result(p, full),
            "prefix of %zu bytes: status %d error %d, the whole %zu bytes: status %d error %d", cut,
            int(p.status), int(p.error), bytes.size(), int(full.status), int(full.error));
        FUZZ_CHECK(full.status != handshake_status::complete || cut >= full.head_size ||
                       p.status == handshake_status::need_more,
                   "prefix of %zu bytes of an accepted %zu-byte head is not need_more", cut,
                   full.head_size);
    }
    if (full.status == handshake_status::complete) check_round_trip(full.request, o);
    return 0;
}
