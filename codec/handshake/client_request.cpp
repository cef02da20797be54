#include "codec/handshake/client_request.hpp"

#include <algorithm>

#include "codec/handshake/accept_key.hpp"
#include "codec/handshake/http_fields.hpp"

namespace wsspec::handshake {
namespace {

std::string quote(std::string_view v) {
    return "'" + std::string(v) + "'";
}

struct rule_failure {
    handshake_error error = handshake_error::none;
    std::string detail;
};

// The extension name is the token before the first ';' (RFC 6455 §9.1 extension-token).
std::string_view extension_name(std::string_view element) {
    element = element.substr(0, element.find(';'));
    while (!element.empty() && (element.back() == ' ' || element.back() == '\t'))
        element.remove_suffix(1);
    return element;
}

rule_failure check_status_and_upgrade(const http_head& head) {
    // §4.1 response item 1: anything but 101 is handled as plain HTTP, never as a WebSocket.
    if (head.status_code != 101) {
        return {handshake_error::response_status_not_101,
                "status " + std::to_string(head.status_code) + " " + quote(head.reason) +
                    ", expected 101"};
    }
    if (head.version_major != 1 || head.version_minor < 1)
        return {handshake_error::response_http_version,
                "HTTP version is " + std::string(head.version) + ", expected HTTP/1.1"};
    if (count_fields(head, "Upgrade") == 0)
        return {handshake_error::response_missing_upgrade, "no Upgrade header field"};
    // §4.1 response item 2 wants the value to match "websocket", not merely list it.
    const auto upgrade = list_elements(head, "Upgrade");
    if (upgrade.size() != 1 || !iequals(upgrade[0], "websocket"))
        return {handshake_error::response_upgrade_not_websocket,
                "Upgrade is " + quote(*find_field(head, "Upgrade")) + ", expected 'websocket'"};
    if (!list_has_token(head, "Connection", "Upgrade")) {
        auto c = find_field(head, "Connection");
        return {handshake_error::response_missing_connection_upgrade,
                c ? "Connection is " + quote(*c) : "no Connection header field"};
    }
    return {};
}

rule_failure check_accept(const http_head& head, const client_request_options& offered) {
    const std::size_t accepts = count_fields(head, "Sec-WebSocket-Accept");
    if (accepts == 0)
        return {handshake_error::response_missing_accept, "no Sec-WebSocket-Accept header field"};
    if (accepts > 1)
        return {handshake_error::response_duplicate_accept,
                std::to_string(accepts) + " Sec-WebSocket-Accept header fields"};
    const std::string_view got = *find_field(head, "Sec-WebSocket-Accept");
    if (!offered.key)
        return {handshake_error::response_accept_mismatch,
                "Sec-WebSocket-Accept is " + quote(got) + " but no Sec-WebSocket-Key was sent"};
    // §4.1 response item 4: leading and trailing whitespace is ignored, which the head parser
    // already stripped as OWS; the comparison itself is exact.
    const std::string expected = accept_key(*offered.key);
    if (got != expected)
        return {handshake_error::response_accept_mismatch,
                "Sec-WebSocket-Accept is " + quote(got) + ", expected " + quote(expected)};
    return {};
}

rule_failure check_negotiation(const http_head& head, const client_request_options& offered) {
    const std::string_view offered_value =
        offered.extensions ? std::string_view(*offered.extensions) : std::string_view{};
    const auto offered_ext = split_list(offered_value);
    for (auto element : list_elements(head, "Sec-WebSocket-Extensions")) {
        const auto ext = extension_name(element);
        const bool was_offered =
            std::any_of(offered_ext.begin(), offered_ext.end(),
                        [&](std::string_view o) { return extension_name(o) == ext; });
        if (!was_offered)
            return {handshake_error::response_unrequested_extension,
                    "extension " + quote(ext) + " was not offered"};
    }
    const std::size_t fields = count_fields(head, "Sec-WebSocket-Protocol");
    if (fields == 0) return {};
    const auto selected = list_elements(head, "Sec-WebSocket-Protocol");
    if (fields > 1 || selected.size() > 1)
        return {handshake_error::response_multiple_subprotocols,
                std::to_string(selected.size()) + " subprotocols selected"};
    // §4.2.2 /subprotocol/: "The empty string is not the same as the null value ... and is not
    // a legal value for this field."
    const std::string_view chosen = selected.empty() ? std::string_view{} : selected[0];
    if (std::find(offered.subprotocols.begin(), offered.subprotocols.end(), chosen) ==
        offered.subprotocols.end())
        return {handshake_error::response_unrequested_subprotocol,
                "subprotocol " + quote(chosen) + " was not offered"};
    return {};
}

} // namespace

std::string build_client_request(const client_request_options& o) {
    const std::string& eol = o.line_ending;
    std::string out = o.method + " " + o.target + " " + o.http_version + eol;
    auto field = [&](std::string_view name, std::string_view value) {
        out.append(name).append(": ").append(value).append(eol);
    };
    if (!o.omit_host) field("Host", o.host);
    if (o.upgrade) field("Upgrade", *o.upgrade);
    if (o.connection) field("Connection", *o.connection);
    if (o.key) field("Sec-WebSocket-Key", *o.key);
    if (o.version) field("Sec-WebSocket-Version", *o.version);
    if (o.origin) field("Origin", *o.origin);
    if (!o.subprotocols.empty()) {
        std::string joined;
        for (const auto& p : o.subprotocols)
            joined.append(joined.empty() ? "" : ", ").append(p);
        field("Sec-WebSocket-Protocol", joined);
    }
    if (o.extensions) field("Sec-WebSocket-Extensions", *o.extensions);
    for (const auto& h : o.extra_headers)
        field(h.name, h.value);
    out.append(eol);
    return out;
}

response_result validate_server_response(std::string_view bytes,
                                         const client_request_options& offered,
                                         const head_options& opts) {
    response_result r;
    auto h = parse_http_head(bytes, head_kind::response, opts);
    r.status = h.status;
    if (h.status == handshake_status::need_more) return r;
    if (h.status == handshake_status::error) {
        r.error = h.error == head_error::too_large ? handshake_error::head_too_large
                                                   : handshake_error::malformed_http;
        r.detail = std::move(h.message);
        r.error_offset = h.error_offset;
        return r;
    }
    r.head_size = h.head_size;
    r.status_code = h.head.status_code;
    r.bare_lf = h.head.bare_lf;
    if (auto p = find_field(h.head, "Sec-WebSocket-Protocol")) {
        // What check_negotiation() judges: the one list element, without the OWS and empty
        // elements RFC 7230 §7 lets a sender add (", chat"); the raw value when there is not one.
        const auto selected = list_elements(h.head, "Sec-WebSocket-Protocol");
        r.subprotocol.emplace(selected.size() == 1 ? selected[0] : *p);
    }
    r.extensions = combined_value(h.head, "Sec-WebSocket-Extensions");
    rule_failure f = check_status_and_upgrade(h.head);
    if (f.error == handshake_error::none) f = check_accept(h.head, offered);
    if (f.error == handshake_error::none) f = check_negotiation(h.head, offered);
    if (f.error != handshake_error::none) {
        r.status = handshake_status::error;
        r.error = f.error;
        r.detail = std::move(f.detail);
    }
    return r;
}

} // namespace wsspec::handshake
