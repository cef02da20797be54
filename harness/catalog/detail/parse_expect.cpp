#include "harness/catalog/detail/parse_expect.hpp"

#include <algorithm>

namespace wsspec::catalog::detail {
namespace {

using report::verdict;

result<payload> get_expected_payload(const json& j, const where& w) {
    auto p = parse_payload(j, true);
    if (!p) return w.error(p.error().message);
    return p;
}

result<event> parse_message(const json& m, const where& w) {
    if (!m.is_object() || m.size() != 1)
        return w.error("expected {\"text\": ...}, {\"text_hex\": ...} or {\"binary\": ...}");
    if (auto r = check_fields(m, object_kind::message_event, w); !r) return r.error();
    event e;
    if (m.contains("text_hex")) {
        auto h = get_string(m["text_hex"], w.at("text_hex"));
        if (!h) return h.error();
        auto b = parse_hex(*h);
        if (!b) return w.at("text_hex").error(b.error().message);
        e.data = payload(std::move(*b));
        return e;
    }
    bool text = m.contains("text");
    auto p = get_expected_payload(text ? m["text"] : m["binary"], w.at(text ? "text" : "binary"));
    if (!p) return p.error();
    e.type = text ? event::kind::text : event::kind::binary;
    e.data = std::move(*p);
    return e;
}

result<event> parse_close_event(const json& c, const where& w) {
    if (!c.is_object()) return w.error("expected {\"code\": N or null, \"reason\": ...}");
    if (auto r = check_fields(c, object_kind::close_event, w); !r) return r.error();
    if (!c.contains("code")) return w.error("missing field 'code' (null for an empty close)");
    event e;
    e.type = event::kind::close;
    if (!c["code"].is_null()) {
        auto n = get_unsigned(c["code"], w.at("code"), 65535);
        if (!n) return n.error();
        e.code = static_cast<std::uint16_t>(*n);
    }
    if (c.contains("reason")) {
        auto p = get_expected_payload(c["reason"], w.at("reason"));
        if (!p) return p.error();
        e.data = std::move(*p);
        e.reason_checked = true;
    }
    return e;
}

result<std::vector<field_expectation>> parse_fields(const json& j, const where& w, bool exact) {
    if (!j.is_object()) return w.error("expected {\"Field-Name\": \"value\", …}");
    std::vector<field_expectation> out;
    for (const auto& [name, value] : j.items()) {
        auto v = get_string(value, w.at(name));
        if (!v) return v.error();
        out.push_back({name, *v, exact});
    }
    return out;
}

result<event> parse_http_event(const json& h, event::kind kind, const where& w) {
    if (!h.is_object()) return w.error("expected an object");
    if (auto r = check_fields(h, object_kind::http_event, w); !r) return r.error();
    event e;
    e.type = kind;
    if (h.contains("status")) {
        if (kind != event::kind::http_response)
            return w.at("status").error("a request has no status");
        const auto& s = h["status"];
        if (s.is_string()) {
            const auto& text = s.get_ref<const std::string&>();
            if (text.size() != 3 || text[0] < '1' || text[0] > '5' || text.substr(1) != "xx")
                return w.at("status").error("expected a status such as 426 or a class such as "
                                            "\"4xx\", got \"" +
                                            text + "\"");
            e.http.status_class = static_cast<std::uint8_t>(text[0] - '0');
        } else {
            auto n = get_unsigned(s, w.at("status"), 999);
            if (!n || *n < 100)
                return w.at("status").error(
                    "expected an HTTP status from 100 to 999 or a class such as \"4xx\"");
            e.http.status = static_cast<std::uint16_t>(*n);
        }
    }
    if (h.contains("method")) {
        if (kind != event::kind::http_request)
            return w.at("method").error("a response has no method");
        auto m = get_string(h["method"], w.at("method"));
        if (!m) return m.error();
        e.http.method = *m;
    }
    for (auto [field, exact] : {std::pair{"fields", false}, {"exact", true}}) {
        if (!h.contains(field)) continue;
        auto f = parse_fields(h[field], w.at(field), exact);
        if (!f) return f.error();
        e.http.fields.insert(e.http.fields.end(), f->begin(), f->end());
    }
    if (h.contains("absent")) {
        if (!h["absent"].is_array()) return w.at("absent").error("expected a list of field names");
        for (std::size_t i = 0; i < h["absent"].size(); ++i) {
            auto n = get_string(h["absent"][i], w.at("absent").at(i));
            if (!n) return n.error();
            e.http.absent.push_back(*n);
        }
    }
    return e;
}

result<verdict> parse_level(const std::string& level, const where& w) {
    auto v = report::parse_verdict(level);
    if (!v || (*v != verdict::ok && *v != verdict::non_strict && *v != verdict::informational))
        return w.error("unknown verdict level (expected OK, NON-STRICT or INFORMATIONAL)");
    return *v;
}

result<std::vector<std::uint16_t>> parse_codes(const json& j, const where& w) {
    if (!j.is_array() || j.empty()) return w.error("expected a non-empty list of close codes");
    std::vector<std::uint16_t> codes;
    for (std::size_t i = 0; i < j.size(); ++i) {
        auto n = get_unsigned(j[i], w.at(i), 65535);
        if (!n) return n.error();
        codes.push_back(static_cast<std::uint16_t>(*n));
    }
    return codes;
}

} // namespace

result<event> parse_event(const json& j, const where& w) {
    if (!j.is_object() || j.size() != 1)
        return w.error("expected one of message, pong, timeout, close, http_response, "
                       "http_request, echoes");
    auto it = j.begin(); // items() is a temporary: bind to the iterator, not through it
    const std::string& key = it.key();
    const json& value = it.value();
    auto vw = w.at(key);
    if (key == "message") return parse_message(value, vw);
    if (key == "pong") {
        auto p = get_expected_payload(value, vw);
        if (!p) return p.error();
        event e;
        e.type = event::kind::pong;
        e.data = std::move(*p);
        return e;
    }
    if (key == "timeout") {
        auto t = get_string(value, vw);
        if (!t) return t.error();
        event e;
        e.type = event::kind::timeout;
        e.tag = *t;
        return e;
    }
    if (key == "close") return parse_close_event(value, vw);
    if (key == "http_response") return parse_http_event(value, event::kind::http_response, vw);
    if (key == "http_request") return parse_http_event(value, event::kind::http_request, vw);
    if (key == "echoes") {
        auto n = get_unsigned(value, vw, 10'000'000);
        if (!n) return n.error();
        event e;
        e.type = event::kind::echoes;
        e.count = *n;
        return e;
    }
    return w.error("unknown event '" + key + "'");
}

result<std::vector<expectation>> parse_expect(const json& j, const where& w) {
    if (!j.is_object()) return w.error("expected an object of verdict levels");
    if (j.empty())
        return w.error("names no verdict level, so the case could never pass: write at least "
                       "{\"OK\": [[...events...]]} ([[]] when nothing may arrive)");
    std::vector<expectation> out;
    for (const auto& [level, lists] : j.items()) {
        auto lw = w.at(level);
        auto v = parse_level(level, lw);
        if (!v) return v.error();
        if (!lists.is_array()) return lw.error("expected a list of event lists");
        expectation e{*v, {}};
        for (std::size_t i = 0; i < lists.size(); ++i) {
            if (!lists[i].is_array()) return lw.at(i).error("expected a list of events");
            event_list events;
            for (std::size_t k = 0; k < lists[i].size(); ++k) {
                auto ev = parse_event(lists[i][k], lw.at(i).at(k));
                if (!ev) return ev.error();
                events.push_back(std::move(*ev));
            }
            e.outcomes.push_back(std::move(events));
        }
        out.push_back(std::move(e));
    }
    // Judged OK first, then NON-STRICT, then INFORMATIONAL, whatever the order in the file.
    auto rank = [](verdict v) { return v == verdict::ok ? 0 : v == verdict::non_strict ? 1 : 2; };
    std::stable_sort(out.begin(), out.end(), [&](const expectation& a, const expectation& b) {
        return rank(a.level) < rank(b.level);
    });
    return out;
}

result<close_expectation> parse_close_expectation(const json& j, const where& w) {
    if (!j.is_object()) return w.error("expected {\"by\": ..., \"codes\": [...], \"clean\": ...}");
    if (auto r = check_fields(j, object_kind::close, w); !r) return r.error();
    close_expectation c;
    auto by = get_string(j.value("by", json()), w.at("by"));
    if (!by || (*by != "harness" && *by != "peer" && *by != "none"))
        return w.at("by").error("expected \"harness\", \"peer\" or \"none\"");
    using endpoint = close_expectation::endpoint;
    c.by = *by == "harness" ? endpoint::harness : *by == "peer" ? endpoint::peer : endpoint::none;
    if (c.by == endpoint::none) {
        // No WebSocket connection, so no closing handshake to judge.
        for (const char* f : {"codes", "clean", "empty", "reason"})
            if (j.contains(f))
                return w.at(f).error(
                    "means nothing when no connection may open (\"by\": \"none\")");
        c.codes.clear();
        c.clean = false;
        return c;
    }
    auto codes = parse_codes(j.value("codes", json()), w.at("codes"));
    if (!codes) return codes.error();
    c.codes = std::move(*codes);
    auto clean = get_bool(j.value("clean", json()), w.at("clean"));
    if (!clean) return clean.error();
    c.clean = *clean;
    if (j.contains("empty")) {
        auto e = get_string(j["empty"], w.at("empty"));
        using empty_close = close_expectation::empty_close;
        if (!e || (*e != "allowed" && *e != "forbidden" && *e != "required"))
            return w.at("empty").error("expected \"allowed\", \"forbidden\" or \"required\"");
        c.empty = *e == "allowed"     ? empty_close::allowed
                  : *e == "forbidden" ? empty_close::forbidden
                                      : empty_close::required;
    }
    if (j.contains("reason")) {
        auto r = get_string(j["reason"], w.at("reason"));
        if (!r) return r.error();
        c.reason = *r;
    }
    return c;
}

} // namespace wsspec::catalog::detail
