#include "harness/catalog/detail/parse_steps.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace wsspec::catalog::detail {
namespace {

constexpr std::uint64_t max_size = std::uint64_t{1} << 31;

result<payload> get_payload(const json& j, const where& w) {
    auto p = parse_payload(j);
    if (!p) return w.error(p.error().message);
    return p;
}

result<std::uint8_t> parse_opcode_field(const json& op, const where& w) {
    if (op.is_string()) {
        opcode o;
        if (!parse_opcode(op.get<std::string>(), o))
            return w.error("unknown opcode '" + op.get<std::string>() + "'");
        return static_cast<std::uint8_t>(o);
    }
    auto n = get_unsigned(op, w, 15);
    if (!n) return n.error();
    return static_cast<std::uint8_t>(*n);
}

result<void> parse_mask(const json& j, const where& w, frame_def& f) {
    auto m = get_string(j, w);
    if (!m) return m.error();
    if (*m == "auto") {
        f.mask = frame_def::mask_mode::automatic;
    } else if (*m == "none") {
        f.mask = frame_def::mask_mode::none;
    } else {
        auto k = parse_hex(*m);
        if (!k || k->size() != 4)
            return w.error("expected \"auto\", \"none\" or 8 hex digits, got '" + *m + "'");
        f.mask = frame_def::mask_mode::fixed;
        std::copy(k->begin(), k->end(), f.key.begin());
    }
    return {};
}

result<length_encoding> parse_length(const json& j, const where& w) {
    auto l = get_string(j, w);
    if (!l) return l.error();
    if (*l == "minimal") return length_encoding::minimal;
    if (*l == "7") return length_encoding::force_7;
    if (*l == "16") return length_encoding::force_16;
    if (*l == "64") return length_encoding::force_64;
    return w.error("expected \"minimal\", \"7\", \"16\" or \"64\", got '" + *l + "'");
}

result<std::size_t> positive(const json& j, const where& w, const char* what) {
    auto n = get_unsigned(j, w, max_size);
    if (!n || *n == 0) return w.error(fmt::format("expected a {} of at least 1", what));
    return static_cast<std::size_t>(*n);
}

result<void> parse_pieces(const json& j, const where& w, step_def& s) {
    if (!j["pieces"].is_array()) return w.at("pieces").error("expected a list of sizes");
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < j["pieces"].size(); ++i) {
        auto n = get_unsigned(j["pieces"][i], w.at("pieces").at(i), max_size);
        if (!n) return n.error();
        s.pieces.push_back(static_cast<std::size_t>(*n));
        total += *n;
    }
    if (total != s.frame.data.size())
        return w.at("pieces").error(fmt::format("pieces add up to {} bytes, the payload has {}",
                                                total, s.frame.data.size()));
    const json& b = j.contains("between") ? j["between"] : json::array();
    if (!b.is_array() || b.size() + 1 != s.pieces.size())
        return w.at("between").error("expected one wait step between each two pieces");
    for (std::size_t i = 0; i < b.size(); ++i) {
        auto wd = parse_wait(b[i], w.at("between").at(i));
        if (!wd) return wd.error();
        s.between.push_back(std::move(*wd));
    }
    return {};
}

result<step_def> parse_send(const json& j, const where& w) {
    if (auto r = check_fields(j, object_kind::send_step, w); !r) return r.error();
    step_def s;
    s.type = step_def::kind::send;
    auto f = parse_frame(j["send"], w.at("send"));
    if (!f) return f.error();
    s.frame = std::move(*f);
    if (j.contains("fragment")) {
        // 0: one frame, as Autobahn's auto-fragment size 0 means.
        auto n = get_unsigned(j["fragment"], w.at("fragment"), max_size);
        if (!n)
            return w.at("fragment")
                .error(fmt::format("expected a fragment size from 0 (one frame) to {}", max_size));
        s.fragment = static_cast<std::size_t>(*n);
    }
    if (j.contains("sync")) {
        auto b = get_bool(j["sync"], w.at("sync"));
        if (!b) return b.error();
        s.sync = *b;
    }
    if (j.contains("chop")) {
        auto n = positive(j["chop"], w.at("chop"), "chop size");
        if (!n) return n.error();
        s.chop = *n;
    }
    if (j.contains("pieces")) {
        if (auto r = parse_pieces(j, w, s); !r) return r.error();
    } else if (j.contains("between")) {
        return w.at("between").error("\"between\" needs \"pieces\"");
    }
    if (j.contains("repeat")) {
        auto n = get_unsigned(j["repeat"], w.at("repeat"), 10'000'000);
        if (!n || *n == 0) return w.at("repeat").error("expected a count from 1 to 10000000");
        if (!s.pieces.empty()) return w.at("repeat").error("a repeated send cannot have pieces");
        s.repeat = static_cast<std::uint32_t>(*n);
    }
    if (j.contains("within")) {
        if (!s.repeat) return w.at("within").error("\"within\" bounds a \"repeat\"");
        auto d = get_number(j["within"], w.at("within"), 0.001, 3600);
        if (!d) return d.error();
        s.within = *d;
    }
    if (j.contains("slide")) {
        auto b = get_bool(j["slide"], w.at("slide"));
        if (!b) return b.error();
        if (*b && !s.repeat) return w.at("slide").error("\"slide\" moves a \"repeat\" along");
        if (*b && s.frame.data.kind() != payload::form::corpus)
            return w.at("slide").error("\"slide\" needs a {\"corpus\": ...} payload");
        s.slide = *b;
    }
    if (j.contains("grow")) {
        auto n = get_unsigned(j["grow"], w.at("grow"), 16);
        if (!n || *n < 2) return w.at("grow").error("expected a factor from 2 to 16");
        if (!s.repeat) return w.at("grow").error("\"grow\" enlarges the messages of a \"repeat\"");
        if (s.slide) return w.at("grow").error("a repeat either slides or grows, not both");
        if (s.frame.data.kind() != payload::form::pattern || s.frame.data.empty())
            return w.at("grow").error("\"grow\" needs a {\"pattern\": ..., \"size\": N} payload");
        s.grow = static_cast<std::uint32_t>(*n);
        std::uint64_t size = s.frame.data.size();
        for (std::uint32_t i = 1; i < s.repeat; ++i)
            if ((size *= s.grow) > (std::uint64_t{1} << 30))
                return w.at("grow").error(
                    "the last round trip's message would pass 1 GiB (size x grow^(repeat-1))");
    }
    return s;
}

result<step_def> parse_close_step(const json& c, const where& w) {
    step_def s;
    s.type = step_def::kind::close;
    if (!c.is_object()) return w.error("expected {\"close\": {\"code\": N, \"reason\": \"...\"}}");
    if (auto r = check_fields(c, object_kind::close_step, w); !r) return r.error();
    if (c.contains("payload") && (c.contains("code") || c.contains("reason")))
        return w.at("payload").error("a raw close payload replaces \"code\" and \"reason\"");
    if (c.contains("code")) {
        auto n = get_unsigned(c["code"], w.at("code"), 65535);
        if (!n) return n.error();
        s.close_code = static_cast<std::uint16_t>(*n);
    }
    if (c.contains("reason")) {
        if (!s.close_code) return w.at("reason").error("a close reason needs a \"code\"");
        auto r = get_string(c["reason"], w.at("reason"));
        if (!r) return r.error();
        s.close_reason = *r;
    }
    if (c.contains("payload")) {
        auto p = get_payload(c["payload"], w.at("payload"));
        if (!p) return p.error();
        s.close_payload = std::move(*p);
    }
    return s;
}

result<step_def> parse_step(const json& j, const where& w) {
    if (!j.is_object()) return w.error("expected a step object");
    if (j.contains("send")) return parse_send(j, w);
    if (j.contains("close")) {
        if (j.size() != 1) return w.error("a close step has only \"close\"");
        return parse_close_step(j["close"], w.at("close"));
    }
    if (j.contains("wait")) {
        auto wd = parse_wait(j, w);
        if (!wd) return wd.error();
        step_def s;
        s.type = step_def::kind::wait;
        s.wait = std::move(*wd);
        return s;
    }
    if (j.contains("raw")) {
        if (j.size() != 1) return w.error("a raw step has only \"raw\"");
        auto p = get_payload(j["raw"], w.at("raw"));
        if (!p) return p.error();
        step_def s;
        s.type = step_def::kind::raw;
        s.raw = std::move(*p);
        return s;
    }
    return w.error("unknown step " + j.dump() + " (expected send, raw, close or wait)");
}

} // namespace

result<wait_def> parse_wait(const json& j, const where& w) {
    if (!j.is_object() || !j.contains("wait")) return w.error("expected a wait step {\"wait\": S}");
    if (auto r = check_fields(j, object_kind::wait_step, w); !r) return r.error();
    wait_def d;
    const json& v = j["wait"];
    if (v.is_string() && v.get<std::string>() == "settle") {
        d.settle = true;
    } else {
        auto s = get_number(v, w.at("wait"), 0, 3600);
        if (!s) return w.at("wait").error("expected seconds from 0 to 3600 or \"settle\"");
        d.seconds = *s;
    }
    if (j.contains("record")) {
        auto t = get_string(j["record"], w.at("record"));
        if (!t) return t.error();
        d.record = *t;
    }
    if (j.contains("until")) {
        if (j["until"] != "pong") return w.at("until").error("expected \"pong\"");
        d.until_pong = true;
    }
    return d;
}

result<frame_def> parse_frame(const json& j, const where& w) {
    if (!j.is_object()) return w.error("expected a frame object");
    if (auto r = check_fields(j, object_kind::frame, w); !r) return r.error();
    frame_def f;
    if (!j.contains("opcode")) return w.error("missing field 'opcode'");
    auto op = parse_opcode_field(j["opcode"], w.at("opcode"));
    if (!op) return op.error();
    f.opcode = *op;
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
        auto p = get_payload(j["payload"], w.at("payload"));
        if (!p) return p.error();
        f.data = std::move(*p);
    }
    if (j.contains("mask"))
        if (auto r = parse_mask(j["mask"], w.at("mask"), f); !r) return r.error();
    if (j.contains("length")) {
        auto l = parse_length(j["length"], w.at("length"));
        if (!l) return l.error();
        f.encoding = *l;
    }
    if (j.contains("declared_length")) {
        auto n = get_unsigned(j["declared_length"], w.at("declared_length"), UINT64_MAX);
        if (!n) return n.error();
        f.declared_length = *n;
    }
    if (j.contains("compressed")) {
        auto b = get_bool(j["compressed"], w.at("compressed"));
        if (!b) return b.error();
        f.compressed = *b;
    }
    return f;
}

result<std::vector<step_def>> parse_steps(const json& j, const where& w) {
    if (!j.is_array()) return w.error("expected a list of steps");
    std::vector<step_def> steps;
    for (std::size_t i = 0; i < j.size(); ++i) {
        auto s = parse_step(j[i], w.at(i));
        if (!s) return s.error();
        steps.push_back(std::move(*s));
    }
    return steps;
}

} // namespace wsspec::catalog::detail
