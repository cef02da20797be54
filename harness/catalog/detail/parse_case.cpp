#include "harness/catalog/detail/parse_case.hpp"

#include <array>
#include <optional>
#include <tuple>

#include "codec/handshake/http_head.hpp"
#include "harness/catalog/detail/parse_expect.hpp"
#include "harness/catalog/detail/parse_steps.hpp"

namespace wsspec::catalog::detail {
namespace {

result<std::vector<std::string>> get_strings(const json& j, const where& w, const char* what) {
    if (!j.is_array()) return w.error(std::string("expected a list of ") + what);
    std::vector<std::string> out;
    for (std::size_t i = 0; i < j.size(); ++i) {
        auto s = get_string(j[i], w.at(i));
        if (!s) return s.error();
        out.push_back(*s);
    }
    return out;
}

result<std::vector<handshake::header_pair>> get_headers(const json& j, const where& w) {
    if (!j.is_array()) return w.error("expected a list of \"Name: value\" strings");
    std::vector<handshake::header_pair> out;
    for (std::size_t i = 0; i < j.size(); ++i) {
        auto h = get_header(j[i], w.at(i));
        if (!h) return h.error();
        out.push_back(std::move(*h));
    }
    return out;
}

// "add": "Name: value" lines, or {"name": …, "value": PAYLOAD} for a value generated when sent.
result<std::vector<added_field>> get_added_fields(const json& j, const where& w) {
    if (!j.is_array())
        return w.error("expected a list of \"Name: value\" strings or {\"name\", \"value\"}");
    std::vector<added_field> out;
    for (std::size_t i = 0; i < j.size(); ++i) {
        if (!j[i].is_object()) {
            auto h = get_header(j[i], w.at(i));
            if (!h) return h.error();
            out.push_back({h->name, payload(bytes(h->value.begin(), h->value.end())),
                           j[i].get<std::string>()});
            continue;
        }
        if (auto r = check_fields(j[i], object_kind::added_field, w.at(i)); !r) return r.error();
        if (!j[i].contains("name") || !j[i].contains("value"))
            return w.at(i).error("expected {\"name\": \"Field-Name\", \"value\": PAYLOAD}");
        auto name = get_string(j[i]["name"], w.at(i).at("name"));
        if (!name) return name.error();
        if (name->empty() || !handshake::is_token(*name))
            return w.at(i).at("name").error("'" + *name + "' is not a field name (RFC 7230 token)");
        auto value = parse_payload(j[i]["value"]);
        if (!value) return w.at(i).at("value").error(value.error().message);
        out.push_back({*name, std::move(*value)});
    }
    return out;
}

// The first "{name}" left in any string of the entry: a family placeholder no row filled
// (a typo in a column name). The case would otherwise run with the literal text.
std::optional<std::string> unfilled_placeholder(const json& j, const std::string& path) {
    if (j.is_string()) {
        const auto& s = j.get_ref<const std::string&>();
        for (auto open = s.find('{'); open != std::string::npos; open = s.find('{', open + 1)) {
            auto close = s.find('}', open);
            if (close == std::string::npos) break;
            auto name = std::string_view(s).substr(open + 1, close - open - 1);
            bool ident = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0]));
            for (char ch : name)
                ident = ident && (std::isalnum(static_cast<unsigned char>(ch)) || ch == '_');
            if (ident) return path + ": '{" + std::string(name) + "}'";
        }
    } else if (j.is_array()) {
        for (std::size_t i = 0; i < j.size(); ++i)
            if (auto p = unfilled_placeholder(j[i], path + "[" + std::to_string(i) + "]")) return p;
    } else if (j.is_object()) {
        for (const auto& [k, v] : j.items())
            if (auto p = unfilled_placeholder(v, path.empty() ? k : path + "." + k)) return p;
    }
    return std::nullopt;
}

// id, title, rfc, quote, description, requirement, note.
result<void> parse_identity(const json& j, const where& w, case_def& c) {
    for (auto [field, dest, required] : {std::tuple{"title", &c.title, true},
                                         {"rfc", &c.rfc, true},
                                         {"quote", &c.quote, true},
                                         {"description", &c.description, false},
                                         {"requirement", &c.requirement, false},
                                         {"note", &c.note, false}}) {
        if (!j.contains(field)) {
            if (required) return w.error(std::string("missing field '") + field + "'");
            continue;
        }
        auto s = get_string(j[field], w.at(field));
        if (!s) return s.error();
        *dest = *s;
    }
    if (!c.requirement.empty() && c.requirement != "must" && c.requirement != "should" &&
        c.requirement != "may")
        return w.at("requirement").error("expected \"must\", \"should\" or \"may\"");
    return {};
}

result<void> parse_roles(const json& j, const where& w, case_def& c) {
    auto names = get_strings(j, w, "roles (\"server\", \"client\")");
    if (!names) return names.error();
    if (names->empty()) return w.error("a case applies to at least one role");
    c.roles.clear();
    for (std::size_t i = 0; i < names->size(); ++i) {
        const auto& n = (*names)[i];
        if (n != "server" && n != "client")
            return w.at(i).error("expected \"server\" or \"client\", got '" + n + "'");
        c.roles.push_back(n == "server" ? peer_role::server : peer_role::client);
    }
    return {};
}

result<http_edits> parse_http_edits(const json& j, const where& w, bool response) {
    if (!j.is_object()) return w.error("expected an object");
    if (auto r = check_fields(j, object_kind::http_edits, w); !r) return r.error();
    for (const char* f :
         response ? std::array{"method", "target"} : std::array{"status", "reason_phrase"})
        if (j.contains(f))
            return w.at(f).error(
                std::string(response ? "a response has no " : "a request has no ") + f);
    http_edits e;
    if (j.contains("target")) {
        auto p = parse_payload(j["target"]);
        if (!p) return w.at("target").error(p.error().message);
        e.target = std::move(*p);
    }
    for (auto [field, dest] : {std::pair{"method", &e.method},
                               {"version", &e.version},
                               {"reason_phrase", &e.reason_phrase}}) {
        if (!j.contains(field)) continue;
        auto s = get_string(j[field], w.at(field));
        if (!s) return s.error();
        *dest = *s;
    }
    if (j.contains("status")) {
        auto n = get_unsigned(j["status"], w.at("status"), 999);
        if (!n || *n < 100) return w.at("status").error("expected an HTTP status from 100 to 999");
        e.status = static_cast<std::uint16_t>(*n);
    }
    if (j.contains("remove")) {
        auto names = get_strings(j["remove"], w.at("remove"), "field names");
        if (!names) return names.error();
        e.remove = std::move(*names);
    }
    if (j.contains("replace")) {
        auto h = get_headers(j["replace"], w.at("replace"));
        if (!h) return h.error();
        e.replace = std::move(*h);
    }
    if (j.contains("add")) {
        auto a = get_added_fields(j["add"], w.at("add"));
        if (!a) return a.error();
        e.add = std::move(*a);
    }
    return e;
}

result<void> parse_handshake(const json& j, const where& w, case_def& c) {
    if (!j.is_object()) return w.error("expected an object");
    if (auto r = check_fields(j, object_kind::handshake, w); !r) return r.error();
    auto& h = c.handshake;
    if (j.contains("raw") && j.contains("request"))
        return w.at("raw").error("give either \"raw\" bytes or \"request\" edits, not both");
    for (auto [field, dest, response] :
         {std::tuple{"request", &h.request, false}, {"response", &h.response, true}}) {
        if (!j.contains(field)) continue;
        auto e = parse_http_edits(j[field], w.at(field), response);
        if (!e) return e.error();
        *dest = std::move(*e);
    }
    if (j.contains("raw")) {
        auto p = parse_payload(j["raw"]);
        if (!p) return w.at("raw").error(p.error().message);
        h.raw = std::move(*p);
    }
    if (j.contains("chop")) {
        auto n = get_unsigned(j["chop"], w.at("chop"), 1u << 20);
        if (!n || *n == 0) return w.at("chop").error("expected a chop size of at least 1");
        h.chop = static_cast<std::size_t>(*n);
    }
    if (j.contains("with_first_frame")) {
        auto b = get_bool(j["with_first_frame"], w.at("with_first_frame"));
        if (!b) return b.error();
        h.with_first_frame = *b;
    }
    if (j.contains("interval")) {
        if (!h.chop) return w.at("interval").error("pauses between chops: needs \"chop\" as well");
        auto s = get_number(j["interval"], w.at("interval"), 0.001, 60);
        if (!s) return s.error();
        h.interval = *s;
    }
    if (j.contains("within")) {
        auto s = get_number(j["within"], w.at("within"), 0.001, 600);
        if (!s) return s.error();
        h.within = *s;
    }
    return {};
}

result<void> parse_extensions(const json& j, const where& w, case_def& c) {
    if (!j.is_object())
        return w.error("expected {\"offer\": ..., \"require\": ..., \"accept\": [...]}");
    if (auto r = check_fields(j, object_kind::extensions, w); !r) return r.error();
    for (auto [field, dest] :
         {std::pair{"offer", &c.extensions.offer}, {"require", &c.extensions.require}}) {
        if (!j.contains(field)) continue;
        auto s = get_string(j[field], w.at(field));
        if (!s) return s.error();
        *dest = *s;
    }
    if (j.contains("accept")) {
        auto a = get_strings(j["accept"], w.at("accept"), "permessage-deflate responses");
        if (!a) return a.error();
        for (std::size_t i = 0; i < a->size(); ++i)
            if (auto t = accept_terms((*a)[i]); !t)
                return w.at("accept").at(i).error(t.error().message);
        if (!c.applies_to(peer_role::client))
            return w.at("accept").error("only a case testing clients answers their offers");
        c.extensions.accept = std::move(*a);
    }
    if (!c.extensions.require.empty() && c.applies_to(peer_role::server) &&
        c.extensions.offer.empty())
        return w.at("require").error("an extension can only be required if it is offered");
    if (!c.extensions.require.empty() && c.applies_to(peer_role::client) &&
        c.extensions.accept.empty())
        return w.at("require").error(
            "a case for clients can only require an extension it accepts (\"accept\")");
    return {};
}

result<void> parse_timer(const json& t, const where& w, case_def& c) {
    if (!t.is_object() || t.size() != 1 || !(t.contains("kill") || t.contains("close")))
        return w.error("expected {\"kill\": S} or {\"close\": S}");
    bool kill = t.contains("kill");
    auto s = get_number(kill ? t["kill"] : t["close"], w.at(kill ? "kill" : "close"), 0, 3600);
    if (!s) return s.error();
    c.timer = kill ? case_def::timer_kind::kill : case_def::timer_kind::close;
    c.timer_seconds = *s;
    return {};
}

result<void> parse_flags(const json& j, const where& w, case_def& c) {
    for (auto [field, dest] : {std::pair{"close_failure_fatal", &c.close_failure_fatal},
                               {"wrong_endpoint_fatal", &c.wrong_endpoint_fatal},
                               {"suppress_close", &c.suppress_close},
                               {"pongs_apart", &c.pongs_apart},
                               {"informational", &c.informational},
                               {"still_serves", &c.still_serves}}) {
        if (!j.contains(field)) continue;
        auto b = get_bool(j[field], w.at(field));
        if (!b) return b.error();
        *dest = *b;
    }
    if (j.contains("close_after_events")) {
        auto n = get_number(j["close_after_events"], w.at("close_after_events"), 1, 1000000);
        if (!n) return n.error();
        if (*n != static_cast<double>(static_cast<std::uint32_t>(*n)))
            return w.at("close_after_events").error("expected a whole number of events");
        c.close_after_events = static_cast<std::uint32_t>(*n);
    }
    if (j.contains("client_checks")) {
        const auto at = w.at("client_checks");
        auto names = get_strings(j["client_checks"], at,
                                 "check names (\"fresh_masking_keys\", \"fresh_handshake_key\", "
                                 "\"server_closes_first\")");
        if (!names) return names.error();
        if (c.applies_to(peer_role::server))
            return at.error(
                "only a case for clients alone (\"roles\": [\"client\"]) checks a client");
        for (const auto& n : *names) {
            if (n == "fresh_masking_keys")
                c.client_checks.fresh_masking_keys = true;
            else if (n == "fresh_handshake_key")
                c.client_checks.fresh_handshake_key = true;
            else if (n == "server_closes_first")
                c.client_checks.server_closes_first = true;
            else
                return at.error("'" + n +
                                "' is not a check (fresh_masking_keys, "
                                "fresh_handshake_key, server_closes_first)");
        }
    }
    if (j.contains("connections")) {
        auto n = get_unsigned(j["connections"], w.at("connections"), 1024);
        if (!n || *n < 2) return w.at("connections").error("expected a count from 2 to 1024");
        if (!c.applies_to(peer_role::server))
            return w.at("connections").error("only a case testing servers opens connections");
        c.connections = static_cast<std::uint32_t>(*n);
    }
    if (j.contains("quirks")) {
        auto q = get_strings(j["quirks"], w.at("quirks"), "quirk names");
        if (!q) return q.error();
        c.quirks = std::move(*q);
    }
    return {};
}

// The optional object-valued fields, each with its own parser.
result<void> parse_phases(const json& j, const where& w, case_def& c) {
    if (j.contains("roles"))
        if (auto r = parse_roles(j["roles"], w.at("roles"), c); !r) return r;
    if (j.contains("headers")) {
        auto h = get_headers(j["headers"], w.at("headers"));
        if (!h) return h.error();
        c.headers = std::move(*h);
    }
    if (j.contains("handshake"))
        if (auto r = parse_handshake(j["handshake"], w.at("handshake"), c); !r) return r;
    if (j.contains("extensions"))
        if (auto r = parse_extensions(j["extensions"], w.at("extensions"), c); !r) return r;
    if (!j.contains("steps")) return w.at("steps").error("expected a list of steps");
    auto steps = parse_steps(j["steps"], w.at("steps"));
    if (!steps) return steps.error();
    c.steps = std::move(*steps);
    if (c.handshake.with_first_frame) {
        const auto& s = c.steps;
        if (s.empty() || s[0].type != step_def::kind::send || s[0].repeat || !s[0].pieces.empty() ||
            s[0].chop || s[0].sync)
            return w.at("handshake")
                .at("with_first_frame")
                .error("needs a first step that is a plain send (no repeat, pieces, chop or sync)");
        if (!c.applies_to(peer_role::server))
            return w.at("handshake")
                .at("with_first_frame")
                .error("rides in the request, which only a case testing servers writes");
    }
    if (j.contains("timer"))
        if (auto r = parse_timer(j["timer"], w.at("timer"), c); !r) return r;
    return {};
}

result<void> parse_outcome(const json& j, const where& w, case_def& c) {
    if (!j.contains("expect")) return w.at("expect").error("expected an object of verdict levels");
    auto e = parse_expect(j["expect"], w.at("expect"));
    if (!e) return e.error();
    c.expect = std::move(*e);
    if (!j.contains("close")) return w.error("missing field 'close'");
    auto ce = parse_close_expectation(j["close"], w.at("close"));
    if (!ce) return ce.error();
    c.close = std::move(*ce);
    if (c.close.by == close_expectation::endpoint::none &&
        !c.observes(event::kind::http_response) && !c.observes(event::kind::http_request))
        return w.at("close").error("\"by\": \"none\" needs an expected http_response or "
                                   "http_request event to judge the refusal by");
    return {};
}

} // namespace

result<case_def> parse_case(const json& j, const where& entry, const group_info& group) {
    case_def c;
    c.group = group.id;
    c.group_title = group.title;
    c.source = entry.file;
    if (!j.contains("id")) return entry.error("a case has no 'id'");
    if (!j["id"].is_string())
        return entry.at("id").error("expected a string such as \"1.1.1\" or \"hs.3\", got " +
                                    j["id"].dump());
    const auto& id = j["id"].get_ref<const std::string&>();
    if (id.empty()) return entry.at("id").error("is empty");
    if (id.find('{') != std::string::npos)
        return entry.error("case id '" + id + "' has a placeholder that no row fills");
    c.id = id;
    where w{entry.file, c.id, ""};
    if (auto p = unfilled_placeholder(j, ""))
        return w.error("placeholder " + *p +
                       " is filled by no row of the family (a column name misspelt?)");
    if (auto r = check_fields(j, object_kind::case_entry, w); !r) return r.error();
    if (auto r = parse_identity(j, w, c); !r) return r.error();
    if (auto r = parse_phases(j, w, c); !r) return r.error();
    if (auto r = parse_outcome(j, w, c); !r) return r.error();
    if (auto r = parse_flags(j, w, c); !r) return r.error();
    return c;
}

} // namespace wsspec::catalog::detail
