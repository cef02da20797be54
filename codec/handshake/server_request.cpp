#include "codec/handshake/server_request.hpp"

#include <algorithm>

#include "codec/handshake/accept_key.hpp"
#include "codec/handshake/base64.hpp"
#include "codec/handshake/http_fields.hpp"

namespace wsspec::handshake {
namespace {

std::string quote(std::string_view v) {
    return "'" + std::string(v) + "'";
}

// RFC 6455 §4.1 item 3: a resource name (origin-form, RFC 7230 §5.3.1) or an absolute http or
// https URI. §3 forbids fragments, which request-target has no room for anyway.
std::optional<std::string> resource_name_of(std::string_view target) {
    if (target.find('#') != std::string_view::npos) return std::nullopt;
    if (target.front() == '/') return std::string(target);
    const std::size_t sep = target.find("://");
    if (sep == std::string_view::npos) return std::nullopt;
    const std::string_view scheme = target.substr(0, sep);
    if (!iequals(scheme, "http") && !iequals(scheme, "https")) return std::nullopt;
    const std::string_view rest = target.substr(sep + 3);
    const std::size_t path = std::min(rest.find('/'), rest.find('?'));
    if (path == 0 || rest.empty()) return std::nullopt; // no authority
    if (path == std::string_view::npos) return std::string("/");
    if (rest[path] == '?') return "/" + std::string(rest.substr(path));
    return std::string(rest.substr(path));
}

std::string first_or_empty(const http_head& head, std::string_view name) {
    return std::string(find_field(head, name).value_or(""));
}

void fill_request(const http_head& head, parsed_request& req) {
    req.method = head.method;
    req.target = head.target;
    req.host = first_or_empty(head, "Host");
    req.key = first_or_empty(head, "Sec-WebSocket-Key");
    req.key_canonical = is_canonical_base64(req.key);
    req.version = first_or_empty(head, "Sec-WebSocket-Version");
    if (auto o = find_field(head, "Origin")) req.origin = std::string(*o);
    for (auto p : list_elements(head, "Sec-WebSocket-Protocol"))
        req.subprotocols.emplace_back(p);
    req.extensions = combined_value(head, "Sec-WebSocket-Extensions");
    req.bare_lf = head.bare_lf;
}

struct rule_failure {
    handshake_error error = handshake_error::none;
    std::string detail;
};

rule_failure check_request_line(const http_head& head, parsed_request& req) {
    // Methods are case-sensitive (RFC 7231 §4.1), so "get" is not GET.
    if (head.method != "GET")
        return {handshake_error::method_not_get, "method is " + quote(head.method)};
    if (head.version_major < 1 || (head.version_major == 1 && head.version_minor < 1))
        return {handshake_error::http_version_too_old,
                "HTTP version is " + std::string(head.version)};
    auto resource = resource_name_of(head.target);
    if (!resource)
        return {handshake_error::invalid_request_target, "request-target is " + quote(head.target)};
    req.resource_name = std::move(*resource);
    return {};
}

rule_failure check_upgrade_fields(const http_head& head) {
    const std::size_t hosts = count_fields(head, "Host");
    if (hosts == 0) return {handshake_error::missing_host, "no Host header field"};
    if (hosts > 1)
        return {handshake_error::duplicate_host, std::to_string(hosts) + " Host header fields"};
    if (find_field(head, "Host")->empty()) return {handshake_error::missing_host, "Host is empty"};
    if (count_fields(head, "Upgrade") == 0)
        return {handshake_error::missing_upgrade, "no Upgrade header field"};
    if (!list_has_token(head, "Upgrade", "websocket"))
        return {handshake_error::upgrade_not_websocket,
                "Upgrade is " + quote(*find_field(head, "Upgrade"))};
    if (!list_has_token(head, "Connection", "Upgrade")) {
        auto c = find_field(head, "Connection");
        return {handshake_error::missing_connection_upgrade,
                c ? "Connection is " + quote(*c) : "no Connection header field"};
    }
    return {};
}

rule_failure check_key(const http_head& head) {
    const std::size_t keys = count_fields(head, "Sec-WebSocket-Key");
    if (keys == 0) return {handshake_error::missing_key, "no Sec-WebSocket-Key header field"};
    if (keys > 1)
        return {handshake_error::duplicate_key,
                std::to_string(keys) + " Sec-WebSocket-Key header fields"};
    const std::string_view key = *find_field(head, "Sec-WebSocket-Key");
    auto decoded = base64_decode(key);
    if (!decoded)
        return {handshake_error::key_not_base64,
                "Sec-WebSocket-Key " + quote(key) + " is not base64"};
    if (decoded->size() != 16) {
        return {handshake_error::key_wrong_length,
                "Sec-WebSocket-Key " + quote(key) + " decodes to " +
                    std::to_string(decoded->size()) + " bytes, expected 16"};
    }
    return {};
}

rule_failure check_version_and_protocols(const http_head& head) {
    const std::size_t versions = count_fields(head, "Sec-WebSocket-Version");
    if (versions == 0)
        return {handshake_error::missing_version, "no Sec-WebSocket-Version header field"};
    if (versions > 1) {
        return {handshake_error::duplicate_version,
                std::to_string(versions) + " Sec-WebSocket-Version header fields"};
    }
    // §4.3: version has no leading zeros and is one value, so only the exact text "13" is 13.
    const std::string_view version = *find_field(head, "Sec-WebSocket-Version");
    if (version != "13") {
        return {handshake_error::unsupported_version,
                "Sec-WebSocket-Version is " + quote(version) + ", expected 13"};
    }
    const auto protocols = list_elements(head, "Sec-WebSocket-Protocol");
    for (std::size_t i = 0; i < protocols.size(); ++i) {
        if (!is_token(protocols[i]))
            return {handshake_error::invalid_subprotocol_list,
                    "subprotocol " + quote(protocols[i]) + " is not a token"};
        // Subprotocol names are compared as the exact strings the client listed.
        if (std::find(protocols.begin(), protocols.begin() + static_cast<std::ptrdiff_t>(i),
                      protocols[i]) != protocols.begin() + static_cast<std::ptrdiff_t>(i))
            return {handshake_error::invalid_subprotocol_list,
                    "subprotocol " + quote(protocols[i]) + " is offered twice"};
    }
    return {};
}

// RFC 6455 §4.2.1 lists the rules in this order; the first failure is reported.
rule_failure check_all(const http_head& head, parsed_request& req) {
    if (auto f = check_request_line(head, req); f.error != handshake_error::none) return f;
    if (auto f = check_upgrade_fields(head); f.error != handshake_error::none) return f;
    if (auto f = check_key(head); f.error != handshake_error::none) return f;
    return check_version_and_protocols(head);
}

} // namespace

request_result parse_client_request(std::string_view bytes, const head_options& opts) {
    request_result r;
    auto h = parse_http_head(bytes, head_kind::request, opts);
    r.status = h.status;
    if (h.status == handshake_status::need_more) return r;
    if (h.status == handshake_status::error) {
        r.error = h.error == head_error::too_large ? handshake_error::head_too_large
                                                   : handshake_error::malformed_http;
        r.http_status = http_status(r.error);
        r.detail = std::move(h.message);
        r.error_offset = h.error_offset;
        return r;
    }
    r.head_size = h.head_size;
    fill_request(h.head, r.request);
    if (auto f = check_all(h.head, r.request); f.error != handshake_error::none) {
        r.status = handshake_status::error;
        r.error = f.error;
        r.http_status = http_status(f.error);
        r.detail = std::move(f.detail);
        return r;
    }
    r.http_status = 101;
    return r;
}

std::string build_accept_response(std::string_view key, std::optional<std::string_view> subprotocol,
                                  std::optional<std::string_view> extensions) {
    std::string out = "HTTP/1.1 101 Switching Protocols\r\n"
                      "Upgrade: websocket\r\n"
                      "Connection: Upgrade\r\n"
                      "Sec-WebSocket-Accept: ";
    out.append(accept_key(key)).append("\r\n");
    if (subprotocol) out.append("Sec-WebSocket-Protocol: ").append(*subprotocol).append("\r\n");
    if (extensions) out.append("Sec-WebSocket-Extensions: ").append(*extensions).append("\r\n");
    out.append("\r\n");
    return out;
}

std::string build_reject_response(std::uint16_t status, handshake_error e) {
    const std::string body = std::string(describe(e)) + "\n";
    std::string out =
        "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason_phrase(status)) + "\r\n";
    if (status == 426) {
        // RFC 7230 §6.7: whoever sends Upgrade also lists "Upgrade" in Connection.
        out.append(
            "Sec-WebSocket-Version: 13\r\nUpgrade: websocket\r\nConnection: Upgrade, close\r\n");
    } else {
        out.append("Connection: close\r\n");
    }
    if (status == 405) out.append("Allow: GET\r\n");
    out.append("Content-Type: text/plain\r\nContent-Length: ")
        .append(std::to_string(body.size()))
        .append("\r\n\r\n")
        .append(body);
    return out;
}

std::string build_reject_response(handshake_error e) {
    const std::uint16_t s = http_status(e);
    return build_reject_response(s == 0 ? 400 : s, e);
}

std::string_view reason_phrase(std::uint16_t status) noexcept {
    switch (status) {
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 426: return "Upgrade Required";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Error";
    }
}

} // namespace wsspec::handshake
