// validate_server_response(): the client checking the server's answer (RFC 6455 §4.1, "The
// client MUST validate the server's response", and §4.2.2 step 5) against one of a few offers.
// Checks, beyond not crashing:
// - the result is self-consistent, and an accepted answer really is a 101 over HTTP/1.1 with
//   Upgrade: websocket, a Connection listing Upgrade, exactly one Sec-WebSocket-Accept equal to
//   base64(SHA-1(key + GUID)), at most one subprotocol and only offered ones, only offered
//   extensions (by name, also as parse_extensions() reads them);
// - decided by prefix, like the request parser: any prefix is need_more or the full answer,
//   and every prefix shorter than an accepted head is need_more;
// - the 101 that build_accept_response() makes for the same offer is accepted.
//
//   byte 0   bits 0-1 Sec-WebSocket-Key (RFC sample, another, none); bit 2 offer subprotocols;
//            bits 3-4 extension offer; bit 5 allow_bare_lf; bit 6 max_head_size = 16 * (byte 1 + 1)
//   byte 1   the head limit;   bytes 2-5  two prefix lengths, big-endian;   rest  the response
#include <algorithm>

#include "codec/handshake/accept_key.hpp"
#include "codec/handshake/client_request.hpp"
#include "codec/handshake/extensions.hpp"
#include "codec/handshake/http_fields.hpp"
#include "codec/handshake/server_request.hpp"
#include "fuzz/fuzz_util.hpp"

using namespace wsspec;
using namespace wsspec::fuzz;
using namespace wsspec::handshake;

namespace {

client_request_options offer(std::uint8_t flags) {
    client_request_options c;
    c.host = "127.0.0.1";
    switch (flags & 3) {
    case 0: c.key = "dGhlIHNhbXBsZSBub25jZQ=="; break; // RFC 6455 §1.3
    case 1: c.key = "AQIDBAUGBwgJCgsMDQ4PEC=="; break; // RFC 6455 §4.1, non-canonical
    case 2: break;
    default: c.key = "x3JJHMbDL1EzLkh9GBhXDw=="; break; // RFC 6455 §1.2
    }
    if (flags & 4) c.subprotocols = {"chat", "superchat"};
    switch ((flags >> 3) & 3) {
    case 1: c.extensions = "permessage-deflate; client_max_window_bits"; break;
    case 2: c.extensions = "foo, bar; baz=2"; break;
    case 3:
        c.extensions = "permessage-deflate; server_max_window_bits=\"10\", x-webkit-deflate-frame";
        break;
    default: break;
    }
    return c;
}

std::string_view name_of(std::string_view element) {
    element = element.substr(0, element.find(';'));
    while (!element.empty() && (element.back() == ' ' || element.back() == '\t'))
        element.remove_suffix(1);
    return element;
}

bool offered_name(const client_request_options& c, std::string_view name) {
    if (!c.extensions) return false;
    const auto list = split_list(*c.extensions);
    return std::any_of(list.begin(), list.end(),
                       [&](std::string_view e) { return name_of(e) == name; });
}

bool same_result(const response_result& a, const response_result& b) {
    return a.status == b.status && a.error == b.error && a.detail == b.detail &&
           a.status_code == b.status_code && a.subprotocol == b.subprotocol &&
           a.extensions == b.extensions && a.head_size == b.head_size &&
           a.error_offset == b.error_offset && a.bare_lf == b.bare_lf;
}

response_result validate(std::string_view bytes, const client_request_options& c,
                         const head_options& o) {
    exact_copy buf(as_bytes(bytes));
    return validate_server_response(buf.view(), c, o);
}

void check_consistent(const response_result& r, std::string_view bytes,
                      const client_request_options& c, const head_options& o) {
    if (r.status == handshake_status::need_more) {
        FUZZ_CHECK(r.error == handshake_error::none && r.head_size == 0 &&
                       bytes.size() <= o.max_head_size,
                   "need_more with error %d after %zu bytes", int(r.error), bytes.size());
        return;
    }
    if (r.status == handshake_status::error) {
        FUZZ_CHECK(r.error != handshake_error::none && !r.detail.empty() &&
                       (is_response_error(r.error) || r.error == handshake_error::malformed_http ||
                        r.error == handshake_error::head_too_large),
                   "error %d, detail '%s'", int(r.error), r.detail.c_str());
        FUZZ_CHECK(r.error_offset <= bytes.size(), "error offset %zu past %zu bytes",
                   r.error_offset, bytes.size());
        return;
    }
    FUZZ_CHECK(r.error == handshake_error::none && r.status_code == 101 &&
                   r.head_size <= bytes.size() && r.head_size <= o.max_head_size,
               "accepted with status %u, head_size %zu", unsigned(r.status_code), r.head_size);
    const auto h = parse_http_head(bytes.substr(0, r.head_size), head_kind::response, o);
    FUZZ_CHECK(h.status == handshake_status::complete && h.head_size == r.head_size,
               "the accepted head does not parse on its own");
    const http_head& head = h.head;
    FUZZ_CHECK(head.version_major == 1 && head.version_minor >= 1, "HTTP/%d.%d accepted",
               int(head.version_major), int(head.version_minor));
    const auto upgrade = list_elements(head, "Upgrade");
    FUZZ_CHECK(upgrade.size() == 1 && iequals(upgrade[0], "websocket"), "Upgrade not websocket");
    FUZZ_CHECK(list_has_token(head, "Connection", "Upgrade"), "Connection without Upgrade");
    FUZZ_CHECK(c.key && count_fields(head, "Sec-WebSocket-Accept") == 1 &&
                   *find_field(head, "Sec-WebSocket-Accept") == accept_key(*c.key),
               "Sec-WebSocket-Accept wrong, missing or repeated");
    const auto protocols = list_elements(head, "Sec-WebSocket-Protocol");
    FUZZ_CHECK(count_fields(head, "Sec-WebSocket-Protocol") <= 1 && protocols.size() <= 1,
               "several subprotocols accepted");
    if (r.subprotocol)
        FUZZ_CHECK(std::find(c.subprotocols.begin(), c.subprotocols.end(), *r.subprotocol) !=
                       c.subprotocols.end(),
                   "subprotocol '%s' was not offered", r.subprotocol->c_str());
    for (auto e : list_elements(head, "Sec-WebSocket-Extensions"))
        FUZZ_CHECK(offered_name(c, name_of(e)), "extension '%.*s' was not offered", int(e.size()),
                   e.data());
    // The §9.1 parser sees the same names, wherever it accepts the value.
    if (r.extensions) {
        if (auto list = parse_extensions(*r.extensions))
            for (const auto& e : *list)
                FUZZ_CHECK(offered_name(c, e.name), "parsed extension '%s' was not offered",
                           e.name.c_str());
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    byte_reader in(data, size);
    const std::uint8_t flags = in.u8(), head_limit = in.u8();
    const std::size_t prefixes[2] = {in.u16(), in.u16()};
    const auto rest = in.rest();
    const std::string_view bytes(reinterpret_cast<const char*>(rest.data()), rest.size());
    const client_request_options c = offer(flags);
    head_options o;
    o.allow_bare_lf = (flags & 0x20) != 0;
    if (flags & 0x40) o.max_head_size = 16 * (std::size_t{head_limit} + 1);

    const response_result full = validate(bytes, c, o);
    check_consistent(full, bytes, c, o);
    std::vector<std::size_t> cuts{prefixes[0] % (bytes.size() + 1),
                                  prefixes[1] % (bytes.size() + 1)};
    if (full.status == handshake_status::complete) cuts.push_back(full.head_size - 1);
    if (full.status == handshake_status::error && full.error_offset < bytes.size())
        cuts.push_back(full.error_offset + 1);
    for (std::size_t cut : cuts) {
        const response_result p = validate(bytes.substr(0, cut), c, o);
        check_consistent(p, bytes.substr(0, cut), c, o);
        FUZZ_CHECK(
            p.status == handshake_status::need_more || same_result(p, full),
            "prefix of %zu bytes: status %d error %d, the whole %zu bytes: status %d error %d", cut,
            int(p.status), int(p.error), bytes.size(), int(full.status), int(full.error));
        FUZZ_CHECK(full.status != handshake_status::complete || cut >= full.head_size ||
                       p.status == handshake_status::need_more,
                   "prefix of %zu bytes of an accepted %zu-byte head is not need_more", cut,
                   full.head_size);
    }

    // Our own server's answer to this offer is accepted (when there is a key to answer).
    if (c.key) {
        std::optional<std::string_view> protocol, ext;
        if (!c.subprotocols.empty()) protocol = c.subprotocols[0];
        if (c.extensions) ext = *c.extensions;
        const std::string answer = build_accept_response(*c.key, protocol, ext);
        const auto v = validate_server_response(answer, c);
        FUZZ_CHECK(v.status == handshake_status::complete, "our own 101 is refused: %s",
                   v.detail.c_str());
    }
    return 0;
}
