#pragma once
// ws:// and wss:// URIs (RFC 6455 §3), parsed into what the opening handshake and connect() need.
#include <cstdint>
#include <string>
#include <string_view>

#include "codec/result.hpp"

namespace wsspec::transport {

struct url {
    std::string scheme;     // "ws" or "wss", lower case
    std::string host;       // as written, without the brackets of an IPv6 literal
    std::uint16_t port = 0; // explicit, or 80 / 443 from the scheme (RFC 6455 §3)
    std::string resource;   // path + "?" + query; "/" when the path is empty (§3)
    bool ipv6_literal = false;

    bool secure() const noexcept { return scheme == "wss"; }
    bool default_port() const noexcept { return port == (secure() ? 443 : 80); }

    // The Host header value (RFC 6455 §4.1 item 4): host, bracketed if IPv6, and ":port" only
    // when the port is not the scheme's default.
    std::string host_header() const;

    // "host:port" for messages, "[::1]:9001" style for IPv6.
    std::string authority() const;

    // Canonical form: scheme://host_header()resource.
    std::string to_string() const;
};

// Errors read "bad URL '<text>': <reason>", e.g. "scheme must be ws:// or wss://",
// "missing host", "port must be 1..65535", "fragment not allowed (RFC 6455 §3)".
result<url> parse_url(std::string_view text);

// True for a literal IPv4 or IPv6 address (no brackets): these get no SNI (RFC 6066 §3) and are
// checked against the certificate's IP SANs instead of DNS names.
bool is_ip_literal(std::string_view host);

} // namespace wsspec::transport
