#include "harness/catalog/event.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "codec/handshake/http_fields.hpp"
#include "codec/handshake/http_head.hpp"

namespace wsspec::catalog {
namespace {

using handshake::iequals;

// RFC 7230 §7 list elements of a received field value.
bool has_token(std::string_view value, std::string_view token) {
    for (auto element : handshake::split_list(value))
        if (iequals(element, token)) return true;
    return false;
}

bool field_holds(const http_expectation& received, const field_expectation& want) {
    for (const auto& f : received.fields) {
        if (!iequals(f.name, want.name)) continue;
        if (want.exact ? f.value == want.value : has_token(f.value, want.value)) return true;
    }
    return false;
}

bool has_field(const http_expectation& received, std::string_view name) {
    return std::any_of(received.fields.begin(), received.fields.end(),
                       [&](const field_expectation& f) { return iequals(f.name, name); });
}

bool http_matches(const http_expectation& want, const http_expectation& got) {
    if (want.status && want.status != got.status) return false;
    if (want.status_class && (!got.status || *got.status / 100 != *want.status_class)) return false;
    if (want.method && want.method != got.method) return false;
    for (const auto& f : want.fields)
        if (!field_holds(got, f)) return false;
    for (const auto& name : want.absent)
        if (has_field(got, name)) return false;
    return true;
}

std::string describe_http(const event& e) {
    std::string s = e.type == event::kind::http_response ? "HTTP response" : "HTTP request";
    if (e.http.status) s += fmt::format(" {}", *e.http.status);
    if (e.http.status_class) s += fmt::format(" {}xx", *e.http.status_class);
    if (e.http.method) s += " " + *e.http.method;
    for (const auto& f : e.http.fields)
        s += fmt::format(" {}{}{}", f.name, f.exact ? ": " : " ∋ ", f.value);
    for (const auto& a : e.http.absent)
        s += " no " + a;
    return s;
}

std::string describe(const event& e) {
    switch (e.type) {
    case event::kind::text: return "message text " + describe(e.data);
    case event::kind::binary: return "message binary " + describe(e.data);
    case event::kind::pong: return "pong " + describe(e.data);
    case event::kind::timeout: return "timeout " + e.tag;
    case event::kind::close:
        return fmt::format("close {}{}", e.code ? std::to_string(*e.code) : "(empty)",
                           e.reason_checked || !e.data.empty() ? " " + preview(e.data, 40) : "");
    case event::kind::http_response:
    case event::kind::http_request: return describe_http(e);
    case event::kind::echoes: return fmt::format("{} echoes", e.count);
    }
    return "?";
}

} // namespace

bool event_matches(const event& expected, const event& received) {
    if (expected.type != received.type) return false;
    switch (expected.type) {
    case event::kind::text:
    case event::kind::binary:
    case event::kind::pong: return expected.data.matches(received.data);
    case event::kind::timeout: return expected.tag == received.tag;
    case event::kind::close:
        return expected.code == received.code &&
               (!expected.reason_checked || expected.data.matches(received.data));
    case event::kind::http_response:
    case event::kind::http_request: return http_matches(expected.http, received.http);
    case event::kind::echoes: return expected.count == received.count;
    }
    return false;
}

std::string describe(const event_list& events) {
    // A reason stays readable when a peer sent thousands of events (fragments echoed one by one).
    constexpr std::size_t shown = 8;
    std::string s = "[";
    for (std::size_t i = 0; i < std::min(events.size(), shown); ++i)
        s += (i ? ", " : "") + describe(events[i]);
    if (events.size() > shown) s += fmt::format(", … {} more", events.size() - shown);
    return s + "]";
}

nlohmann::json to_report_json(const event_list& events) {
    using nlohmann::json;
    json a = json::array();
    for (std::size_t i = 0; i < events.size(); ++i) {
        if (i == max_report_events) {
            a.push_back({"more", events.size() - i});
            break;
        }
        const auto& e = events[i];
        switch (e.type) {
        case event::kind::text: a.push_back({"message", preview(e.data, 64), false}); break;
        case event::kind::binary: a.push_back({"message", preview(e.data, 64), true}); break;
        case event::kind::pong: a.push_back({"pong", preview(e.data, 64)}); break;
        case event::kind::timeout: a.push_back({"timeout", e.tag}); break;
        case event::kind::close:
            a.push_back({"close", e.code ? json(*e.code) : json(nullptr), preview(e.data, 64)});
            break;
        case event::kind::http_response:
        case event::kind::http_request: a.push_back({"http", describe(e)}); break;
        case event::kind::echoes: a.push_back({"echoes", e.count}); break;
        }
    }
    return a;
}

} // namespace wsspec::catalog
