#include "harness/engine/verdict.hpp"

#include <utility>

#include <fmt/format.h>

#include "codec/utf8.hpp"

namespace wsspec::engine {
namespace {

using catalog::event;
namespace v = report::verdict;

std::string preview(const catalog::bytes& p, std::size_t max) {
    std::size_t n = std::min(p.size(), max);
    std::span<const std::uint8_t> head(p.data(), n);
    std::string s;
    // Text if it is UTF-8 so far: the cut may fall inside a character.
    if (utf8_validator{}.feed(head).status != utf8_status::invalid) {
        s.assign(p.begin(), p.begin() + static_cast<std::ptrdiff_t>(n));
        s = "\"" + s + "\"";
    } else {
        s = "0x";
        for (std::size_t i = 0; i < n; ++i)
            s += fmt::format("{:02x}", p[i]);
    }
    if (n < p.size()) s += "...";
    return s;
}

std::string describe(const event& e) {
    switch (e.type) {
    case event::kind::text:
        return fmt::format("message text {} B {}", e.payload.size(), preview(e.payload, 40));
    case event::kind::binary:
        return fmt::format("message binary {} B {}", e.payload.size(), preview(e.payload, 40));
    case event::kind::pong:
        return fmt::format("pong {} B {}", e.payload.size(), preview(e.payload, 40));
    case event::kind::timeout: return "timeout " + e.tag;
    }
    return "?";
}

std::string codes_text(const std::vector<std::uint16_t>& codes) {
    std::string s;
    for (auto c : codes)
        s += (s.empty() ? "" : ",") + std::to_string(c);
    return s;
}

} // namespace

std::string describe(const catalog::event_list& events) {
    std::string s = "[";
    for (std::size_t i = 0; i < events.size(); ++i)
        s += (i ? ", " : "") + describe(events[i]);
    return s + "]";
}

nlohmann::json to_json(const catalog::event_list& events) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& e : events) {
        switch (e.type) {
        case event::kind::text: a.push_back({"message", preview(e.payload, 64), false}); break;
        case event::kind::binary: a.push_back({"message", preview(e.payload, 64), true}); break;
        case event::kind::pong: a.push_back({"pong", preview(e.payload, 64)}); break;
        case event::kind::timeout: a.push_back({"timeout", e.tag}); break;
        }
    }
    return a;
}

bool matches(const catalog::case_def& c, const catalog::event_list& expected,
             const catalog::event_list& received) {
    if (!c.pongs_apart) return expected == received;
    if (expected.size() != received.size()) return false;
    auto split = [](const catalog::event_list& l) {
        std::pair<catalog::event_list, catalog::event_list> p;
        for (const auto& e : l)
            (e.type == catalog::event::kind::pong ? p.first : p.second).push_back(e);
        return p;
    };
    return split(expected) == split(received);
}

judgement judge(const catalog::case_def& c, const observation& o) {
    judgement j{v::failed, v::failed, ""};
    if (!o.handshake_ok) {
        j.reason = "the WebSocket opening handshake was never completed: " + o.handshake_error;
        return j;
    }
    if (c.informational) return {v::informational, v::informational, ""};

    std::string behavior_reason;
    for (const auto& e : c.expect) {
        for (const auto& outcome : e.outcomes) {
            if (matches(c, outcome, o.received)) {
                j.behavior = e.level;
                break;
            }
        }
        if (j.behavior != v::failed) break;
    }
    if (j.behavior == v::failed) {
        std::string expected;
        for (const auto& e : c.expect)
            for (const auto& outcome : e.outcomes)
                expected += (expected.empty() ? "" : " or ") + e.level + " " + describe(outcome);
        behavior_reason = "expected " + expected + ", received " + describe(o.received);
    } else if (j.behavior == v::non_strict) {
        behavior_reason = "received " + describe(o.received) + ", only acceptable as NON-STRICT";
    }

    // The close verdict, in Autobahn's order.
    std::string close_reason;
    if (c.close.by_harness != o.closed_by_me) {
        j.behavior_close = v::failed;
        close_reason = c.close.by_harness
                           ? "the server closed the connection, the harness was to close it"
                           : "the server did not fail the connection; the harness had to close it";
    } else if (c.close.clean && !o.was_clean) {
        j.behavior_close = v::unclean;
        close_reason = "the closing handshake was not clean: " + o.not_clean_reason;
    } else if (o.remote_close_code && std::find(c.close.codes.begin(), c.close.codes.end(),
                                                *o.remote_close_code) == c.close.codes.end()) {
        j.behavior_close = v::wrong_code;
        close_reason = fmt::format("the close code should have been {} or empty, was {}",
                                   codes_text(c.close.codes), *o.remote_close_code);
    } else if (o.dropped_by_me) {
        j.behavior_close = v::failed_by_client;
        close_reason = "the harness had to close TCP: the server should close it (RFC 6455 §7.1.1)";
    } else {
        j.behavior_close = v::ok;
    }

    if (c.close_failure_fatal && j.behavior_close == v::wrong_code) {
        j.behavior = v::failed;
        behavior_reason = close_reason;
    }
    if (c.wrong_endpoint_fatal && c.close.by_harness != o.closed_by_me) {
        j.behavior = v::failed;
        behavior_reason = close_reason;
    }
    if (o.violation) {
        // Autobahn fails such a connection silently; we name the rule.
        j.behavior = v::failed;
        behavior_reason = fmt::format(
            "the server broke RFC 6455 §{}: {} ({}, at byte {} of its stream)",
            o.violation->section, o.violation->text, o.violation->rule, o.violation->offset);
    }
    if (!behavior_reason.empty() && !close_reason.empty())
        j.reason = behavior_reason + "; " + close_reason;
    else
        j.reason = behavior_reason.empty() ? close_reason : behavior_reason;
    return j;
}

} // namespace wsspec::engine
