// judge() driven by hand-made observations: every behavior and behaviorClose rule of Autobahn's
// Case.onConnectionLost (autobahn-catalog.md §1.0), and wsspec's additions (HTTP events, close
// reason and empty close, size + digest, UNIMPLEMENTED, named violations).
#include <gtest/gtest.h>

#include "harness/engine/verdict.hpp"

namespace wsspec::engine {
namespace {

using catalog::case_def;
using catalog::close_expectation;
using catalog::event;
using catalog::event_list;
using catalog::payload;
using report::verdict;
using endpoint = close_expectation::endpoint;
using empty_close = close_expectation::empty_close;

payload text(std::string_view s) {
    return payload(catalog::bytes(s.begin(), s.end()));
}

event message(std::string_view s) {
    return {event::kind::text, text(s), {}};
}
event pong(std::string_view s) {
    return {event::kind::pong, text(s), {}};
}
event marker(std::string tag) {
    return {event::kind::timeout, {}, std::move(tag)};
}

// An echo case: expects [message "Hello"], the harness closes with 1000, cleanly.
case_def echo_case() {
    case_def c;
    c.id = "t.1";
    c.expect = {{verdict::ok, {{message("Hello")}}}};
    return c;
}

// A must-fail case: expects nothing, the peer fails the connection with 1002.
case_def fail_case(std::vector<std::uint16_t> codes = {1002}) {
    case_def c;
    c.id = "t.2";
    c.expect = {{verdict::ok, {{}}}};
    c.close = {endpoint::peer, std::move(codes), false};
    return c;
}

// The harness closed first, the server answered and closed TCP in time.
observation clean_close_by_harness(event_list received, std::uint16_t code = 1000) {
    observation o;
    o.connected = o.upgraded = true;
    o.received = std::move(received);
    o.closed_by_me = true;
    o.was_clean = true;
    o.close_received = true;
    o.remote_close_code = code;
    return o;
}

// The server failed the connection with `code` (none: an empty close) and closed TCP.
observation failed_by_peer(std::optional<std::uint16_t> code) {
    observation o;
    o.connected = o.upgraded = true;
    o.close_received = true;
    o.remote_close_code = code;
    o.was_clean = true;
    return o;
}

TEST(Verdict, EchoedAndClosedCleanlyIsOkOk) {
    auto j = judge(echo_case(), clean_close_by_harness({message("Hello")}));
    EXPECT_EQ(j.behavior, verdict::ok);
    EXPECT_EQ(j.behavior_close, verdict::ok);
    EXPECT_EQ(j.reason, "");
}

TEST(Verdict, WrongEventsFailAndTheReasonSaysWhatCame) {
    auto j = judge(echo_case(), clean_close_by_harness({message("Hallo")}));
    EXPECT_EQ(j.behavior, verdict::failed);
    EXPECT_EQ(j.behavior_close, verdict::ok);
    EXPECT_NE(j.reason.find("expected OK [message text 5 B \"Hello\"]"), std::string::npos)
        << j.reason;
    EXPECT_NE(j.reason.find("received [message text 5 B \"Hallo\"]"), std::string::npos);
}

TEST(Verdict, EveryReasonNotOkNamesTheRuleTheCaseTests) {
    auto c = echo_case();
    c.rfc = "5.6";
    c.quote = std::string("Data frames carry application-layer data. ") + std::string(200, 'x');
    auto j = judge(c, clean_close_by_harness({message("Hallo")}));
    EXPECT_NE(j.reason.find("(case t.1 tests RFC 6455 §5.6: \"Data frames carry "),
              std::string::npos)
        << j.reason;
    EXPECT_NE(j.reason.find(" …\")"), std::string::npos) << "a long quote is cut: " << j.reason;
    // A close verdict alone (behavior OK) names it too.
    auto f = fail_case();
    f.rfc = "7.4.1";
    f.quote = "1002 indicates that an endpoint is terminating the connection due to a protocol "
              "error.";
    observation o;
    o.upgraded = true;
    o.close_received = true;
    o.was_clean = true;
    o.remote_close_code = 1000;
    auto w = judge(f, o);
    EXPECT_EQ(w.behavior_close, verdict::wrong_code);
    EXPECT_NE(w.reason.find("RFC 6455 §7.4.1: \"1002 indicates"), std::string::npos) << w.reason;
    // OK is OK: no reason, no rule.
    EXPECT_EQ(judge(c, clean_close_by_harness({message("Hello")})).reason, "");
}

TEST(Verdict, ExtraMissingOrReorderedEventsFail) {
    auto c = echo_case();
    EXPECT_EQ(judge(c, clean_close_by_harness({})).behavior, verdict::failed);
    EXPECT_EQ(judge(c, clean_close_by_harness({message("Hello"), pong("")})).behavior,
              verdict::failed);
    c.expect = {{verdict::ok, {{message("a"), pong("b")}}}};
    EXPECT_EQ(judge(c, clean_close_by_harness({pong("b"), message("a")})).behavior,
              verdict::failed);
    c.pongs_apart = true;
    EXPECT_EQ(judge(c, clean_close_by_harness({pong("b"), message("a")})).behavior, verdict::ok)
        << "pongs_apart: a pong may overtake an echo";
}

TEST(Verdict, NonStrictAndInformationalLevelsWhenOnlyTheyMatch) {
    auto c = echo_case();
    c.expect.push_back({verdict::non_strict, {{}}});
    auto j = judge(c, clean_close_by_harness({}));
    EXPECT_EQ(j.behavior, verdict::non_strict);
    EXPECT_NE(j.reason.find("only NON-STRICT"), std::string::npos) << j.reason;
    c.expect[1].level = verdict::informational;
    EXPECT_EQ(judge(c, clean_close_by_harness({})).behavior, verdict::informational);
    // OK is judged first even when both match.
    c.expect.insert(c.expect.begin(), {verdict::ok, {{}}});
    EXPECT_EQ(judge(c, clean_close_by_harness({})).behavior, verdict::ok);
}

TEST(Verdict, FailMarkersOfTheFailFastCases) {
    // 6.4.x: OK [timeout A], NON-STRICT [timeout A, timeout B].
    auto c = fail_case({1007});
    c.expect = {{verdict::ok, {{marker("A")}}},
                {verdict::non_strict, {{marker("A"), marker("B")}}}};
    auto o = failed_by_peer(1007);
    o.received = {marker("A")};
    EXPECT_EQ(judge(c, o).behavior, verdict::ok);
    o.received = {marker("A"), marker("B")};
    EXPECT_EQ(judge(c, o).behavior, verdict::non_strict);
    o.received = {};
    EXPECT_EQ(judge(c, o).behavior, verdict::failed) << "failed on the valid first chunk";
}

TEST(Verdict, HandshakeNeverCompletedIsFailedFailed) {
    observation o;
    o.connected = true;
    o.handshake_error = "unexpected_status (RFC 6455 §4.1): 404";
    auto j = judge(echo_case(), o);
    EXPECT_EQ(j.behavior, verdict::failed);
    EXPECT_EQ(j.behavior_close, verdict::failed);
    EXPECT_EQ(j.reason,
              "the WebSocket opening handshake was never completed: " + o.handshake_error);
}

TEST(Verdict, InformationalCasesAreInformationalWhateverHappens) {
    auto c = echo_case();
    c.informational = true;
    auto o = clean_close_by_harness({pong("x")}, 4000);
    o.was_clean = false;
    auto j = judge(c, o);
    EXPECT_EQ(j.behavior, verdict::informational);
    EXPECT_EQ(j.behavior_close, verdict::informational);
}

TEST(Verdict, CloseByTheWrongEndpointIsFailed) {
    auto o = failed_by_peer(1000);
    auto j = judge(echo_case(), o);
    EXPECT_EQ(j.behavior_close, verdict::failed);
    EXPECT_NE(j.reason.find("the harness was to close it"), std::string::npos) << j.reason;

    auto c = fail_case();
    auto harness_closed = clean_close_by_harness({}, 1001);
    j = judge(c, harness_closed);
    EXPECT_EQ(j.behavior, verdict::ok) << "Autobahn: only behaviorClose fails (2.5, 4.1.1, 5.1)";
    EXPECT_EQ(j.behavior_close, verdict::failed);
    c.wrong_endpoint_fatal = true; // the UTF-8 cases
    EXPECT_EQ(judge(c, harness_closed).behavior, verdict::failed);
}

TEST(Verdict, UncleanWhenTheClosingHandshakeDidNotComplete) {
    auto o = clean_close_by_harness({message("Hello")});
    o.was_clean = false;
    o.not_clean_reason = "the peer did not answer the close frame within 1000 ms";
    auto j = judge(echo_case(), o);
    EXPECT_EQ(j.behavior_close, verdict::unclean);
    EXPECT_NE(j.reason.find("within 1000 ms"), std::string::npos);
    auto c = echo_case();
    c.close.clean = false;
    EXPECT_EQ(judge(c, o).behavior_close, verdict::ok);
}

TEST(Verdict, WrongCodeUnlessItIsListedOrEmpty) {
    auto c = fail_case();
    EXPECT_EQ(judge(c, failed_by_peer(1002)).behavior_close, verdict::ok);
    auto j = judge(c, failed_by_peer(1000));
    EXPECT_EQ(j.behavior, verdict::ok) << "a wrong code alone leaves behavior OK";
    EXPECT_EQ(j.behavior_close, verdict::wrong_code);
    EXPECT_NE(j.reason.find("should have been 1002 or empty, was 1000"), std::string::npos)
        << j.reason;
    EXPECT_EQ(judge(c, failed_by_peer(std::nullopt)).behavior_close, verdict::ok)
        << "an empty close is always acceptable to Autobahn";
    observation dropped;
    dropped.connected = dropped.upgraded = true;
    EXPECT_EQ(judge(c, dropped).behavior_close, verdict::ok) << "a bare TCP drop too";
    c.close_failure_fatal = true; // category 7
    j = judge(c, failed_by_peer(1000));
    EXPECT_EQ(j.behavior, verdict::failed);
    EXPECT_EQ(j.behavior_close, verdict::wrong_code);
}

TEST(Verdict, EmptyCloseForbiddenOrRequired) {
    auto c = fail_case();
    c.close.empty = empty_close::forbidden;
    auto j = judge(c, failed_by_peer(std::nullopt));
    EXPECT_EQ(j.behavior_close, verdict::wrong_code);
    EXPECT_NE(j.reason.find("the close frame was empty"), std::string::npos) << j.reason;
    EXPECT_EQ(judge(c, failed_by_peer(1002)).behavior_close, verdict::ok);
    c.close.empty = empty_close::required;
    EXPECT_EQ(judge(c, failed_by_peer(std::nullopt)).behavior_close, verdict::ok);
    j = judge(c, failed_by_peer(1002));
    EXPECT_EQ(j.behavior_close, verdict::wrong_code);
    EXPECT_NE(j.reason.find("should have been empty, was 1002"), std::string::npos);
}

TEST(Verdict, CloseReasonMustMatchWhenTheCaseSaysSo) {
    auto c = fail_case();
    c.close.reason = "bye";
    auto o = failed_by_peer(1002);
    o.remote_close_reason = "bye";
    EXPECT_EQ(judge(c, o).behavior_close, verdict::ok);
    o.remote_close_reason = "later";
    auto j = judge(c, o);
    EXPECT_EQ(j.behavior_close, verdict::failed);
    EXPECT_NE(j.reason.find("should have been \"bye\", was \"later\""), std::string::npos);
}

TEST(Verdict, HarnessDroppingTcpIsFailedByClientOnlyAsTheClient) {
    auto c = fail_case();
    auto o = failed_by_peer(1002);
    o.dropped_by_me = true; // the server sent its close but left TCP open
    auto j = judge(c, o);
    EXPECT_EQ(j.behavior_close, verdict::failed_by_client);
    EXPECT_NE(j.reason.find("§7.1.1"), std::string::npos);
    o.peer = catalog::peer_role::client; // wsspec is the server: closing TCP is its job
    EXPECT_EQ(judge(c, o).behavior_close, verdict::ok);
}

TEST(Verdict, ViolationFailsBehaviorAndNamesTheRule) {
    auto o = clean_close_by_harness({message("Hello")});
    o.violation = report::violation{"masked_server_frame", "5.1", "a server frame was masked", 7};
    auto j = judge(echo_case(), o);
    EXPECT_EQ(j.behavior, verdict::failed);
    EXPECT_EQ(j.reason, "the server broke RFC 6455 §5.1: a server frame was masked "
                        "(masked_server_frame, at byte 7 of its stream)");
    o.peer = catalog::peer_role::client;
    EXPECT_EQ(judge(echo_case(), o).reason.rfind("the client broke RFC 6455 §5.1", 0), 0u);
}

TEST(Verdict, DeclinedRequiredExtensionIsUnimplemented) {
    auto c = echo_case();
    c.extensions = {"permessage-deflate", "permessage-deflate"};
    auto o = clean_close_by_harness({});
    o.unimplemented = true;
    auto j = judge(c, o);
    EXPECT_EQ(j.behavior, verdict::unimplemented);
    EXPECT_EQ(j.behavior_close, verdict::ok);
    EXPECT_NE(j.reason.find("declined the extension the case requires (permessage-deflate)"),
              std::string::npos)
        << j.reason;
}

// A declined extension ends the case at once with the harness's close, whatever the case
// expected of the peer (a pmd case that wants the server to fail the connection): the close is
// judged as the harness's, and UNIMPLEMENTED is not a failure of the run.
TEST(Verdict, DeclinedExtensionIsJudgedAsTheHarnessCloseAndDoesNotFailTheRun) {
    auto c = echo_case();
    c.extensions = {"permessage-deflate", "permessage-deflate"};
    c.close.by = catalog::close_expectation::endpoint::peer;
    c.close.codes = {1002};
    c.close.clean = false;
    auto o = clean_close_by_harness({});
    o.unimplemented = true;
    auto j = judge(c, o);
    EXPECT_EQ(j.behavior, verdict::unimplemented);
    EXPECT_EQ(j.behavior_close, verdict::ok) << j.reason;
    report::case_result r;
    r.behavior = j.behavior;
    r.behavior_close = j.behavior_close;
    EXPECT_TRUE(report::passed(r, true));
}

// A handshake case: expects a 426 naming version 13, and no connection.
case_def refusal_case() {
    case_def c;
    c.id = "hs.1";
    event e;
    e.type = event::kind::http_response;
    e.http.status = 426;
    e.http.fields = {{"Sec-WebSocket-Version", "13", false}};
    c.expect = {{verdict::ok, {{e}}}};
    c.close.by = endpoint::none;
    return c;
}

event response(std::uint16_t status, std::vector<catalog::field_expectation> fields) {
    event e;
    e.type = event::kind::http_response;
    e.http.status = status;
    e.http.fields = std::move(fields);
    return e;
}

TEST(Verdict, HttpResponseEventsJudgeARefusal) {
    observation o;
    o.connected = true;
    o.handshake_error = "unexpected_status: 426";
    o.received = {response(426, {{"Sec-WebSocket-Version", "13, 8", true}})};
    auto j = judge(refusal_case(), o);
    EXPECT_EQ(j.behavior, verdict::ok) << j.reason;
    EXPECT_EQ(j.behavior_close, verdict::ok) << "a refused handshake is what `by: none` wants";

    o.received = {response(426, {{"sec-websocket-VERSION", "8", true}})};
    EXPECT_EQ(judge(refusal_case(), o).behavior, verdict::failed) << "13 is not in the list";
    o.received = {response(400, {{"Sec-WebSocket-Version", "13", true}})};
    EXPECT_EQ(judge(refusal_case(), o).behavior, verdict::failed);
}

TEST(Verdict, AnUpgradeWhereARefusalIsDueFailsBothVerdicts) {
    auto o = clean_close_by_harness({response(101, {{"Upgrade", "websocket", true}})});
    auto j = judge(refusal_case(), o);
    EXPECT_EQ(j.behavior, verdict::failed);
    EXPECT_EQ(j.behavior_close, verdict::failed);
    EXPECT_NE(j.reason.find("it had to refuse it"), std::string::npos) << j.reason;
}

// A case that wants a connection (the harness is to close it) fails both verdicts on a refusal
// it does not list; a refusal it lists at some level (pmd.offer.*: NON-STRICT for 400) is judged
// by that level alone, since a connection never opened has no closing handshake to judge.
TEST(Verdict, ARefusalWhereAConnectionIsDueFailsTheCloseUnlessTheCaseListsIt) {
    case_def c;
    c.id = "hs.2";
    c.expect = {{verdict::ok, {{response(101, {})}}}};
    observation o;
    o.connected = true;
    o.handshake_error = "unexpected_status: 400";
    o.received = {response(400, {})};
    auto j = judge(c, o);
    EXPECT_EQ(j.behavior, verdict::failed);
    EXPECT_EQ(j.behavior_close, verdict::failed);
    EXPECT_NE(j.reason.find("no WebSocket connection was opened"), std::string::npos);

    c.expect.push_back({verdict::non_strict, {{response(400, {})}}});
    j = judge(c, o);
    EXPECT_EQ(j.behavior, verdict::non_strict) << j.reason;
    EXPECT_EQ(j.behavior_close, verdict::ok) << j.reason;
}

// hs.refuse.*: any 4xx is OK, another class NON-STRICT, a close without an answer (no event)
// NON-STRICT, silence until the timeout ({"timeout": "handshake"}) and a 101 FAILED.
TEST(Verdict, StatusClassesAndTheHandshakeTimeoutMarker) {
    auto of_class = [](std::uint8_t c) {
        event e;
        e.type = event::kind::http_response;
        e.http.status_class = c;
        return e;
    };
    case_def c;
    c.id = "hs.refuse.1";
    c.expect = {{verdict::ok, {{of_class(4)}}}, {verdict::non_strict, {{of_class(5)}, {}}}};
    c.close.by = endpoint::none;
    observation o;
    o.connected = true;
    o.handshake_error = "refused";
    for (std::uint16_t status : {400, 404, 426, 431, 499}) {
        o.received = {response(status, {})};
        EXPECT_EQ(judge(c, o).behavior, verdict::ok) << status;
        EXPECT_EQ(judge(c, o).behavior_close, verdict::ok) << status;
    }
    o.received = {response(503, {})};
    EXPECT_EQ(judge(c, o).behavior, verdict::non_strict);
    o.received = {response(399, {})};
    EXPECT_EQ(judge(c, o).behavior, verdict::failed) << "3xx is not listed";
    o.received = {};
    EXPECT_EQ(judge(c, o).behavior, verdict::non_strict) << "closed without an answer";
    o.received = {marker("handshake")};
    EXPECT_EQ(judge(c, o).behavior, verdict::failed) << "never answered";
    EXPECT_EQ(judge(c, o).behavior_close, verdict::ok) << "no connection, no closing handshake";
    EXPECT_EQ(catalog::describe(event_list{of_class(4)}), "[HTTP response 4xx]");
}

// A 101 a refusal case lists below OK (a server that speaks another version too) is closed by
// the harness at once, and that closing handshake is judged, not "had to refuse it".
TEST(Verdict, AnUpgradeARefusalCaseListsIsJudgedAsTheHarnessClose) {
    case_def c = refusal_case();
    c.expect.push_back({verdict::informational, {{response(101, {})}}});
    auto o = clean_close_by_harness({response(101, {{"Upgrade", "websocket", true}})});
    auto j = judge(c, o);
    EXPECT_EQ(j.behavior, verdict::informational) << j.reason;
    EXPECT_EQ(j.behavior_close, verdict::ok) << j.reason;
}

// limits.fragments.1: the peer may refuse 100 000 fragments with 1009 (INFORMATIONAL) in a case
// the harness is to close; its close is judged as the peer's. The peer's close *reply* to the
// harness's close need not be listed by an outcome that does not end in a close.
TEST(Verdict, APeerCloseAnOutcomeForeseesAndTheCloseReply) {
    event close_1009;
    close_1009.type = event::kind::close;
    close_1009.code = 1009;
    case_def c = echo_case();
    c.expect.push_back({verdict::informational, {{close_1009}}});
    auto o = failed_by_peer(1009);
    o.received = {close_1009};
    auto j = judge(c, o);
    EXPECT_EQ(j.behavior, verdict::informational) << j.reason;
    EXPECT_EQ(j.behavior_close, verdict::ok) << j.reason;

    event reply;
    reply.type = event::kind::close;
    reply.code = 1000;
    j = judge(c, clean_close_by_harness({message("Hello"), reply}));
    EXPECT_EQ(j.behavior, verdict::ok) << "the reply to the harness's close is not an outcome's";
    EXPECT_EQ(j.behavior_close, verdict::ok) << j.reason;
    auto not_mine = failed_by_peer(1000);
    not_mine.received = {message("Hello"), reply};
    EXPECT_EQ(judge(c, not_mine).behavior, verdict::failed)
        << "a close the peer started is an event every outcome must list";
}

TEST(Verdict, AbsentFieldsAndRequestMethods) {
    event want;
    want.type = event::kind::http_request;
    want.http.method = "GET";
    want.http.absent = {"Sec-WebSocket-Protocol"};
    event got;
    got.type = event::kind::http_request;
    got.http.method = "GET";
    got.http.fields = {{"Host", "x", true}};
    EXPECT_TRUE(catalog::event_matches(want, got));
    got.http.fields.push_back({"sec-websocket-protocol", "chat", true});
    EXPECT_FALSE(catalog::event_matches(want, got));
    got.http.fields.pop_back();
    got.http.method = "POST";
    EXPECT_FALSE(catalog::event_matches(want, got));
}

TEST(Verdict, CloseEventsInsideTheExpectedSequence) {
    event want;
    want.type = event::kind::close;
    want.code = 1000;
    event got = want;
    got.data = text("whatever");
    EXPECT_TRUE(catalog::event_matches(want, got)) << "no reason expected: any reason";
    want.reason_checked = true;
    want.data = text("bye");
    EXPECT_FALSE(catalog::event_matches(want, got));
    got.data = text("bye");
    EXPECT_TRUE(catalog::event_matches(want, got));
    got.code.reset();
    EXPECT_FALSE(catalog::event_matches(want, got)) << "an empty close is not a 1000";
}

TEST(Verdict, LargeEchoesCompareBySizeAndDigest) {
    auto want = payload::pattern({'B', 'A', 's', 'd'}, 1 << 20);
    catalog::payload_sink sink;
    auto bytes = want.materialize();
    for (std::size_t at = 0; at < bytes.size(); at += 1500)
        sink.append(std::span(bytes).subspan(at, std::min<std::size_t>(1500, bytes.size() - at)));
    auto got = sink.finish();
    EXPECT_EQ(got.kind(), payload::form::digest) << "1 MiB is not kept whole";
    EXPECT_EQ(got.size(), 1u << 20);
    EXPECT_TRUE(want.matches(got));
    bytes[777777] ^= 1;
    sink.append(bytes);
    auto flipped = sink.finish();
    EXPECT_FALSE(want.matches(flipped)) << "one bit differs";
    EXPECT_TRUE(payload::any(1 << 20).matches(flipped)) << "{size: N} is any content";
    EXPECT_FALSE(payload::any(1 << 19).matches(flipped));

    auto c = echo_case();
    c.expect = {{verdict::ok, {{{event::kind::binary, want, {}}}}}};
    auto j = judge(c, clean_close_by_harness({{event::kind::binary, flipped, {}}}));
    EXPECT_EQ(j.behavior, verdict::failed);
    EXPECT_NE(j.reason.find("1048576 B"), std::string::npos) << j.reason;
}

// With the expected payload given, a large echo is compared as it streams in (no digest):
// equal, or wrong from a named byte on, which the reason reports (Autobahn checks only the
// length).
TEST(Verdict, LargeEchoesCompareAsTheyStreamAndNameTheFirstWrongByte) {
    auto want = payload::pattern({0x00, 0xfe, 0x23, 0xfa, 0xf0}, 3 << 20);
    auto bytes = want.materialize();
    auto stream = [&](const std::vector<std::uint8_t>& b) {
        catalog::payload_sink sink;
        sink.expect(std::make_shared<const payload>(want));
        for (std::size_t at = 0; at < b.size(); at += 65536)
            sink.append(std::span(b).subspan(at, std::min<std::size_t>(65536, b.size() - at)));
        return sink.finish();
    };
    auto same = stream(bytes);
    EXPECT_EQ(same.kind(), payload::form::compared);
    EXPECT_FALSE(same.first_difference().has_value());
    EXPECT_TRUE(want.matches(same));
    EXPECT_EQ(same.sha1(), want.sha1()) << "equal to its reference: the reference's digest";

    bytes[2000001] ^= 0x20;
    bytes[2000002] ^= 0x20; // only the first difference is named
    auto wrong = stream(bytes);
    ASSERT_TRUE(wrong.first_difference().has_value());
    EXPECT_EQ(wrong.first_difference()->offset, 2000001u);
    EXPECT_EQ(wrong.first_difference()->received, bytes[2000001]);
    EXPECT_FALSE(want.matches(wrong));
    EXPECT_TRUE(payload::any(3 << 20).matches(wrong));

    auto c = echo_case();
    c.expect = {{verdict::ok, {{{event::kind::binary, want, {}}}}}};
    auto j = judge(c, clean_close_by_harness({{event::kind::binary, wrong, {}}}));
    EXPECT_EQ(j.behavior, verdict::failed);
    EXPECT_NE(j.reason.find("message 1 differs from the expected at byte 2000001"),
              std::string::npos)
        << j.reason;
    EXPECT_EQ(j.behavior_close, verdict::ok);
}

TEST(Verdict, SmallEchoesNameTheFirstWrongByteToo) {
    auto c = echo_case();
    c.expect = {{verdict::ok, {{{event::kind::text, text("Hello, world"), {}}}}}};
    auto j = judge(c, clean_close_by_harness({{event::kind::text, text("Hello, World"), {}}}));
    EXPECT_EQ(j.behavior, verdict::failed);
    EXPECT_NE(j.reason.find("at byte 7 (expected 0x77, received 0x57)"), std::string::npos)
        << j.reason;
}

TEST(Verdict, RepeatSummaryEvent) {
    auto c = echo_case();
    event echoes;
    echoes.type = event::kind::echoes;
    echoes.count = 1000;
    c.expect = {{verdict::ok, {{echoes}}}};
    EXPECT_EQ(judge(c, clean_close_by_harness({echoes})).behavior, verdict::ok);
    auto o = clean_close_by_harness({message("not the echo")});
    EXPECT_EQ(judge(c, o).behavior, verdict::failed);
}

} // namespace
} // namespace wsspec::engine

namespace wsspec::engine {
namespace {

// length.minimal.*: failing the connection is OK; reading the frame and carrying on is
// NON-STRICT, and then the harness ends the connection at the case timer (1001): that closing
// handshake is judged, not the failure the peer never made.
TEST(Verdict, APeerThatCarriesOnAtANonStrictOutcomeIsJudgedOnTheHarnessClose) {
    case_def c;
    c.id = "length.minimal.1";
    c.expect = {{verdict::ok, {{}}}, {verdict::non_strict, {{message("Hello")}}}};
    c.close = {endpoint::peer, {1002}, false};
    auto o = clean_close_by_harness({message("Hello")}, 1001);
    o.local_close_code = 1001;
    auto j = judge(c, o);
    EXPECT_EQ(j.behavior, verdict::non_strict) << j.reason;
    EXPECT_EQ(j.behavior_close, verdict::ok) << j.reason;
    o.was_clean = false;
    o.not_clean_reason = "the peer never closed TCP";
    EXPECT_EQ(judge(c, o).behavior_close, verdict::unclean);
    // Failing it is still judged as a failure by the peer.
    observation failed;
    failed.connected = failed.upgraded = true;
    failed.close_received = true;
    failed.remote_close_code = 1002;
    j = judge(c, failed);
    EXPECT_EQ(j.behavior, verdict::ok) << j.reason;
    EXPECT_EQ(j.behavior_close, verdict::ok) << j.reason;
}

// client_checks: a client whose events are right but which broke one of them is NON-STRICT,
// with the rule; a case without the check, or a client within it, stays OK.
TEST(Verdict, ClientChecksMakeAnOkBehaviorNonStrict) {
    auto c = echo_case();
    c.roles = {catalog::peer_role::client};
    auto o = clean_close_by_harness({message("Hello")});
    o.peer = catalog::peer_role::client;
    o.masked_frames = 3;
    o.first_key = mask_key{1, 2, 3, 4};
    o.one_key = true;
    EXPECT_EQ(judge(c, o).behavior, verdict::ok); // no check asked for
    c.client_checks.fresh_masking_keys = true;
    auto j = judge(c, o);
    EXPECT_EQ(j.behavior, verdict::non_strict);
    EXPECT_NE(j.reason.find("masked all of its 3 frames with one key (RFC 6455 §5.3"),
              std::string::npos)
        << j.reason;
    o.one_key = false;
    o.zero_key_frames = 1;
    j = judge(c, o);
    EXPECT_EQ(j.behavior, verdict::non_strict);
    EXPECT_NE(j.reason.find("1 of its 3 frames with the all-zero key"), std::string::npos);
    o.zero_key_frames = 0;
    EXPECT_EQ(judge(c, o).behavior, verdict::ok);
    o.masked_frames = 1; // one frame, one key: nothing to tell
    o.one_key = true;
    EXPECT_EQ(judge(c, o).behavior, verdict::ok);

    c.client_checks = {};
    c.client_checks.fresh_handshake_key = true;
    o.handshake_key_reused = true;
    j = judge(c, o);
    EXPECT_EQ(j.behavior, verdict::non_strict);
    EXPECT_NE(j.reason.find("§4.1"), std::string::npos);

    c.client_checks = {};
    c.client_checks.server_closes_first = true;
    o.peer_closed_first = true;
    j = judge(c, o);
    EXPECT_EQ(j.behavior, verdict::non_strict);
    EXPECT_NE(j.reason.find("§7.1.1"), std::string::npos);
    EXPECT_EQ(j.behavior_close, verdict::ok);
    // A FAILED behavior stays FAILED: the checks only refine an OK.
    o.received.clear();
    EXPECT_EQ(judge(c, o).behavior, verdict::failed);
}

} // namespace
} // namespace wsspec::engine
