#include "harness/catalog/case_loader.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "harness/catalog/payload.hpp"

namespace wsspec::catalog {
namespace {

using json = nlohmann::json;

// Carries "file: case X: field.path" into every error message.
struct where {
    const std::string& file;
    std::string case_id;
    std::string path;

    where at(std::string_view field) const {
        return {file, case_id, path.empty() ? std::string(field) : path + "." + std::string(field)};
    }
    where at(std::size_t index) const {
        return {file, case_id, path + "[" + std::to_string(index) + "]"};
    }
    error_info error(std::string_view what) const {
        std::string s = file + ": ";
        if (!case_id.empty()) s += "case " + case_id + ": ";
        if (!path.empty()) s += path + ": ";
        return make_error(s + std::string(what));
    }
};

result<std::string> get_string(const json& j, const where& w) {
    if (!j.is_string()) return w.error("expected a string, got " + j.dump());
    return j.get<std::string>();
}

result<double> get_number(const json& j, const where& w) {
    if (!j.is_number()) return w.error("expected a number, got " + j.dump());
    return j.get<double>();
}

result<std::uint64_t> get_unsigned(const json& j, const where& w, std::uint64_t max) {
    if (!j.is_number_unsigned() || j.get<std::uint64_t>() > max)
        return w.error(fmt::format("expected an integer from 0 to {}, got {}", max, j.dump()));
    return j.get<std::uint64_t>();
}

result<bool> get_bool(const json& j, const where& w) {
    if (!j.is_boolean()) return w.error("expected true or false, got " + j.dump());
    return j.get<bool>();
}

// Fields a case object may have; anything else is a typo worth reporting.
const std::set<std::string> case_fields = {"id",
                                           "title",
                                           "description",
                                           "rfc",
                                           "quote",
                                           "steps",
                                           "timer",
                                           "expect",
                                           "close",
                                           "close_failure_fatal",
                                           "wrong_endpoint_fatal",
                                           "suppress_close",
                                           "informational",
                                           "quirks",
                                           "pongs_apart",
                                           "params",
                                           "requirement",
                                           "note",
                                           "headers"};

result<void> check_fields(const json& obj, const std::set<std::string>& allowed, const where& w) {
    for (const auto& [k, v] : obj.items())
        if (!allowed.count(k)) return w.error("unknown field '" + k + "'");
    return {};
}

result<wait_def> parse_wait(const json& j, const where& w) {
    if (!j.is_object() || !j.contains("wait")) return w.error("expected a wait step {\"wait\": S}");
    if (auto r = check_fields(j, {"wait", "record"}, w); !r) return r.error();
    wait_def d;
    const json& v = j["wait"];
    if (v.is_string() && v.get<std::string>() == "settle") {
        d.settle = true;
    } else {
        auto s = get_number(v, w.at("wait"));
        if (!s) return s.error();
        if (*s < 0 || *s > 3600) return w.at("wait").error("seconds must be between 0 and 3600");
        d.seconds = *s;
    }
    if (j.contains("record")) {
        auto t = get_string(j["record"], w.at("record"));
        if (!t) return t.error();
        d.record = *t;
    }
    return d;
}

result<frame_def> parse_frame(const json& j, const where& w) {
    if (!j.is_object()) return w.error("expected a frame object");
    if (auto r = check_fields(
            j, {"opcode", "fin", "rsv", "payload", "mask", "length", "declared_length"}, w);
        !r)
        return r.error();
    frame_def f;
    if (!j.contains("opcode")) return w.error("missing field 'opcode'");
    const json& op = j["opcode"];
    if (op.is_string()) {
        opcode o;
        if (!parse_opcode(op.get<std::string>(), o))
            return w.at("opcode").error("unknown opcode '" + op.get<std::string>() + "'");
        f.opcode = static_cast<std::uint8_t>(o);
    } else {
        auto n = get_unsigned(op, w.at("opcode"), 15);
        if (!n) return n.error();
        f.opcode = static_cast<std::uint8_t>(*n);
    }
    if (j.contains("fin")) {
        auto b = get_bool(j["fin"], w.at("fin"));
        if (!b) return b.error();
        f.fin = *b;
    }
    if (j.contains("rsv")) {
        auto n = get_unsigned(j["rsv"], w.at("rsv"), 7);
        if (!n) return n.error();
        f.rsv = static_cast<std::uint8_t>(*n);
    }
    if (j.contains("payload")) {
        auto p = parse_payload(j["payload"]);
        if (!p) return w.at("payload").error(p.error().message);
        f.payload = std::move(*p);
    }
    if (j.contains("mask")) {
        auto m = get_string(j["mask"], w.at("mask"));
        if (!m) return m.error();
        if (*m == "auto") {
            f.mask = frame_def::mask_mode::automatic;
        } else if (*m == "none") {
            f.mask = frame_def::mask_mode::none;
        } else {
            auto k = parse_hex(*m);
            if (!k || k->size() != 4)
                return w.at("mask").error("expected \"auto\", \"none\" or 8 hex digits, got '" +
                                          *m + "'");
            f.mask = frame_def::mask_mode::fixed;
            std::copy(k->begin(), k->end(), f.key.begin());
        }
    }
    if (j.contains("length")) {
        auto l = get_string(j["length"], w.at("length"));
        if (!l) return l.error();
        if (*l == "minimal")
            f.encoding = length_encoding::minimal;
        else if (*l == "7")
            f.encoding = length_encoding::force_7;
        else if (*l == "16")
            f.encoding = length_encoding::force_16;
        else if (*l == "64")
            f.encoding = length_encoding::force_64;
        else
            return w.at("length").error("expected \"minimal\", \"7\", \"16\" or \"64\", got '" +
                                        *l + "'");
    }
    if (j.contains("declared_length")) {
        auto n = get_unsigned(j["declared_length"], w.at("declared_length"), UINT64_MAX);
        if (!n) return n.error();
        f.declared_length = *n;
    }
    return f;
}

result<step_def> parse_send(const json& j, const where& w) {
    if (auto r = check_fields(j, {"send", "fragment", "sync", "chop", "pieces", "between"}, w); !r)
        return r.error();
    step_def s;
    s.type = step_def::kind::send;
    auto f = parse_frame(j["send"], w.at("send"));
    if (!f) return f.error();
    s.frame = std::move(*f);
    if (j.contains("fragment")) {
        auto n = get_unsigned(j["fragment"], w.at("fragment"), 1u << 30);
        if (!n || *n == 0) return w.at("fragment").error("expected a fragment size of at least 1");
        s.fragment = *n;
    }
    if (j.contains("sync")) {
        auto b = get_bool(j["sync"], w.at("sync"));
        if (!b) return b.error();
        s.sync = *b;
    }
    if (j.contains("chop")) {
        auto n = get_unsigned(j["chop"], w.at("chop"), 1u << 30);
        if (!n || *n == 0) return w.at("chop").error("expected a chop size of at least 1");
        s.chop = *n;
    }
    if (j.contains("pieces")) {
        if (!j["pieces"].is_array()) return w.at("pieces").error("expected a list of sizes");
        std::size_t total = 0;
        for (std::size_t i = 0; i < j["pieces"].size(); ++i) {
            auto n = get_unsigned(j["pieces"][i], w.at("pieces").at(i), 1u << 30);
            if (!n) return n.error();
            s.pieces.push_back(*n);
            total += *n;
        }
        if (total != s.frame.payload.size())
            return w.at("pieces").error(fmt::format("pieces add up to {} bytes, the payload has {}",
                                                    total, s.frame.payload.size()));
        const json& b = j.contains("between") ? j["between"] : json::array();
        if (!b.is_array() || b.size() + 1 != s.pieces.size())
            return w.at("between").error("expected one wait step between each two pieces");
        for (std::size_t i = 0; i < b.size(); ++i) {
            auto wd = parse_wait(b[i], w.at("between").at(i));
            if (!wd) return wd.error();
            s.between.push_back(std::move(*wd));
        }
    }
    return s;
}

result<step_def> parse_close_step(const json& j, const where& w) {
    step_def s;
    s.type = step_def::kind::close;
    const json& c = j["close"];
    if (!c.is_object()) return w.error("expected {\"close\": {\"code\": N, \"reason\": \"...\"}}");
    if (auto r = check_fields(c, {"code", "reason", "payload"}, w); !r) return r.error();
    if (c.contains("code")) {
        auto n = get_unsigned(c["code"], w.at("code"), 65535);
        if (!n) return n.error();
        s.close_code = static_cast<std::uint16_t>(*n);
    }
    if (c.contains("reason")) {
        auto r = get_string(c["reason"], w.at("reason"));
        if (!r) return r.error();
        s.close_reason = *r;
    }
    if (c.contains("payload")) {
        auto p = parse_payload(c["payload"]);
        if (!p) return w.at("payload").error(p.error().message);
        s.close_payload = std::move(*p);
    }
    return s;
}

result<step_def> parse_step(const json& j, const where& w) {
    if (!j.is_object()) return w.error("expected a step object");
    if (j.contains("send")) return parse_send(j, w);
    if (j.contains("close")) return parse_close_step(j, w.at("close"));
    if (j.contains("wait")) {
        auto wd = parse_wait(j, w);
        if (!wd) return wd.error();
        step_def s;
        s.type = step_def::kind::wait;
        s.wait = std::move(*wd);
        return s;
    }
    if (j.contains("raw")) {
        auto p = parse_payload(j["raw"]);
        if (!p) return w.at("raw").error(p.error().message);
        step_def s;
        s.type = step_def::kind::raw;
        s.raw = std::move(*p);
        return s;
    }
    return w.error("unknown step " + j.dump() + " (expected send, raw, close or wait)");
}

result<event> parse_event(const json& j, const where& w) {
    if (!j.is_object() || j.size() != 1) return w.error("expected one of message, pong, timeout");
    event e;
    if (j.contains("pong")) {
        auto p = parse_payload(j["pong"]);
        if (!p) return w.at("pong").error(p.error().message);
        e.type = event::kind::pong;
        e.payload = std::move(*p);
        return e;
    }
    if (j.contains("timeout")) {
        auto t = get_string(j["timeout"], w.at("timeout"));
        if (!t) return t.error();
        e.type = event::kind::timeout;
        e.tag = *t;
        return e;
    }
    if (j.contains("message")) {
        const json& m = j["message"];
        auto mw = w.at("message");
        if (!m.is_object() || m.size() != 1)
            return mw.error("expected {\"text\": ...}, {\"text_hex\": ...} or {\"binary\": ...}");
        if (m.contains("text_hex")) {
            auto h = get_string(m["text_hex"], mw.at("text_hex"));
            if (!h) return h.error();
            auto b = parse_hex(*h);
            if (!b) return mw.at("text_hex").error(b.error().message);
            e.payload = std::move(*b);
            e.type = event::kind::text;
            return e;
        }
        bool text = m.contains("text");
        if (!text && !m.contains("binary")) return mw.error("expected text, text_hex or binary");
        auto p = parse_payload(text ? m["text"] : m["binary"]);
        if (!p) return mw.at(text ? "text" : "binary").error(p.error().message);
        e.type = text ? event::kind::text : event::kind::binary;
        e.payload = std::move(*p);
        return e;
    }
    return w.error("unknown event " + j.dump());
}

result<close_expectation> parse_close_expectation(const json& j, const where& w) {
    if (!j.is_object()) return w.error("expected {\"by\": ..., \"codes\": [...], \"clean\": ...}");
    if (auto r = check_fields(j, {"by", "codes", "clean"}, w); !r) return r.error();
    close_expectation c;
    auto by = get_string(j.value("by", json()), w.at("by"));
    if (!by || (*by != "harness" && *by != "peer"))
        return w.at("by").error("expected \"harness\" or \"peer\"");
    c.by_harness = *by == "harness";
    c.codes.clear();
    if (!j.contains("codes") || !j["codes"].is_array() || j["codes"].empty())
        return w.at("codes").error("expected a non-empty list of close codes");
    for (std::size_t i = 0; i < j["codes"].size(); ++i) {
        auto n = get_unsigned(j["codes"][i], w.at("codes").at(i), 65535);
        if (!n) return n.error();
        c.codes.push_back(static_cast<std::uint16_t>(*n));
    }
    auto clean = get_bool(j.value("clean", json()), w.at("clean"));
    if (!clean) return clean.error();
    c.clean = *clean;
    return c;
}

result<case_def> parse_case(const json& j, const where& file_w, const std::string& group,
                            const std::string& group_title) {
    if (!j.is_object()) return file_w.error("expected a case object");
    case_def c;
    c.group = group;
    c.group_title = group_title;
    c.source = file_w.file;
    auto id = get_string(j.value("id", json()), file_w.at("id"));
    if (!id || id->empty()) return file_w.error("a case has no 'id'");
    c.id = *id;
    where w{file_w.file, c.id, ""};
    if (auto r = check_fields(j, case_fields, w); !r) return r.error();
    for (auto [field, dest] : {std::pair{"title", &c.title},
                               {"rfc", &c.rfc},
                               {"quote", &c.quote},
                               {"description", &c.description}}) {
        if (!j.contains(field)) {
            if (std::string_view(field) == "description") continue;
            return w.error(std::string("missing field '") + field + "'");
        }
        auto s = get_string(j[field], w.at(field));
        if (!s) return s.error();
        *dest = *s;
    }
    if (j.contains("headers")) {
        if (!j["headers"].is_array())
            return w.at("headers").error("expected a list of \"Name: value\" strings");
        for (std::size_t i = 0; i < j["headers"].size(); ++i) {
            auto h = get_string(j["headers"][i], w.at("headers").at(i));
            if (!h) return h.error();
            auto colon = h->find(':');
            if (colon == std::string::npos || colon == 0)
                return w.at("headers").at(i).error("expected \"Name: value\", got '" + *h + "'");
            auto value = h->substr(colon + 1);
            value.erase(0, value.find_first_not_of(' '));
            c.headers.push_back({h->substr(0, colon), value});
        }
    }
    if (!j.contains("steps") || !j["steps"].is_array())
        return w.at("steps").error("expected a list of steps");
    for (std::size_t i = 0; i < j["steps"].size(); ++i) {
        auto s = parse_step(j["steps"][i], w.at("steps").at(i));
        if (!s) return s.error();
        c.steps.push_back(std::move(*s));
    }
    if (j.contains("timer")) {
        const json& t = j["timer"];
        auto tw = w.at("timer");
        if (!t.is_object() || t.size() != 1 || !(t.contains("kill") || t.contains("close")))
            return tw.error("expected {\"kill\": S} or {\"close\": S}");
        bool kill = t.contains("kill");
        auto s = get_number(kill ? t["kill"] : t["close"], tw.at(kill ? "kill" : "close"));
        if (!s) return s.error();
        c.timer = kill ? case_def::timer_kind::kill : case_def::timer_kind::close;
        c.timer_seconds = *s;
    }
    if (!j.contains("expect") || !j["expect"].is_object())
        return w.at("expect").error("expected an object of verdict levels");
    for (const auto& [level, lists] : j["expect"].items()) {
        auto lw = w.at("expect").at(level);
        if (level != "OK" && level != "NON-STRICT" && level != "INFORMATIONAL")
            return lw.error("unknown verdict level (expected OK, NON-STRICT or INFORMATIONAL)");
        if (!lists.is_array()) return lw.error("expected a list of event lists");
        expectation e{level, {}};
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
        c.expect.push_back(std::move(e));
    }
    // "OK" is judged before "NON-STRICT" whatever the order in the file.
    std::stable_sort(c.expect.begin(), c.expect.end(),
                     [](const expectation& a, const expectation& b) {
                         return a.level == "OK" && b.level != "OK";
                     });
    if (!j.contains("close")) return w.error("missing field 'close'");
    auto ce = parse_close_expectation(j["close"], w.at("close"));
    if (!ce) return ce.error();
    c.close = std::move(*ce);
    for (auto [field, dest] : {std::pair{"close_failure_fatal", &c.close_failure_fatal},
                               {"wrong_endpoint_fatal", &c.wrong_endpoint_fatal},
                               {"suppress_close", &c.suppress_close},
                               {"pongs_apart", &c.pongs_apart},
                               {"informational", &c.informational}}) {
        if (!j.contains(field)) continue;
        auto b = get_bool(j[field], w.at(field));
        if (!b) return b.error();
        *dest = *b;
    }
    if (j.contains("quirks")) {
        if (!j["quirks"].is_array()) return w.at("quirks").error("expected a list of quirk names");
        for (std::size_t i = 0; i < j["quirks"].size(); ++i) {
            auto q = get_string(j["quirks"][i], w.at("quirks").at(i));
            if (!q) return q.error();
            c.quirks.push_back(*q);
        }
    }
    return c;
}

// "{name}" alone → the value itself; inside a longer string → its text.
json substitute(const json& j, const json& params) {
    if (j.is_string()) {
        std::string s = j.get<std::string>();
        for (const auto& [k, v] : params.items()) {
            std::string key = "{" + k + "}";
            if (s == key) return v;
            std::string text = v.is_string() ? v.get<std::string>() : v.dump();
            for (std::size_t pos; (pos = s.find(key)) != std::string::npos;)
                s.replace(pos, key.size(), text);
        }
        return s;
    }
    if (j.is_array()) {
        json out = json::array();
        for (const auto& e : j)
            out.push_back(substitute(e, params));
        return out;
    }
    if (j.is_object()) {
        json out = json::object();
        for (const auto& [k, v] : j.items())
            out[k] = substitute(v, params);
        return out;
    }
    return j;
}

} // namespace

bool id_less(const std::string& a, const std::string& b) {
    auto parts = [](const std::string& s) {
        std::vector<long> v;
        std::istringstream in(s);
        std::string p;
        while (std::getline(in, p, '.'))
            v.push_back(std::strtol(p.c_str(), nullptr, 10));
        return v;
    };
    auto pa = parts(a), pb = parts(b);
    if (pa != pb) return pa < pb;
    return a < b;
}

result<std::vector<case_def>> load_case_file(std::string_view json_text,
                                             const std::string& file_name) {
    json doc;
    try {
        doc = json::parse(json_text);
    } catch (const json::parse_error& e) {
        return make_error(file_name + ": not valid JSON: " + e.what());
    }
    where w{file_name, "", ""};
    if (!doc.is_object()) return w.error("expected an object with \"group\" and \"cases\"");
    if (auto r = check_fields(doc, {"group", "title", "cases", "note"}, w); !r) return r.error();
    auto group = get_string(doc.value("group", json()), w.at("group"));
    if (!group) return group.error();
    std::string title = doc.value("title", "");
    if (!doc.contains("cases") || !doc["cases"].is_array())
        return w.at("cases").error("expected a list of cases");
    std::vector<case_def> out;
    for (std::size_t i = 0; i < doc["cases"].size(); ++i) {
        const json& c = doc["cases"][i];
        where cw = w.at("cases").at(i);
        if (c.is_object() && c.contains("params")) {
            if (!c["params"].is_array()) return cw.at("params").error("expected a list of objects");
            json base = c;
            base.erase("params");
            for (const auto& p : c["params"]) {
                if (!p.is_object()) return cw.at("params").error("expected a list of objects");
                auto r = parse_case(substitute(base, p), cw, *group, title);
                if (!r) return r.error();
                out.push_back(std::move(*r));
            }
        } else {
            auto r = parse_case(c, cw, *group, title);
            if (!r) return r.error();
            out.push_back(std::move(*r));
        }
    }
    std::set<std::string> seen;
    for (const auto& c : out)
        if (!seen.insert(c.id).second) return w.error("duplicate case id " + c.id);
    return out;
}

result<std::vector<case_def>> load_case_dir(const std::string& dir) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        return make_error("case directory '" + dir + "' does not exist");
    std::vector<std::string> files;
    for (auto it = fs::recursive_directory_iterator(dir, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
        if (it->is_regular_file() && it->path().extension() == ".json")
            files.push_back(it->path().string());
    if (ec) return make_error("cannot read case directory '" + dir + "': " + ec.message());
    std::sort(files.begin(), files.end());
    std::vector<case_def> all;
    for (const auto& f : files) {
        std::ifstream in(f, std::ios::binary);
        if (!in) return make_error(f + ": cannot open");
        std::stringstream ss;
        ss << in.rdbuf();
        auto r = load_case_file(ss.str(), f);
        if (!r) return r.error();
        for (auto& c : *r) {
            for (const auto& existing : all)
                if (existing.id == c.id)
                    return make_error(f + ": case " + c.id + " is also defined in " +
                                      existing.source);
            all.push_back(std::move(c));
        }
    }
    std::sort(all.begin(), all.end(),
              [](const case_def& a, const case_def& b) { return id_less(a.id, b.id); });
    return all;
}

void merge_cases(std::vector<case_def>& base, std::vector<case_def> more) {
    for (auto& c : more) {
        auto it =
            std::find_if(base.begin(), base.end(), [&](const case_def& b) { return b.id == c.id; });
        if (it != base.end())
            *it = std::move(c);
        else
            base.push_back(std::move(c));
    }
    std::sort(base.begin(), base.end(),
              [](const case_def& a, const case_def& b) { return id_less(a.id, b.id); });
}

} // namespace wsspec::catalog
