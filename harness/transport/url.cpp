#include "harness/transport/url.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <netinet/in.h>

#include <fmt/format.h>

namespace wsspec::transport {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
        return static_cast<char>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
    });
    return out;
}

// Space and control bytes would break the request line and header of the opening handshake.
bool has_forbidden_byte(std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](unsigned char c) { return c <= 0x20 || c == 0x7f; });
}

bool is_ipv6(std::string_view host) {
    in6_addr a{};
    return inet_pton(AF_INET6, std::string(host).c_str(), &a) == 1;
}

bool is_ipv4(std::string_view host) {
    in_addr a{};
    return inet_pton(AF_INET, std::string(host).c_str(), &a) == 1;
}

error_info bad(std::string_view text, std::string_view why) {
    return make_error(fmt::format("bad URL '{}': {}", text, why));
}

// Splits "host[:port]" or "[v6][:port]" into u.host / u.port.
result<void> parse_authority(std::string_view text, std::string_view auth, url& u) {
    if (auth.find('@') != std::string_view::npos) return bad(text, "user info is not supported");

    std::string_view port_text;
    if (!auth.empty() && auth.front() == '[') {
        const auto close = auth.find(']');
        if (close == std::string_view::npos) return bad(text, "missing ']' after IPv6 address");
        u.host = std::string(auth.substr(1, close - 1));
        u.ipv6_literal = true;
        const auto rest = auth.substr(close + 1);
        if (!rest.empty() && rest.front() != ':') return bad(text, "junk after ']'");
        if (!rest.empty()) port_text = rest.substr(1);
        if (!is_ipv6(u.host)) return bad(text, fmt::format("invalid IPv6 address '{}'", u.host));
    } else {
        const auto colon = auth.rfind(':');
        if (colon != std::string_view::npos && auth.find(':') != colon)
            return bad(text, "IPv6 addresses must be written in brackets, as in ws://[::1]:9001/");
        u.host = std::string(auth.substr(0, colon));
        if (colon != std::string_view::npos) port_text = auth.substr(colon + 1);
    }
    if (u.host.empty()) return bad(text, "missing host");

    u.port = u.secure() ? 443 : 80;
    // RFC 3986 §3.2.3 allows an empty port after the colon: it means the default.
    if (port_text.empty()) return {};
    unsigned value = 0;
    const auto [end, ec] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (ec != std::errc{} || end != port_text.data() + port_text.size() || value == 0 ||
        value > 65535)
        return bad(text, fmt::format("port must be 1..65535, got '{}'", port_text));
    u.port = static_cast<std::uint16_t>(value);
    return {};
}

} // namespace

bool is_ip_literal(std::string_view host) {
    return is_ipv4(host) || is_ipv6(host);
}

std::string url::authority() const {
    return ipv6_literal ? fmt::format("[{}]:{}", host, port) : fmt::format("{}:{}", host, port);
}

std::string url::host_header() const {
    std::string h = ipv6_literal ? fmt::format("[{}]", host) : host;
    if (!default_port()) h += fmt::format(":{}", port);
    return h;
}

std::string url::to_string() const {
    return fmt::format("{}://{}{}", scheme, host_header(), resource);
}

result<url> parse_url(std::string_view text) {
    if (has_forbidden_byte(text)) return bad(text, "contains a space or control character");

    const auto sep = text.find("://");
    if (sep == std::string_view::npos) return bad(text, "scheme must be ws:// or wss://");
    url u;
    u.scheme = lower(text.substr(0, sep));
    if (u.scheme != "ws" && u.scheme != "wss") return bad(text, "scheme must be ws:// or wss://");

    // RFC 6455 §3: "Fragment identifiers are meaningless in the context of WebSocket URIs and
    // MUST NOT be used on these URIs."
    if (text.find('#') != std::string_view::npos)
        return bad(text, "fragment not allowed (RFC 6455 §3)");

    const auto rest = text.substr(sep + 3);
    const auto path_start = rest.find_first_of("/?");
    const auto auth = rest.substr(0, path_start);
    if (auto r = parse_authority(text, auth, u); !r) return r.error();

    u.resource = path_start == std::string_view::npos ? "/" : std::string(rest.substr(path_start));
    if (u.resource.front() == '?') u.resource.insert(0, 1, '/');
    return u;
}

} // namespace wsspec::transport
