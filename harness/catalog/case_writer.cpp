#include "harness/catalog/case_writer.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "codec/opcode.hpp"

namespace wsspec::catalog {
namespace {

using nlohmann::json;

json frame_to_json(const frame_def& f) {
    json j = json::object();
    auto op = static_cast<opcode>(f.opcode);
    j["opcode"] = std::string(to_string(op));
    if (!f.fin) j["fin"] = false;
    if (f.rsv) j["rsv"] = f.rsv;
    if (!f.data.empty()) j["payload"] = payload_to_json(f.data);
    if (f.mask == frame_def::mask_mode::none) j["mask"] = "none";
    if (f.mask == frame_def::mask_mode::fixed) j["mask"] = to_hex(f.key);
    switch (f.encoding) {
    case length_encoding::minimal: break;
    case length_encoding::force_7: j["length"] = "7"; break;
    case length_encoding::force_16: j["length"] = "16"; break;
    case length_encoding::force_64: j["length"] = "64"; break;
    }
    if (f.declared_length) j["declared_length"] = *f.declared_length;
    if (f.compressed) j["compressed"] = true;
    return j;
}

json wait_to_json(const wait_def& w) {
    json j = json::object();
    if (w.settle)
        j["wait"] = "settle";
    else
        j["wait"] = w.seconds;
    if (!w.record.empty()) j["record"] = w.record;
    if (w.until_pong) j["until"] = "pong";
    return j;
}

json step_to_json(const step_def& s) {
    switch (s.type) {
    case step_def::kind::send: {
        json j = {{"send", frame_to_json(s.frame)}};
        if (s.fragment) j["fragment"] = s.fragment;
        if (s.sync) j["sync"] = true;
        if (s.chop) j["chop"] = s.chop;
        if (!s.pieces.empty()) {
            j["pieces"] = s.pieces;
            json between = json::array();
            for (const auto& w : s.between)
                between.push_back(wait_to_json(w));
            j["between"] = between;
        }
        if (s.repeat) {
            j["repeat"] = s.repeat;
            j["within"] = s.within;
            if (s.slide) j["slide"] = true;
            if (s.grow) j["grow"] = s.grow;
        }
        return j;
    }
    case step_def::kind::raw: return {{"raw", payload_to_json(s.raw)}};
    case step_def::kind::close: {
        json c = json::object();
        if (s.close_payload) {
            c["payload"] = payload_to_json(*s.close_payload);
        } else {
            if (s.close_code) c["code"] = *s.close_code;
            if (!s.close_reason.empty()) c["reason"] = s.close_reason;
        }
        return {{"close", c}};
    }
    case step_def::kind::wait: return wait_to_json(s.wait);
    }
    return json::object();
}

json http_to_json(const http_expectation& h) {
    json j = json::object();
    if (h.status) j["status"] = *h.status;
    if (h.status_class) j["status"] = fmt::format("{}xx", *h.status_class);
    if (h.method) j["method"] = *h.method;
    for (const auto& f : h.fields)
        j[f.exact ? "exact" : "fields"][f.name] = f.value;
    if (!h.absent.empty()) j["absent"] = h.absent;
    return j;
}

json event_to_json(const event& e) {
    switch (e.type) {
    case event::kind::text: {
        if (e.data.kind() == payload::form::literal && !payload_to_json(e.data).is_string())
            return {{"message", {{"text_hex", to_hex(e.data.data())}}}};
        return {{"message", {{"text", payload_to_json(e.data)}}}};
    }
    case event::kind::binary: return {{"message", {{"binary", payload_to_json(e.data)}}}};
    case event::kind::pong: return {{"pong", payload_to_json(e.data)}};
    case event::kind::timeout: return {{"timeout", e.tag}};
    case event::kind::close: {
        json c = {{"code", e.code ? json(*e.code) : json(nullptr)}};
        if (e.reason_checked) c["reason"] = payload_to_json(e.data);
        return {{"close", c}};
    }
    case event::kind::http_response: return {{"http_response", http_to_json(e.http)}};
    case event::kind::http_request: return {{"http_request", http_to_json(e.http)}};
    case event::kind::echoes: return {{"echoes", e.count}};
    }
    return json::object();
}

json edits_to_json(const http_edits& e) {
    json j = json::object();
    for (auto [name, v] : {std::pair{"method", &e.method},
                           {"version", &e.version},
                           {"reason_phrase", &e.reason_phrase}})
        if (*v) j[name] = **v;
    if (e.target) j["target"] = payload_to_json(*e.target);
    if (e.status) j["status"] = *e.status;
    if (!e.remove.empty()) j["remove"] = e.remove;
    if (!e.replace.empty()) {
        json h = json::array();
        for (const auto& p : e.replace)
            h.push_back(p.name + ": " + p.value);
        j["replace"] = h;
    }
    if (!e.add.empty()) {
        json h = json::array();
        for (const auto& f : e.add) {
            auto value = payload_to_json(f.value);
            if (f.line)
                h.push_back(*f.line);
            else if (value.is_string())
                h.push_back(f.name + ": " + value.get<std::string>());
            else
                h.push_back({{"name", f.name}, {"value", value}});
        }
        j["add"] = h;
    }
    return j;
}

json handshake_to_json(const handshake_def& h) {
    json j = json::object();
    if (auto r = edits_to_json(h.request); !r.empty()) j["request"] = r;
    if (auto r = edits_to_json(h.response); !r.empty()) j["response"] = r;
    if (h.raw) j["raw"] = payload_to_json(*h.raw);
    if (h.chop) j["chop"] = h.chop;
    if (h.with_first_frame) j["with_first_frame"] = true;
    if (h.interval > 0) j["interval"] = h.interval;
    if (h.within) j["within"] = *h.within;
    return j;
}

json close_to_json(const close_expectation& c) {
    using endpoint = close_expectation::endpoint;
    if (c.by == endpoint::none) return {{"by", "none"}};
    json j = {{"by", c.by == endpoint::harness ? "harness" : "peer"},
              {"codes", c.codes},
              {"clean", c.clean}};
    using empty_close = close_expectation::empty_close;
    if (c.empty != empty_close::allowed)
        j["empty"] = c.empty == empty_close::required ? "required" : "forbidden";
    if (c.reason) j["reason"] = *c.reason;
    return j;
}

} // namespace

json case_to_json(const case_def& c) {
    json j = json::object();
    j["id"] = c.id;
    j["title"] = c.title;
    if (!c.description.empty()) j["description"] = c.description;
    j["rfc"] = c.rfc;
    j["quote"] = c.quote;
    if (!c.requirement.empty()) j["requirement"] = c.requirement;
    if (!c.note.empty()) j["note"] = c.note;
    if (c.roles != std::vector<peer_role>{peer_role::server}) {
        json roles = json::array();
        for (auto r : c.roles)
            roles.push_back(std::string(to_string(r)));
        j["roles"] = roles;
    }
    if (!c.headers.empty()) {
        json h = json::array();
        for (const auto& p : c.headers)
            h.push_back(p.name + ": " + p.value);
        j["headers"] = h;
    }
    if (auto h = handshake_to_json(c.handshake); !h.empty()) j["handshake"] = h;
    if (!c.extensions.offer.empty()) j["extensions"]["offer"] = c.extensions.offer;
    if (!c.extensions.accept.empty()) j["extensions"]["accept"] = c.extensions.accept;
    if (!c.extensions.require.empty()) j["extensions"]["require"] = c.extensions.require;
    json steps = json::array();
    for (const auto& s : c.steps)
        steps.push_back(step_to_json(s));
    j["steps"] = steps;
    if (c.timer != case_def::timer_kind::none)
        j["timer"] = {{c.timer == case_def::timer_kind::kill ? "kill" : "close", c.timer_seconds}};
    json expect = json::object();
    for (const auto& e : c.expect) {
        json lists = json::array();
        for (const auto& outcome : e.outcomes) {
            json events = json::array();
            for (const auto& ev : outcome)
                events.push_back(event_to_json(ev));
            lists.push_back(events);
        }
        expect[std::string(report::to_string(e.level))] = lists;
    }
    j["expect"] = expect;
    j["close"] = close_to_json(c.close);
    if (c.close_failure_fatal) j["close_failure_fatal"] = true;
    if (c.wrong_endpoint_fatal) j["wrong_endpoint_fatal"] = true;
    if (c.suppress_close) j["suppress_close"] = true;
    if (c.close_after_events) j["close_after_events"] = c.close_after_events;
    if (c.pongs_apart) j["pongs_apart"] = true;
    if (c.informational) j["informational"] = true;
    if (c.still_serves) j["still_serves"] = true;
    if (c.client_checks.any()) {
        nlohmann::json checks = nlohmann::json::array();
        if (c.client_checks.fresh_masking_keys) checks.push_back("fresh_masking_keys");
        if (c.client_checks.fresh_handshake_key) checks.push_back("fresh_handshake_key");
        if (c.client_checks.server_closes_first) checks.push_back("server_closes_first");
        j["client_checks"] = checks;
    }
    if (c.connections > 1) j["connections"] = c.connections;
    if (!c.quirks.empty()) j["quirks"] = c.quirks;
    return j;
}

json case_file_json(const std::string& group, const std::string& title,
                    const std::vector<case_def>& cases) {
    json arr = json::array();
    for (const auto& c : cases)
        arr.push_back(case_to_json(c));
    return {{"group", group}, {"title", title}, {"cases", arr}};
}

result<void> write_case_file(const std::string& path, const json& file) {
    std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) return make_error(fmt::format("cannot write {}", tmp));
        out << file.dump(2) << '\n';
        if (!out.flush()) return make_error(fmt::format("cannot write {}", tmp));
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) return make_error(fmt::format("cannot rename {} to {}: {}", tmp, path, ec.message()));
    return {};
}

} // namespace wsspec::catalog
