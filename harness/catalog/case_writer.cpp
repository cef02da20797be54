#include "harness/catalog/case_writer.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "codec/opcode.hpp"

namespace wsspec::catalog {
namespace {

using nlohmann::json;

std::string to_hex(const bytes& b) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string s;
    s.reserve(b.size() * 2);
    for (auto c : b) {
        s += digits[c >> 4];
        s += digits[c & 0xf];
    }
    return s;
}

json frame_to_json(const frame_def& f) {
    json j = json::object();
    auto op = static_cast<opcode>(f.opcode);
    j["opcode"] = std::string(to_string(op));
    if (!f.fin) j["fin"] = false;
    if (f.rsv) j["rsv"] = f.rsv;
    if (!f.payload.empty()) j["payload"] = payload_to_json(f.payload);
    if (f.mask == frame_def::mask_mode::none) j["mask"] = "none";
    if (f.mask == frame_def::mask_mode::fixed)
        j["mask"] = to_hex(bytes(f.key.begin(), f.key.end()));
    switch (f.encoding) {
    case length_encoding::minimal: break;
    case length_encoding::force_7: j["length"] = "7"; break;
    case length_encoding::force_16: j["length"] = "16"; break;
    case length_encoding::force_64: j["length"] = "64"; break;
    }
    if (f.declared_length) j["declared_length"] = *f.declared_length;
    return j;
}

json wait_to_json(const wait_def& w) {
    json j = json::object();
    if (w.settle)
        j["wait"] = "settle";
    else
        j["wait"] = w.seconds;
    if (!w.record.empty()) j["record"] = w.record;
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

json event_to_json(const event& e) {
    switch (e.type) {
    case event::kind::text: {
        bool printable = true;
        for (auto c : e.payload)
            printable = printable && c >= 0x20 && c < 0x7f;
        if (printable)
            return {{"message", {{"text", std::string(e.payload.begin(), e.payload.end())}}}};
        return {{"message", {{"text_hex", to_hex(e.payload)}}}};
    }
    case event::kind::binary: return {{"message", {{"binary", payload_to_json(e.payload)}}}};
    case event::kind::pong: return {{"pong", payload_to_json(e.payload)}};
    case event::kind::timeout: return {{"timeout", e.tag}};
    }
    return json::object();
}

} // namespace

json payload_to_json(const bytes& b) {
    bool printable = true;
    for (auto c : b)
        printable = printable && c >= 0x20 && c < 0x7f;
    if (printable) return std::string(b.begin(), b.end());
    return {{"hex", to_hex(b)}};
}

json case_to_json(const case_def& c) {
    json j = json::object();
    j["id"] = c.id;
    j["title"] = c.title;
    if (!c.description.empty()) j["description"] = c.description;
    j["rfc"] = c.rfc;
    j["quote"] = c.quote;
    if (!c.headers.empty()) {
        json h = json::array();
        for (const auto& p : c.headers)
            h.push_back(p.name + ": " + p.value);
        j["headers"] = h;
    }
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
        expect[e.level] = lists;
    }
    j["expect"] = expect;
    j["close"] = {{"by", c.close.by_harness ? "harness" : "peer"},
                  {"codes", c.close.codes},
                  {"clean", c.close.clean}};
    if (c.close_failure_fatal) j["close_failure_fatal"] = true;
    if (c.wrong_endpoint_fatal) j["wrong_endpoint_fatal"] = true;
    if (c.suppress_close) j["suppress_close"] = true;
    if (c.pongs_apart) j["pongs_apart"] = true;
    if (c.informational) j["informational"] = true;
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
