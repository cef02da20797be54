#include "harness/engine/verdict.hpp"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

namespace wsspec::engine {
namespace {

using catalog::close_expectation;
using catalog::event;
using report::verdict;

bool in_order(const catalog::event_list& expected, const catalog::event_list& received) {
    return expected.size() == received.size() &&
           std::equal(expected.begin(), expected.end(), received.begin(), catalog::event_matches);
}

std::string codes_text(const std::vector<std::uint16_t>& codes) {
    std::string s;
    for (auto c : codes)
        s += (s.empty() ? "" : ",") + std::to_string(c);
    return s;
}

std::string level_text(verdict v) {
    return std::string(report::to_string(v));
}

// "message 1 differs from the expected at byte 65535 (expected 0x37, received 0x17)": for the
// first message of the same type and size whose content is wrong (Autobahn compares only the
// type and the length; wsspec compares every byte).
std::string first_wrong_byte(const catalog::event_list& expected,
                             const catalog::event_list& received) {
    std::size_t message = 0;
    for (std::size_t i = 0; i < std::min(expected.size(), received.size()); ++i) {
        const auto& want = expected[i];
        const auto& got = received[i];
        const bool is_message = want.type == event::kind::text || want.type == event::kind::binary;
        if (want.type != got.type) return "";
        if (!is_message) continue;
        ++message;
        if (catalog::event_matches(want, got)) continue;
        if (auto d = catalog::first_difference(want.data, got.data))
            return fmt::format("message {} differs from the expected at byte {} (expected "
                               "0x{:02x}, received 0x{:02x})",
                               message, d->offset, d->expected, d->received);
        return "";
    }
    return "";
}

// Does an outcome describe what was received? The peer's reply to the harness's close is
// behaviorClose's to judge: an outcome that does not end in a close need not list it (a case
// that watches for the peer's own close, limits.fragments.1, would otherwise have to).
bool describes(const catalog::case_def& c, const catalog::event_list& outcome,
               const observation& o) {
    if (outcome_matches(c, outcome, o.received)) return true;
    const auto& r = o.received;
    if (!o.closed_by_me || r.empty() || r.back().type != event::kind::close) return false;
    if (!outcome.empty() && outcome.back().type == event::kind::close) return false;
    return outcome_matches(c, outcome, catalog::event_list(r.begin(), r.end() - 1));
}

// behavior from the events: the first level with a matching outcome.
std::pair<verdict, std::string> judge_events(const catalog::case_def& c, const observation& o) {
    for (const auto& e : c.expect)
        for (const auto& outcome : e.outcomes)
            if (describes(c, outcome, o)) {
                if (e.level == verdict::ok) return {verdict::ok, ""};
                return {e.level, "received " + catalog::describe(o.received) + ", only " +
                                     level_text(e.level)};
            }
    std::string expected;
    for (const auto& e : c.expect)
        for (const auto& outcome : e.outcomes)
            expected += (expected.empty() ? "" : " or ") + level_text(e.level) + " " +
                        catalog::describe(outcome);
    std::string why = "expected " + expected + ", received " + catalog::describe(o.received);
    if (!c.expect.empty() && !c.expect.front().outcomes.empty())
        if (auto d = first_wrong_byte(c.expect.front().outcomes.front(), o.received); !d.empty())
            why += "; " + d;
    return {verdict::failed, why};
}

// The code rules of behaviorClose: Autobahn's "X or empty", and what a case may add.
std::string wrong_close(const close_expectation& want, const observation& o) {
    using empty_close = close_expectation::empty_close;
    if (!o.close_received) return "";
    if (o.remote_close_code) {
        if (want.empty == empty_close::required)
            return fmt::format("the peer's close should have been empty, was {}",
                               *o.remote_close_code);
        if (std::find(want.codes.begin(), want.codes.end(), *o.remote_close_code) ==
            want.codes.end())
            return fmt::format(
                "the close code should have been {}{}, was {}", codes_text(want.codes),
                want.empty == empty_close::allowed ? " or empty" : "", *o.remote_close_code);
    } else if (want.empty == empty_close::forbidden) {
        return fmt::format("the close code should have been {}, the close frame was empty",
                           codes_text(want.codes));
    }
    return "";
}

// behaviorClose, in Autobahn's order, for a case whose WebSocket connection opened.
std::pair<verdict, std::string> judge_close(const catalog::case_def& c, const observation& o) {
    using endpoint = close_expectation::endpoint;
    const auto& want = c.close;
    if (want.by == endpoint::none)
        return {verdict::failed, "the peer accepted the opening handshake; it had to refuse it"};
    if ((want.by == endpoint::harness) != o.closed_by_me)
        return {verdict::failed,
                want.by == endpoint::harness
                    ? "the peer closed the connection, the harness was to close it"
                    : "the peer did not fail the connection; the harness had to close it"};
    if (want.clean && !o.was_clean)
        return {verdict::unclean, "the closing handshake was not clean: " + o.not_clean_reason};
    if (auto why = wrong_close(want, o); !why.empty()) return {verdict::wrong_code, why};
    if (want.reason && o.close_received && o.remote_close_reason != *want.reason)
        return {verdict::failed, fmt::format("the close reason should have been \"{}\", was \"{}\"",
                                             *want.reason, o.remote_close_reason)};
    if (o.dropped_by_me && o.peer == catalog::peer_role::server)
        return {verdict::failed_by_client,
                "the harness had to close TCP: the server should close it (RFC 6455 §7.1.1)"};
    return {verdict::ok, ""};
}

std::string join(const std::string& a, const std::string& b) {
    if (a.empty() || b.empty()) return a.empty() ? b : a;
    return a + "; " + b;
}

// "RFC 6455 §5.5.2: "Upon receipt of a Ping frame, …"": the rule the case tests, for a reason
// that would otherwise only say what was seen. The quote is cut at a word near 160 characters.
std::string rule_of(const catalog::case_def& c) {
    if (c.rfc.empty()) return "";
    std::string rule = c.rfc.find("RFC") == std::string::npos ? "RFC 6455 §" + c.rfc : c.rfc;
    if (c.quote.empty()) return rule;
    std::string q = c.quote;
    if (q.size() > 160) {
        auto cut = q.rfind(' ', 160);
        q = q.substr(0, cut == std::string::npos ? 160 : cut) + " …";
    }
    return rule + ": \"" + q + "\"";
}

// The first client_checks rule the client broke, in words with its rule; "" when none.
std::string broken_client_check(const catalog::case_def::client_check_set& checks,
                                const observation& o) {
    if (checks.fresh_masking_keys && o.zero_key_frames)
        return fmt::format("the client masked {} of its {} frames with the all-zero key, which "
                           "puts its bytes on the wire as they are (RFC 6455 §5.3: \"The masking "
                           "key needs to be unpredictable\")",
                           o.zero_key_frames, o.masked_frames);
    if (checks.fresh_masking_keys && o.masked_frames >= 2 && o.one_key)
        return fmt::format("the client masked all of its {} frames with one key (RFC 6455 §5.3: "
                           "\"When preparing a masked frame, the client MUST pick a fresh masking "
                           "key from the set of allowed 32-bit values.\")",
                           o.masked_frames);
    if (checks.fresh_handshake_key && o.handshake_key_reused)
        return "the client sent a Sec-WebSocket-Key it had sent in an earlier opening handshake "
               "(RFC 6455 §4.1: \"The nonce MUST be selected randomly for each connection.\")";
    if (checks.server_closes_first && o.peer_closed_first)
        return "the client closed TCP after the closing handshake instead of waiting for the "
               "server to (RFC 6455 §7.1.1: \"when a client is instructed to do the same, it "
               "SHOULD wait for a TCP Close from the server.\")";
    return "";
}

} // namespace

bool outcome_matches(const catalog::case_def& c, const catalog::event_list& expected,
                     const catalog::event_list& received) {
    if (!c.pongs_apart) return in_order(expected, received);
    if (expected.size() != received.size()) return false;
    auto split = [](const catalog::event_list& l) {
        std::pair<catalog::event_list, catalog::event_list> p;
        for (const auto& e : l)
            (e.type == event::kind::pong ? p.first : p.second).push_back(e);
        return p;
    };
    auto [ep, eo] = split(expected);
    auto [rp, ro] = split(received);
    return in_order(ep, rp) && in_order(eo, ro);
}

judgement judge(const catalog::case_def& c, const observation& o) {
    const bool judges_http =
        c.observes(event::kind::http_response) || c.observes(event::kind::http_request);
    const bool opened = o.upgraded || o.answered_otherwise;
    if (!opened && !judges_http)
        return {verdict::failed, verdict::failed,
                "the WebSocket opening handshake was never completed: " + o.handshake_error};
    if (c.informational) return {verdict::informational, verdict::informational, ""};

    auto [behavior, behavior_reason] = judge_events(c, o);
    std::pair<verdict, std::string> close;
    if (opened && o.unimplemented) {
        // The extension was declined and the harness closed at once (Autobahn): the closing
        // handshake is judged as a harness close, whatever the case expected of the peer.
        catalog::case_def as_declined = c;
        as_declined.close = catalog::close_expectation{};
        close = judge_close(as_declined, o);
    } else if (opened && (behavior == verdict::non_strict || behavior == verdict::informational) &&
               c.close.by == close_expectation::endpoint::peer && o.closed_by_me) {
        // The peer tolerated what it could have refused (an outcome the case lists below OK) and
        // carried on, so the harness ended the connection at the case timer (close 1001): that
        // closing handshake is what there is to judge.
        catalog::case_def carried_on = c;
        carried_on.close = catalog::close_expectation{};
        carried_on.close.codes = {1000, 1001};
        close = judge_close(carried_on, o);
    } else if (opened && (behavior == verdict::non_strict || behavior == verdict::informational) &&
               c.close.by == close_expectation::endpoint::harness && !o.closed_by_me &&
               !o.received.empty() && o.received.back().type == event::kind::close) {
        // The peer closed as an outcome the case lists below OK says it may (a limit of its own,
        // limits.fragments.1's 1009): that close, with its code, is what there is to judge.
        catalog::case_def closed_by_peer = c;
        closed_by_peer.close = catalog::close_expectation{};
        closed_by_peer.close.by = close_expectation::endpoint::peer;
        closed_by_peer.close.clean = false;
        closed_by_peer.close.codes = {o.received.back().code.value_or(1000)};
        close = judge_close(closed_by_peer, o);
    } else if (opened && c.close.by == close_expectation::endpoint::none &&
               behavior != verdict::failed) {
        // A 101 the case lists below OK (a server that also speaks another version): the harness
        // closed at once, and that closing handshake is judged.
        catalog::case_def accepted = c;
        accepted.close = catalog::close_expectation{};
        close = judge_close(accepted, o);
    } else if (opened)
        close = judge_close(c, o);
    else if (c.close.by == close_expectation::endpoint::none ||
             (judges_http && behavior != verdict::failed))
        // Refused as a case expects (at some level): no connection, so no closing handshake.
        close = {verdict::ok, ""};
    else
        close = {verdict::failed, "no WebSocket connection was opened: " + o.handshake_error};
    auto [behavior_close, close_reason] = close;

    if (o.unimplemented) {
        behavior = verdict::unimplemented;
        behavior_reason = "the peer declined the extension the case requires (" +
                          c.extensions.require + "); it negotiated \"" + o.negotiated_extensions +
                          "\"";
    }
    if (c.close_failure_fatal && behavior_close == verdict::wrong_code) {
        behavior = verdict::failed;
        behavior_reason = close_reason;
    }
    if (c.wrong_endpoint_fatal && opened &&
        (c.close.by == close_expectation::endpoint::harness) != o.closed_by_me) {
        behavior = verdict::failed;
        behavior_reason = close_reason;
    }
    if (behavior == verdict::ok && c.client_checks.any()) {
        if (auto why = broken_client_check(c.client_checks, o); !why.empty()) {
            behavior = verdict::non_strict;
            behavior_reason = why;
        }
    }
    if (behavior != verdict::ok && !o.step_detail.empty())
        behavior_reason = join(behavior_reason, o.step_detail);
    if (!o.limit_exceeded.empty()) {
        behavior = verdict::failed;
        behavior_reason = o.limit_exceeded;
    }
    if (o.violation) {
        // Autobahn fails such a connection silently; we name the rule.
        behavior = verdict::failed;
        behavior_reason =
            fmt::format("the {} broke {} §{}: {} ({}, at byte {} of its stream)",
                        catalog::to_string(o.peer), o.violation->document, o.violation->section,
                        o.violation->text, o.violation->rule, o.violation->offset);
    }
    auto reason = join(behavior_reason, close_reason);
    // Every reason for a verdict that is not OK names the rule: the peer's own violation
    // already does; a mismatch gets the sentence of the RFC the case tests.
    const bool not_ok = (behavior != verdict::ok && behavior != verdict::unimplemented) ||
                        behavior_close != verdict::ok;
    if (not_ok && !reason.empty() && !o.violation && o.limit_exceeded.empty())
        if (auto rule = rule_of(c); !rule.empty())
            reason += " (case " + c.id + " tests " + rule + ")";
    return {behavior, behavior_close, reason};
}

} // namespace wsspec::engine
