// The case loader (harness/catalog/case_loader.hpp): every field it reads, every error it gives
// (each naming file, case and field), families, and the writer's round trip.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/catalog/case_loader.hpp"
#include "harness/catalog/case_writer.hpp"

namespace {

using nlohmann::json;
using namespace wsspec;
using namespace wsspec::catalog;

// Ids sort as Autobahn lists its cases (numeric tuples), our named groups after, part by part.
TEST(CaseIds, SortNumericallyWithNamedPartsAfterNumbers) {
    const std::vector<std::string> sorted = {
        "",         "1",    "1.1.2",  "1.1.9",   "1.1.10",  "1.2.1",       "2.1",
        "9.7.6",    "10.1", "10.1.1", "12.1.1",  "12.1.10", "13.7.18",     "99999999999999999999",
        "client.1", "hs.2", "hs.10",  "hs.10.a", "hs.a",    "hs.refuse.1", "limits.x-y.2"};
    for (std::size_t i = 0; i < sorted.size(); ++i) {
        EXPECT_FALSE(id_less(sorted[i], sorted[i])) << sorted[i];
        for (std::size_t k = i + 1; k < sorted.size(); ++k) {
            EXPECT_TRUE(id_less(sorted[i], sorted[k])) << sorted[i] << " < " << sorted[k];
            EXPECT_FALSE(id_less(sorted[k], sorted[i])) << sorted[k] << " !< " << sorted[i];
        }
    }
    // Parts equal as numbers: the text decides, so the order stays strict.
    EXPECT_TRUE(id_less("1.01", "1.1"));
    EXPECT_FALSE(id_less("1.1", "1.01"));
}

// The smallest valid case; each test changes it with a JSON merge patch (RFC 7386: objects merge,
// arrays are replaced whole, null removes a field).
const json base_case = json::parse(R"j({
  "id": "t.1", "title": "T", "rfc": "5.2", "quote": "Q",
  "steps": [{"send": {"opcode": "text", "payload": "Hi"}}],
  "expect": {"OK": [[{"message": {"text": "Hi"}}]]},
  "close": {"by": "harness", "codes": [1000], "clean": true}
})j");

json patched(const char* patch) {
    json c = base_case;
    c.merge_patch(json::parse(patch));
    return c;
}

std::string file_of(const json& case_entry) {
    return json{{"group", "t"}, {"cases", json::array({case_entry})}}.dump();
}

result<std::vector<case_def>> load(const std::string& text) {
    return load_case_file(text, "f.json");
}

// The one case a patched base case loads to; fails the test if it does not load.
case_def one(const char* patch) {
    auto r = load(file_of(patched(patch)));
    if (!r) {
        ADD_FAILURE() << r.error().message;
        return {};
    }
    EXPECT_EQ(r->size(), 1u);
    return r->empty() ? case_def{} : r->front();
}

std::string error_of(const std::string& text) {
    auto r = load(text);
    if (r) return "(loaded " + std::to_string(r->size()) + " cases)";
    EXPECT_EQ(r.error().kind, error_kind::bad_input);
    return r.error().message;
}

bytes b(std::string_view s) {
    return bytes(s.begin(), s.end());
}

// ---------------------------------------------------------------------------------------------
// Fields: what each one loads to.

TEST(CaseLoaderFields, MinimalCaseTakesTheDefaults) {
    auto c = one("{}");
    EXPECT_EQ(c.id, "t.1");
    EXPECT_EQ(c.group, "t");
    EXPECT_EQ(c.group_title, "");
    EXPECT_EQ(c.source, "f.json");
    EXPECT_EQ(c.title, "T");
    EXPECT_EQ(c.rfc, "5.2");
    EXPECT_EQ(c.quote, "Q");
    EXPECT_EQ(c.description, "");
    EXPECT_EQ(c.requirement, "");
    EXPECT_EQ(c.note, "");
    EXPECT_EQ(c.roles, std::vector<peer_role>{peer_role::server});
    EXPECT_TRUE(c.headers.empty());
    EXPECT_FALSE(c.handshake.raw);
    EXPECT_EQ(c.handshake.chop, 0u);
    EXPECT_FALSE(c.handshake.with_first_frame);
    EXPECT_FALSE(c.handshake.request.method);
    EXPECT_EQ(c.extensions.offer, "");
    EXPECT_EQ(c.timer, case_def::timer_kind::none);
    EXPECT_FALSE(c.close_failure_fatal || c.wrong_endpoint_fatal || c.suppress_close ||
                 c.pongs_apart || c.informational);
    EXPECT_TRUE(c.quirks.empty());
    ASSERT_EQ(c.steps.size(), 1u);
    const auto& s = c.steps[0];
    EXPECT_EQ(s.type, step_def::kind::send);
    EXPECT_EQ(s.fragment, 0u);
    EXPECT_FALSE(s.sync);
    EXPECT_EQ(s.chop, 0u);
    EXPECT_TRUE(s.pieces.empty());
    EXPECT_EQ(s.repeat, 0u);
    EXPECT_EQ(s.within, 60);
    EXPECT_EQ(s.frame.opcode, 0x1);
    EXPECT_TRUE(s.frame.fin);
    EXPECT_EQ(s.frame.rsv, 0);
    EXPECT_EQ(s.frame.data, payload(b("Hi")));
    EXPECT_EQ(s.frame.mask, frame_def::mask_mode::automatic);
    EXPECT_EQ(s.frame.encoding, length_encoding::minimal);
    EXPECT_FALSE(s.frame.declared_length);
    ASSERT_EQ(c.expect.size(), 1u);
    EXPECT_EQ(c.expect[0].level, report::verdict::ok);
    EXPECT_EQ(c.close.by, close_expectation::endpoint::harness);
    EXPECT_EQ(c.close.codes, std::vector<std::uint16_t>{1000});
    EXPECT_TRUE(c.close.clean);
    EXPECT_EQ(c.close.empty, close_expectation::empty_close::allowed);
    EXPECT_FALSE(c.close.reason);
}

TEST(CaseLoaderFields, FileTitleAndNote) {
    auto r = load(R"j({"group": "g", "title": "Group", "note": "a comment", "cases": []})j");
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_TRUE(r->empty());
    json f = {{"group", "g"}, {"title", "Group"}, {"cases", {base_case}}};
    r = load(f.dump());
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->at(0).group, "g");
    EXPECT_EQ(r->at(0).group_title, "Group");
}

TEST(CaseLoaderFields, Identity) {
    auto c = one(R"j({"description": "D", "requirement": "should", "note": "N"})j");
    EXPECT_EQ(c.description, "D");
    EXPECT_EQ(c.requirement, "should");
    EXPECT_EQ(c.note, "N");
    for (const char* r : {"must", "should", "may", ""})
        EXPECT_EQ(one(json({{"requirement", r}}).dump().c_str()).requirement, r);
}

TEST(CaseLoaderFields, RolesAndHeaders) {
    auto c = one(R"j({"roles": ["client", "server"],
                      "headers": ["X-A: 1", "X-B:two  ", "X-C:"]})j");
    EXPECT_EQ(c.roles, (std::vector<peer_role>{peer_role::client, peer_role::server}));
    EXPECT_TRUE(c.applies_to(peer_role::client));
    ASSERT_EQ(c.headers.size(), 3u);
    EXPECT_EQ(c.headers[0].name, "X-A");
    EXPECT_EQ(c.headers[0].value, "1");
    EXPECT_EQ(c.headers[1].value, "two");
    EXPECT_EQ(c.headers[2].name, "X-C");
    EXPECT_EQ(c.headers[2].value, "");
    EXPECT_FALSE(one(R"j({"roles": ["client"]})j").applies_to(peer_role::server));
}

TEST(CaseLoaderFields, HandshakeEdits) {
    auto c = one(R"j({"handshake": {
        "request": {"method": "POST", "target": "/x", "version": "HTTP/1.0",
                    "remove": ["Upgrade"], "replace": ["Connection: close"], "add": ["X: y"]},
        "response": {"status": 400, "reason_phrase": "Nope", "version": "HTTP/1.0"},
        "chop": 1, "with_first_frame": true}})j");
    const auto& h = c.handshake;
    EXPECT_EQ(h.request.method, "POST");
    ASSERT_TRUE(h.request.target);
    EXPECT_EQ(h.request.target->materialize(), (catalog::bytes{'/', 'x'}));
    EXPECT_EQ(h.request.version, "HTTP/1.0");
    EXPECT_FALSE(h.request.status);
    EXPECT_EQ(h.request.remove, std::vector<std::string>{"Upgrade"});
    ASSERT_EQ(h.request.replace.size(), 1u);
    EXPECT_EQ(h.request.replace[0].name, "Connection");
    EXPECT_EQ(h.request.replace[0].value, "close");
    ASSERT_EQ(h.request.add.size(), 1u);
    EXPECT_EQ(h.request.add[0].name, "X");
    EXPECT_EQ(h.request.add[0].value.materialize(), (catalog::bytes{'y'}));
    EXPECT_EQ(h.response.status, 400);
    EXPECT_EQ(h.response.reason_phrase, "Nope");
    EXPECT_EQ(h.response.version, "HTTP/1.0");
    EXPECT_FALSE(h.response.method);
    EXPECT_EQ(h.chop, 1u);
    EXPECT_TRUE(h.with_first_frame);
    EXPECT_FALSE(h.raw);
    EXPECT_EQ(h.interval, 0);
    EXPECT_FALSE(h.within);
}

// A request far beyond any sane size, a trickle, and the check that the server survived.
TEST(CaseLoaderFields, HandshakeGeneratedFieldsTrickleAndStillServes) {
    auto c = one(R"j({"handshake": {
        "request": {"target": {"pattern": "/a", "size": 1048576},
                    "add": [{"name": "X-Pad", "value": {"pattern": "p", "size": 70000}}, "Y: z"]},
        "chop": 1, "interval": 0.5, "within": 30},
        "still_serves": true})j");
    const auto& h = c.handshake;
    ASSERT_TRUE(h.request.target);
    EXPECT_EQ(h.request.target->size(), 1048576u);
    EXPECT_EQ(h.request.target->kind(), catalog::payload::form::pattern);
    ASSERT_EQ(h.request.add.size(), 2u);
    EXPECT_EQ(h.request.add[0].name, "X-Pad");
    EXPECT_EQ(h.request.add[0].value.size(), 70000u);
    EXPECT_EQ(h.request.add[1].name, "Y");
    EXPECT_EQ(h.request.add[1].line, "Y: z") << "a line is written as the case gives it";
    EXPECT_FALSE(h.request.add[0].line);
    EXPECT_EQ(h.interval, 0.5);
    EXPECT_EQ(h.within, 30);
    EXPECT_TRUE(c.still_serves);
    EXPECT_FALSE(one("{}").still_serves);
    EXPECT_EQ(one(R"j({"connections": 256})j").connections, 256u);
    EXPECT_EQ(one("{}").connections, 1u);
}

TEST(CaseLoaderFields, HttpResponseStatusClass) {
    auto c = one(R"j({"steps": [], "expect": {"OK": [[{"http_response": {"status": "4xx"}}]]},
                      "close": {"by": "none", "codes": null, "clean": null}})j");
    const auto& e = c.expect.at(0).outcomes.at(0).at(0);
    EXPECT_EQ(e.http.status_class, 4);
    EXPECT_FALSE(e.http.status);
}

TEST(CaseLoaderFields, HandshakeRaw) {
    auto c = one(R"j({"handshake": {"raw": {"hex": "474554"}}})j");
    ASSERT_TRUE(c.handshake.raw);
    EXPECT_EQ(*c.handshake.raw, payload(b("GET")));
    c = one(R"j({"handshake": {"raw": "GET / HTTP/1.1\r\n\r\n", "response": {"status": 101}}})j");
    ASSERT_TRUE(c.handshake.raw);
    EXPECT_EQ(c.handshake.raw->size(), 18u);
}

TEST(CaseLoaderFields, Extensions) {
    auto c = one(R"j({"extensions": {"offer": "permessage-deflate; client_max_window_bits",
                                     "require": "permessage-deflate"}})j");
    EXPECT_EQ(c.extensions.offer, "permessage-deflate; client_max_window_bits");
    EXPECT_EQ(c.extensions.require, "permessage-deflate");
    c = one(R"j({"extensions": {"offer": "x"}})j");
    EXPECT_EQ(c.extensions.require, "");
    // Testing a client: the terms wsspec answers its offers with, tried in order.
    c = one(R"j({"roles": ["client"],
                 "extensions": {"accept": ["permessage-deflate; client_no_context_takeover",
                                           "permessage-deflate"],
                                "require": "permessage-deflate"}})j");
    ASSERT_EQ(c.extensions.accept.size(), 2u);
    EXPECT_EQ(c.extensions.accept[1], "permessage-deflate");
    auto terms = catalog::accept_terms(c.extensions.accept[0]);
    ASSERT_TRUE(terms.has_value());
    EXPECT_TRUE(terms->client_no_context_takeover);
    EXPECT_FALSE(terms->client_max_window_bits.has_value());
}

TEST(CaseLoaderFields, FrameFields) {
    auto c = one(R"j({"steps": [
        {"send": {"opcode": "ping", "fin": false, "rsv": 5, "payload": {"hex": "00ff"},
                  "mask": "none", "length": "64", "declared_length": 18446744073709551615}},
        {"send": {"opcode": 11, "mask": "0a0B0c0D", "length": "7"}},
        {"send": {"opcode": "cont", "mask": "auto", "length": "16"}},
        {"send": {"opcode": "crsvf", "length": "minimal", "payload": ""}}]})j");
    ASSERT_EQ(c.steps.size(), 4u);
    const auto& f0 = c.steps[0].frame;
    EXPECT_EQ(f0.opcode, 0x9);
    EXPECT_FALSE(f0.fin);
    EXPECT_EQ(f0.rsv, 5);
    EXPECT_EQ(f0.data, payload(bytes{0x00, 0xff}));
    EXPECT_EQ(f0.mask, frame_def::mask_mode::none);
    EXPECT_EQ(f0.encoding, length_encoding::force_64);
    EXPECT_EQ(f0.declared_length, UINT64_MAX);
    const auto& f1 = c.steps[1].frame;
    EXPECT_EQ(f1.opcode, 0xb);
    EXPECT_EQ(f1.mask, frame_def::mask_mode::fixed);
    EXPECT_EQ(f1.key, (mask_key{0x0a, 0x0b, 0x0c, 0x0d}));
    EXPECT_EQ(f1.encoding, length_encoding::force_7);
    EXPECT_TRUE(f1.data.empty());
    EXPECT_EQ(c.steps[2].frame.opcode, 0x0);
    EXPECT_EQ(c.steps[2].frame.mask, frame_def::mask_mode::automatic);
    EXPECT_EQ(c.steps[2].frame.encoding, length_encoding::force_16);
    EXPECT_EQ(c.steps[3].frame.opcode, 0xf);
    EXPECT_EQ(c.steps[3].frame.encoding, length_encoding::minimal);
}

TEST(CaseLoaderFields, PayloadForms) {
    auto c = one(R"j({"steps": [
        {"send": {"opcode": "text", "payload": "caf\u00e9"}},
        {"send": {"opcode": "binary", "payload": {"hex": "ce ba E1"}}},
        {"send": {"opcode": "text", "payload": {"pattern": "ab", "size": 5}}},
        {"send": {"opcode": "binary", "payload": {"pattern_hex": "fe01", "size": 3}}},
        {"send": {"opcode": "binary", "payload": {"pattern": "*", "size": 2147483648}}}]})j");
    ASSERT_EQ(c.steps.size(), 5u);
    EXPECT_EQ(c.steps[0].frame.data, payload(b("caf\xc3\xa9")));
    EXPECT_EQ(c.steps[1].frame.data, payload(bytes{0xce, 0xba, 0xe1}));
    const auto& p = c.steps[2].frame.data;
    EXPECT_EQ(p.kind(), payload::form::pattern);
    EXPECT_EQ(p.size(), 5u);
    EXPECT_EQ(p.materialize(), b("ababa"));
    EXPECT_EQ(c.steps[3].frame.data.kind(), payload::form::pattern);
    EXPECT_EQ(c.steps[3].frame.data.materialize(), (bytes{0xfe, 0x01, 0xfe}));
    EXPECT_EQ(c.steps[4].frame.data.size(), std::uint64_t{1} << 31) << "generated lazily";
}

TEST(CaseLoaderFields, SendOptions) {
    auto c = one(R"j({"steps": [
        {"send": {"opcode": "text", "payload": "Hello"}, "fragment": 2, "sync": true, "chop": 3},
        {"send": {"opcode": "text", "payload": "Hello"}, "pieces": [1, 0, 4],
         "between": [{"wait": 0.5}, {"wait": "settle", "record": "A"}]},
        {"send": {"opcode": "text", "payload": "x"}, "repeat": 1000, "within": 2.5},
        {"send": {"opcode": "text", "payload": "x"}, "repeat": 3},
        {"send": {"opcode": "text", "payload": "x"}, "pieces": [1]}]})j");
    ASSERT_EQ(c.steps.size(), 5u);
    EXPECT_EQ(c.steps[0].fragment, 2u);
    EXPECT_TRUE(c.steps[0].sync);
    EXPECT_EQ(c.steps[0].chop, 3u);
    EXPECT_EQ(c.steps[1].pieces, (std::vector<std::size_t>{1, 0, 4}));
    ASSERT_EQ(c.steps[1].between.size(), 2u);
    EXPECT_EQ(c.steps[1].between[0].seconds, 0.5);
    EXPECT_FALSE(c.steps[1].between[0].settle);
    EXPECT_TRUE(c.steps[1].between[1].settle);
    EXPECT_EQ(c.steps[1].between[1].record, "A");
    EXPECT_EQ(c.steps[2].repeat, 1000u);
    EXPECT_EQ(c.steps[2].within, 2.5);
    EXPECT_EQ(c.steps[3].repeat, 3u);
    EXPECT_EQ(c.steps[3].within, 60) << "the default bound";
    EXPECT_EQ(c.steps[4].pieces, std::vector<std::size_t>{1});
    EXPECT_TRUE(c.steps[4].between.empty());
}

TEST(CaseLoaderFields, RawCloseAndWaitSteps) {
    auto c = one(R"j({"steps": [
        {"raw": {"hex": "8180"}},
        {"close": {}},
        {"close": {"code": 1000}},
        {"close": {"code": 4000, "reason": "bye"}},
        {"close": {"payload": {"hex": "03"}}},
        {"wait": 1},
        {"wait": "settle"},
        {"wait": 0, "record": "B"},
        {"wait": "settle", "until": "pong"}]})j");
    ASSERT_EQ(c.steps.size(), 9u);
    EXPECT_EQ(c.steps[0].type, step_def::kind::raw);
    EXPECT_EQ(c.steps[0].raw, payload(bytes{0x81, 0x80}));
    EXPECT_EQ(c.steps[1].type, step_def::kind::close);
    EXPECT_FALSE(c.steps[1].close_code);
    EXPECT_FALSE(c.steps[1].close_payload);
    EXPECT_EQ(c.steps[2].close_code, 1000);
    EXPECT_EQ(c.steps[2].close_reason, "");
    EXPECT_EQ(c.steps[3].close_code, 4000);
    EXPECT_EQ(c.steps[3].close_reason, "bye");
    ASSERT_TRUE(c.steps[4].close_payload);
    EXPECT_EQ(*c.steps[4].close_payload, payload(bytes{0x03}));
    EXPECT_FALSE(c.steps[4].close_code);
    EXPECT_EQ(c.steps[5].type, step_def::kind::wait);
    EXPECT_EQ(c.steps[5].wait.seconds, 1);
    EXPECT_EQ(c.steps[5].wait.record, "");
    EXPECT_TRUE(c.steps[6].wait.settle);
    EXPECT_EQ(c.steps[7].wait.seconds, 0);
    EXPECT_EQ(c.steps[7].wait.record, "B");
    EXPECT_FALSE(c.steps[7].wait.until_pong);
    EXPECT_TRUE(c.steps[8].wait.settle);
    EXPECT_TRUE(c.steps[8].wait.until_pong);
}

TEST(CaseLoaderFields, CloseReasonIsKeptWhole) {
    std::string reason(200, 'r');
    auto c =
        one(json({{"steps", {{{"close", {{"code", 1000}, {"reason", reason}}}}}}}).dump().c_str());
    EXPECT_EQ(c.steps.at(0).close_reason, reason) << "no silent cut at 123 bytes";
}

TEST(CaseLoaderFields, Timer) {
    auto c = one(R"j({"timer": {"kill": 1.5}})j");
    EXPECT_EQ(c.timer, case_def::timer_kind::kill);
    EXPECT_EQ(c.timer_seconds, 1.5);
    c = one(R"j({"timer": {"close": 0}})j");
    EXPECT_EQ(c.timer, case_def::timer_kind::close);
    EXPECT_EQ(c.timer_seconds, 0);
}

TEST(CaseLoaderFields, ExpectLevelsAreOrdered) {
    auto c = one(R"j({"expect": {"INFORMATIONAL": [[]], "OK": [[], [{"timeout": "A"}]],
                                 "NON-STRICT": [[{"pong": ""}]]}})j");
    ASSERT_EQ(c.expect.size(), 3u);
    EXPECT_EQ(c.expect[0].level, report::verdict::ok);
    EXPECT_EQ(c.expect[0].outcomes.size(), 2u);
    EXPECT_TRUE(c.expect[0].outcomes[0].empty());
    EXPECT_EQ(c.expect[1].level, report::verdict::non_strict);
    EXPECT_EQ(c.expect[2].level, report::verdict::informational);
    EXPECT_TRUE(c.expect[2].outcomes.at(0).empty());
    EXPECT_EQ(one(R"j({"expect": {"OK": []}})j").expect.at(0).outcomes.size(), 0u);
}

TEST(CaseLoaderFields, Events) {
    auto c = one(R"j({"expect": {"OK": [[
        {"message": {"text": "Hi"}},
        {"message": {"text_hex": "ceba"}},
        {"message": {"binary": {"hex": "00"}}},
        {"message": {"text": {"size": 16777216}}},
        {"message": {"binary": {"pattern": "*", "size": 3}}},
        {"pong": "p"},
        {"pong": {"size": 0}},
        {"timeout": "A"},
        {"close": {"code": 1002}},
        {"close": {"code": null}},
        {"close": {"code": 1000, "reason": "ok"}},
        {"close": {"code": 1000, "reason": {"size": 2}}},
        {"echoes": 1000}]]}})j");
    ASSERT_EQ(c.expect.size(), 1u);
    const auto& e = c.expect[0].outcomes.at(0);
    ASSERT_EQ(e.size(), 13u);
    EXPECT_EQ(e[0].type, event::kind::text);
    EXPECT_EQ(e[0].data, payload(b("Hi")));
    EXPECT_EQ(e[1].type, event::kind::text);
    EXPECT_EQ(e[1].data, payload(bytes{0xce, 0xba}));
    EXPECT_EQ(e[2].type, event::kind::binary);
    EXPECT_EQ(e[2].data, payload(bytes{0x00}));
    EXPECT_EQ(e[3].data, payload::any(16777216));
    EXPECT_EQ(e[4].data.kind(), payload::form::pattern);
    EXPECT_EQ(e[5].type, event::kind::pong);
    EXPECT_EQ(e[5].data, payload(b("p")));
    EXPECT_EQ(e[6].data, payload::any(0));
    EXPECT_EQ(e[7].type, event::kind::timeout);
    EXPECT_EQ(e[7].tag, "A");
    EXPECT_EQ(e[8].type, event::kind::close);
    EXPECT_EQ(e[8].code, 1002);
    EXPECT_FALSE(e[8].reason_checked);
    EXPECT_FALSE(e[9].code) << "null: an empty close";
    EXPECT_EQ(e[10].code, 1000);
    EXPECT_TRUE(e[10].reason_checked);
    EXPECT_EQ(e[10].data, payload(b("ok")));
    EXPECT_EQ(e[11].data, payload::any(2));
    EXPECT_EQ(e[12].type, event::kind::echoes);
    EXPECT_EQ(e[12].count, 1000u);
    EXPECT_TRUE(c.observes(event::kind::close));
    EXPECT_FALSE(c.observes(event::kind::http_response));
}

TEST(CaseLoaderFields, HttpEvents) {
    auto c = one(R"j({"roles": ["server", "client"], "expect": {"OK": [[
        {"http_response": {"status": 101, "fields": {"Upgrade": "websocket"},
                           "exact": {"Sec-WebSocket-Accept": "abc="},
                           "absent": ["Sec-WebSocket-Extensions"]}},
        {"http_request": {"method": "GET", "fields": {"Connection": "upgrade"}}},
        {"http_response": {}}]]}})j");
    const auto& e = c.expect.at(0).outcomes.at(0);
    ASSERT_EQ(e.size(), 3u);
    EXPECT_EQ(e[0].type, event::kind::http_response);
    EXPECT_EQ(e[0].http.status, 101);
    EXPECT_FALSE(e[0].http.method);
    ASSERT_EQ(e[0].http.fields.size(), 2u);
    EXPECT_EQ(e[0].http.fields[0].name, "Upgrade");
    EXPECT_EQ(e[0].http.fields[0].value, "websocket");
    EXPECT_FALSE(e[0].http.fields[0].exact);
    EXPECT_EQ(e[0].http.fields[1].name, "Sec-WebSocket-Accept");
    EXPECT_TRUE(e[0].http.fields[1].exact);
    EXPECT_EQ(e[0].http.absent, std::vector<std::string>{"Sec-WebSocket-Extensions"});
    EXPECT_EQ(e[1].type, event::kind::http_request);
    EXPECT_EQ(e[1].http.method, "GET");
    EXPECT_FALSE(e[1].http.status);
    EXPECT_TRUE(e[2].http.fields.empty());
    EXPECT_TRUE(c.observes(event::kind::http_response));
    EXPECT_TRUE(c.observes(event::kind::http_request));
}

TEST(CaseLoaderFields, CloseExpectation) {
    auto c = one(R"j({"close": {"by": "peer", "codes": [1002, 1007], "clean": false,
                                "empty": "forbidden", "reason": "why"}})j");
    EXPECT_EQ(c.close.by, close_expectation::endpoint::peer);
    EXPECT_EQ(c.close.codes, (std::vector<std::uint16_t>{1002, 1007}));
    EXPECT_FALSE(c.close.clean);
    EXPECT_EQ(c.close.empty, close_expectation::empty_close::forbidden);
    EXPECT_EQ(c.close.reason, "why");
    EXPECT_EQ(one(R"j({"close": {"empty": "required"}})j").close.empty,
              close_expectation::empty_close::required);
    EXPECT_EQ(one(R"j({"close": {"empty": "allowed"}})j").close.empty,
              close_expectation::empty_close::allowed);
    c = one(R"j({"close": {"by": "none", "codes": null, "clean": null},
                 "expect": {"OK": [[{"http_response": {"status": 400}}]]}})j");
    EXPECT_EQ(c.close.by, close_expectation::endpoint::none);
    EXPECT_TRUE(c.close.codes.empty());
    EXPECT_FALSE(c.close.clean);
    c = one(R"j({"roles": ["client"], "close": {"by": "none", "codes": null, "clean": null},
                 "expect": {"OK": [[{"http_request": {}}]]}})j");
    EXPECT_EQ(c.close.by, close_expectation::endpoint::none);
}

TEST(CaseLoaderFields, Flags) {
    auto c = one(R"j({"close_failure_fatal": true, "wrong_endpoint_fatal": true,
                      "suppress_close": true, "pongs_apart": true, "informational": true,
                      "quirks": ["no-close-reply", "echo-none"]})j");
    EXPECT_TRUE(c.close_failure_fatal);
    EXPECT_TRUE(c.wrong_endpoint_fatal);
    EXPECT_TRUE(c.suppress_close);
    EXPECT_TRUE(c.pongs_apart);
    EXPECT_TRUE(c.informational);
    EXPECT_EQ(c.quirks, (std::vector<std::string>{"no-close-reply", "echo-none"}));
    EXPECT_EQ(c.close_after_events, 0u) << "by default only matching events end a case";
    c = one(R"j({"suppress_close": false, "quirks": [], "close_after_events": 1})j");
    EXPECT_FALSE(c.suppress_close);
    EXPECT_EQ(c.close_after_events, 1u);
    EXPECT_TRUE(c.quirks.empty());
}

// ---------------------------------------------------------------------------------------------
// Families: defaults, templates, params (list and table), cross products, placeholders.

std::vector<case_def> load_ok(const char* text) {
    auto r = load(text);
    if (!r) {
        ADD_FAILURE() << r.error().message;
        return {};
    }
    return *r;
}

std::vector<std::string> ids(const std::vector<case_def>& cases) {
    std::vector<std::string> out;
    for (const auto& c : cases)
        out.push_back(c.id);
    return out;
}

using strings = std::vector<std::string>;

TEST(CaseLoaderFamily, DefaultsAndTemplates) {
    auto cases = load_ok(R"j({"group": "f",
      "defaults": {"rfc": "5.2", "quote": "Q", "timer": {"kill": 1},
                   "close": {"by": "harness", "codes": [1000], "clean": true}},
      "templates": {
        "echo": {"steps": [{"send": {"opcode": "text", "payload": "x"}}],
                 "expect": {"OK": [[{"message": {"text": "x"}}]]}},
        "fails": {"close": {"by": "peer", "codes": [1002], "clean": false},
                  "expect": {"OK": [[]]}, "timer": {"kill": 2}}},
      "cases": [
        {"id": "f.1", "title": "plain echo", "use": "echo"},
        {"id": "f.2", "title": "both, later wins", "use": ["echo", "fails"]},
        {"id": "f.3", "title": "own fields win", "use": ["echo", "fails"], "rfc": "7.4",
         "timer": {"close": 3}}]})j");
    ASSERT_EQ(cases.size(), 3u);
    EXPECT_EQ(cases[0].rfc, "5.2");
    EXPECT_EQ(cases[0].timer_seconds, 1);
    EXPECT_EQ(cases[0].close.by, close_expectation::endpoint::harness);
    EXPECT_EQ(cases[0].steps.size(), 1u);
    EXPECT_EQ(cases[1].close.by, close_expectation::endpoint::peer);
    EXPECT_EQ(cases[1].expect.at(0).outcomes.at(0).size(), 0u);
    EXPECT_EQ(cases[1].steps.size(), 1u) << "from the first template";
    EXPECT_EQ(cases[1].timer_seconds, 2);
    EXPECT_EQ(cases[2].rfc, "7.4");
    EXPECT_EQ(cases[2].timer, case_def::timer_kind::close);
    EXPECT_EQ(cases[2].timer_seconds, 3) << "fields merge whole: no kill left from the template";
}

constexpr const char* family_head = R"j({"group": "f",
  "defaults": {"title": "T", "rfc": "5.2", "quote": "Q", "expect": {"OK": [[]]},
               "close": {"by": "harness", "codes": [1000], "clean": true}},
  "cases": [)j";

std::vector<case_def> family(const std::string& entries) {
    return load_ok((family_head + entries + "]}").c_str());
}

std::string family_error(const std::string& entries) {
    return error_of(family_head + entries + "]}");
}

TEST(CaseLoaderFamily, ParamsListKeepsTypes) {
    auto cases = family(R"j({"id": "f.{n}", "title": "Close {code} ({why})",
        "params": [{"n": 1, "code": 1000, "why": "normal", "fin": true},
                   {"n": 2, "code": 4999, "why": "private", "fin": false}],
        "steps": [{"send": {"opcode": "text", "fin": "{fin}", "payload": "{why}"}},
                  {"close": {"code": "{code}", "reason": "{why}"}}]})j");
    ASSERT_EQ(ids(cases), (strings{"f.1", "f.2"}));
    EXPECT_EQ(cases[0].title, "Close 1000 (normal)") << "inside a string: the value's text";
    EXPECT_EQ(cases[0].steps.at(1).close_code, 1000) << "alone: the value itself, a number";
    EXPECT_EQ(cases[1].steps.at(1).close_code, 4999);
    EXPECT_EQ(cases[1].steps.at(1).close_reason, "private");
    EXPECT_TRUE(cases[0].steps.at(0).frame.fin);
    EXPECT_FALSE(cases[1].steps.at(0).frame.fin);
    EXPECT_EQ(cases[1].steps.at(0).frame.data, payload(b("private")));
}

TEST(CaseLoaderFamily, PlaceholderStandsForObjectsAndLists) {
    auto cases = family(R"j({"id": "f.{n}", "steps": "{steps}", "timer": "{timer}",
        "params": [{"n": 1, "steps": [{"wait": 1}], "timer": {"kill": 2}},
                   {"n": 2, "steps": [], "timer": {"close": 3}}]})j");
    ASSERT_EQ(cases.size(), 2u);
    EXPECT_EQ(cases[0].steps.at(0).type, step_def::kind::wait);
    EXPECT_EQ(cases[0].timer, case_def::timer_kind::kill);
    EXPECT_TRUE(cases[1].steps.empty());
    EXPECT_EQ(cases[1].timer, case_def::timer_kind::close);
}

TEST(CaseLoaderFamily, ParamsTable) {
    auto cases = family(R"j({"id": "f.{n}", "steps": [{"send": {"opcode": "{op}"}}],
        "params": {"columns": ["n", "op"], "rows": [[1, "text"], [2, 9], [3, "binary"]]}})j");
    ASSERT_EQ(ids(cases), (strings{"f.1", "f.2", "f.3"}));
    EXPECT_EQ(cases[0].steps.at(0).frame.opcode, 0x1);
    EXPECT_EQ(cases[1].steps.at(0).frame.opcode, 0x9);
    EXPECT_EQ(cases[2].steps.at(0).frame.opcode, 0x2);
}

// A bad value in one row of a table: the error names the file, the case the row became, the
// field, and the family entry and row it came from.
TEST(CaseLoaderFamily, ABadRowIsNamed) {
    json entry = base_case;
    entry["id"] = "f.{n}";
    entry["steps"] =
        json::parse(R"j([{"send": {"opcode": "text", "payload": {"hex": "{hex}"}}}])j");
    entry["params"] =
        json::parse(R"j({"columns": ["n", "hex"], "rows": [[1, "cebae1"], [2, "zz"]]})j");
    auto e = error_of(json{{"group", "t"}, {"cases", json::array({entry})}}.dump());
    EXPECT_NE(e.find("f.json: case f.2: steps[0].send.payload: not a hex digit"), std::string::npos)
        << e;
    EXPECT_NE(e.find("(family cases[0], row 2 {\"hex\":\"zz\",\"n\":2})"), std::string::npos) << e;
}

TEST(CaseLoaderFamily, CrossProduct) {
    auto cases = family(R"j({"id": "f.{v}.{how}",
        "params": [{"v": 1, "text": "a"}, {"v": 2, "text": "bb"}],
        "cross": {"how": [{"how": "whole", "size": 100}, {"how": "frames", "size": 1}]},
        "steps": [{"send": {"opcode": "text", "payload": "{text}"}, "fragment": "{size}"}]})j");
    ASSERT_EQ(ids(cases), (strings{"f.1.whole", "f.1.frames", "f.2.whole", "f.2.frames"}));
    EXPECT_EQ(cases[1].steps.at(0).fragment, 1u);
    EXPECT_EQ(cases[2].steps.at(0).frame.data, payload(b("bb")));
    EXPECT_EQ(cases[2].steps.at(0).fragment, 100u);
}

TEST(CaseLoaderFamily, CrossWithoutParamsAndTwoDimensions) {
    auto cases = family(R"j({"id": "f.{a}.{b}",
        "cross": {"a": [{"a": 1}, {"a": 2}], "b": [{"b": "x"}, {"b": "y"}, {"b": "z"}]},
        "steps": []})j");
    EXPECT_EQ(cases.size(), 6u);
    EXPECT_EQ(ids(cases).front(), "f.1.x");
    EXPECT_EQ(ids(cases).back(), "f.2.z");
}

TEST(CaseLoaderFamily, TemplatesAndDefaultsAreSubstitutedToo) {
    auto cases = load_ok(R"j({"group": "f",
      "defaults": {"title": "T {n}", "rfc": "5.2", "quote": "Q",
                   "close": {"by": "harness", "codes": ["{code}"], "clean": true}},
      "templates": {"t": {"steps": [{"close": {"code": "{code}"}}], "expect": {"OK": [[]]}}},
      "cases": [{"id": "f.{n}", "use": "{tpl}",
                 "params": [{"n": 1, "code": 1000, "tpl": "t"}, {"n": 2, "code": 3000, "tpl": "t"}]}]})j");
    ASSERT_EQ(cases.size(), 2u);
    EXPECT_EQ(cases[1].title, "T 2");
    EXPECT_EQ(cases[1].close.codes, std::vector<std::uint16_t>{3000});
    EXPECT_EQ(cases[1].steps.at(0).close_code, 3000);
}

TEST(CaseLoaderFamily, EmptyParamsGiveNoCase) {
    EXPECT_TRUE(family(R"j({"id": "f.{n}", "steps": [], "params": []})j").empty());
    EXPECT_TRUE(
        family(R"j({"id": "f.{n}", "steps": [], "params": {"columns": ["n"], "rows": []}})j")
            .empty());
}

TEST(CaseLoaderFamily, Errors) {
    struct row {
        const char* entry;
        const char* error;
    };
    const row rows[] = {
        {R"j({"id": "f.{n}", "steps": [], "params": [{"m": 1}]})j",
         "f.json: cases[0]: case id 'f.{n}' has a placeholder that no row fills"},
        {R"j({"id": "f.{n}", "steps": []})j",
         "f.json: cases[0]: case id 'f.{n}' has a placeholder that no row fills"},
        {R"j({"id": "f.1", "steps": [], "params": [{"n": 1}, {"n": 2}]})j",
         "f.json: cases[0]: duplicate case id f.1"},
        {R"j({"id": "f.1", "steps": []}, {"id": "f.1", "steps": []})j",
         "f.json: cases[1]: duplicate case id f.1"},
        {R"j({"id": "f.{n}", "steps": [], "params": [{"n": 1}, 2]})j",
         "f.json: cases[0].params[1]: expected an object of placeholder values"},
        {R"j({"id": "f.{n}", "steps": [], "params": "n"})j",
         "f.json: cases[0].params: expected a list of objects or {\"columns\": [...], \"rows\": "
         "[[...]]}"},
        {R"j({"id": "f.{n}", "steps": [], "params": {"columns": ["n"], "row": []}})j",
         "f.json: cases[0].params: unknown field 'row' (params table fields: columns, rows)"},
        {R"j({"id": "f.{n}", "steps": [], "params": {"columns": [], "rows": []}})j",
         "f.json: cases[0].params.columns: expected a list of placeholder names"},
        {R"j({"id": "f.{n}", "steps": [], "params": {"rows": []}})j",
         "f.json: cases[0].params.columns: expected a list of placeholder names"},
        {R"j({"id": "f.{n}", "steps": [], "params": {"columns": ["n", 2], "rows": []}})j",
         "f.json: cases[0].params.columns[1]: expected a name"},
        {R"j({"id": "f.{n}", "steps": [], "params": {"columns": ["n"]}})j",
         "f.json: cases[0].params.rows: expected a list of rows"},
        {R"j({"id": "f.{n}", "steps": [], "params": {"columns": ["n", "m"], "rows": [[1, 2], [3]]}})j",
         "f.json: cases[0].params.rows[1]: expected a list of 2 values, one per column"},
        {R"j({"id": "f.{n}", "steps": [], "params": {"columns": ["n"], "rows": [4]}})j",
         "f.json: cases[0].params.rows[0]: expected a list of 1 values, one per column"},
        {R"j({"id": "f.{n}", "steps": [], "cross": [{"n": 1}]})j",
         "f.json: cases[0].cross: expected {\"name\": [objects], …}"},
        {R"j({"id": "f.{n}", "steps": [], "cross": {"how": []}})j",
         "f.json: cases[0].cross.how: expected a non-empty list of objects"},
        {R"j({"id": "f.{n}", "steps": [], "cross": {"how": {"n": 1}}})j",
         "f.json: cases[0].cross.how: expected a non-empty list of objects"},
        {R"j({"id": "f.{n}", "steps": [], "cross": {"how": [{"n": 1}, "x"]}})j",
         "f.json: cases[0].cross.how[1]: expected an object"},
        {R"j({"id": "f.1", "steps": [], "use": "nope"})j",
         "f.json: cases[0].use[0]: no template 'nope' in the file's \"templates\""},
        {R"j({"id": "f.1", "steps": [], "use": ["nope"]})j",
         "f.json: cases[0].use[0]: no template 'nope' in the file's \"templates\""},
        {R"j({"id": "f.1", "steps": [], "use": [1]})j",
         "f.json: cases[0].use[0]: expected a template name"},
        {R"j({"id": "f.{n}", "steps": [], "use": "{t}", "params": [{"n": 1, "t": "gone"}]})j",
         "f.json: cases[0].use[0]: no template 'gone' in the file's \"templates\""},
    };
    for (const auto& r : rows) {
        SCOPED_TRACE(r.entry);
        auto e = family_error(r.entry);
        EXPECT_EQ(e.substr(0, std::string(r.error).size()), r.error) << e;
    }
}

// ---------------------------------------------------------------------------------------------
// Errors: every path of the loader, as the location and message it reports.

struct error_row {
    const char* input; // a merge patch of base_case, or (starting with "FILE") a whole file
    const char* error; // what the message starts with
};

void PrintTo(const error_row& r, std::ostream* os) {
    *os << r.input;
}

std::string run_error_row(const error_row& r) {
    std::string in = r.input;
    if (in.starts_with("FILE")) {
        in = in.substr(4);
        for (auto at = in.find("CASE"); at != std::string::npos; at = in.find("CASE"))
            in.replace(at, 4, base_case.dump());
        return error_of(in);
    }
    return error_of(file_of(patched(r.input)));
}

class CaseLoaderError : public ::testing::TestWithParam<error_row> {};

TEST_P(CaseLoaderError, NamesFileCaseAndField) {
    const auto& r = GetParam();
    auto e = run_error_row(r);
    EXPECT_EQ(e.substr(0, std::string(r.error).size()), r.error) << "got: " << e;
}

// A case file as a whole.
INSTANTIATE_TEST_SUITE_P(
    CaseLoaderFile, CaseLoaderError,
    ::testing::Values(
        error_row{"FILE{", "f.json: not valid JSON: "},
        error_row{"FILE[]", "f.json: expected an object with \"group\" and \"cases\""},
        error_row{"FILE{\"group\": \"g\", \"grup\": 1, \"cases\": []}",
                  "f.json: unknown field 'grup' (case file fields: group, title, note, defaults, "
                  "templates, cases)"},
        error_row{"FILE{\"cases\": []}", "f.json: group: expected a string, got null"},
        error_row{"FILE{\"group\": 1, \"cases\": []}", "f.json: group: expected a string, got 1"},
        error_row{"FILE{\"group\": \"g\", \"title\": 1, \"cases\": []}",
                  "f.json: title: expected a string, got 1"},
        error_row{"FILE{\"group\": \"g\", \"note\": [], \"cases\": []}",
                  "f.json: note: expected a string, got []"},
        error_row{"FILE{\"group\": \"g\", \"defaults\": [], \"cases\": []}",
                  "f.json: defaults: expected an object"},
        error_row{"FILE{\"group\": \"g\", \"templates\": [], \"cases\": []}",
                  "f.json: templates: expected an object"},
        error_row{"FILE{\"group\": \"g\", \"templates\": {\"t\": 1}, \"cases\": []}",
                  "f.json: templates.t: expected an object of case fields"},
        error_row{"FILE{\"group\": \"g\", \"templates\": {\"t\": {\"tilte\": 1}}, \"cases\": []}",
                  "f.json: templates.t: unknown field 'tilte' (case fields: id, title,"},
        error_row{"FILE{\"group\": \"g\", \"defaults\": {\"tilte\": 1}, \"cases\": []}",
                  "f.json: defaults: unknown field 'tilte' (case fields: id, title,"},
        error_row{"FILE{\"group\": \"g\", \"defaults\": {\"use\": \"t\"}, \"cases\": []}",
                  "f.json: defaults.use: only an entry in \"cases\" can have it"},
        error_row{"FILE{\"group\": \"g\", \"templates\": {\"t\": {\"params\": []}}, \"cases\": []}",
                  "f.json: templates.t.params: only an entry in \"cases\" can have it"},
        error_row{"FILE{\"group\": \"g\", \"templates\": {\"t\": {\"cross\": {}}}, \"cases\": []}",
                  "f.json: templates.t.cross: only an entry in \"cases\" can have it"},
        error_row{"FILE{\"group\": \"g\"}", "f.json: cases: expected a list of cases"},
        error_row{"FILE{\"group\": \"g\", \"cases\": {}}",
                  "f.json: cases: expected a list of cases"},
        error_row{"FILE{\"group\": \"g\", \"cases\": [CASE, 1]}",
                  "f.json: cases[1]: expected a case object"},
        error_row{"FILE{\"group\": \"g\", \"cases\": [CASE, CASE]}",
                  "f.json: cases[1]: duplicate case id t.1"},
        error_row{"FILE{\"group\": \"g\", \"defaults\": {\"quirks\": 1}, \"cases\": [CASE]}",
                  "f.json: case t.1: quirks: expected a list of quirk names"}));

// The case's own fields.
INSTANTIATE_TEST_SUITE_P(
    CaseLoaderCase, CaseLoaderError,
    ::testing::Values(
        error_row{R"j({"id": null})j", "f.json: cases[0]: a case has no 'id'"},
        error_row{R"j({"id": ""})j", "f.json: cases[0].id: is empty"},
        error_row{R"j({"id": 7})j",
                  "f.json: cases[0].id: expected a string such as \"1.1.1\" or \"hs.3\", got 7"},
        error_row{R"j({"title": "Echo of {n} bytes"})j",
                  "f.json: case t.1: placeholder title: '{n}' is filled by no row"},
        error_row{R"j({"id": "t.{x}"})j",
                  "f.json: cases[0]: case id 't.{x}' has a placeholder that no row fills"},
        error_row{R"j({"tilte": "x"})j",
                  "f.json: case t.1: unknown field 'tilte' (case fields: id, title, description, "
                  "rfc, quote, requirement, note, roles, headers, handshake, extensions, steps, "
                  "timer, expect, close, close_failure_fatal, wrong_endpoint_fatal, "
                  "suppress_close, close_after_events, pongs_apart, informational, still_serves, "
                  "client_checks, connections, "
                  "quirks, params, "
                  "cross, use)"},
        error_row{R"j({"title": null})j", "f.json: case t.1: missing field 'title'"},
        error_row{R"j({"rfc": null})j", "f.json: case t.1: missing field 'rfc'"},
        error_row{R"j({"quote": null})j", "f.json: case t.1: missing field 'quote'"},
        error_row{R"j({"title": 1})j", "f.json: case t.1: title: expected a string, got 1"},
        error_row{R"j({"rfc": 5.2})j", "f.json: case t.1: rfc: expected a string, got 5.2"},
        error_row{R"j({"quote": []})j", "f.json: case t.1: quote: expected a string, got []"},
        error_row{R"j({"description": 1})j",
                  "f.json: case t.1: description: expected a string, got 1"},
        error_row{R"j({"requirement": "MUST"})j",
                  "f.json: case t.1: requirement: expected \"must\", \"should\" or \"may\""},
        error_row{R"j({"requirement": 1})j",
                  "f.json: case t.1: requirement: expected a string, got 1"},
        error_row{R"j({"note": false})j", "f.json: case t.1: note: expected a string, got false"},
        error_row{R"j({"roles": "server"})j",
                  "f.json: case t.1: roles: expected a list of roles (\"server\", \"client\")"},
        error_row{R"j({"roles": []})j",
                  "f.json: case t.1: roles: a case applies to at least one role"},
        error_row{R"j({"roles": ["server", "peer"]})j",
                  "f.json: case t.1: roles[1]: expected \"server\" or \"client\", got 'peer'"},
        error_row{R"j({"roles": [1]})j", "f.json: case t.1: roles[0]: expected a string, got 1"},
        error_row{R"j({"headers": "X: y"})j",
                  "f.json: case t.1: headers: expected a list of \"Name: value\" strings"},
        error_row{R"j({"headers": ["X: y", "no colon"]})j",
                  "f.json: case t.1: headers[1]: expected \"Name: value\", got 'no colon'"},
        error_row{R"j({"headers": [": v"]})j",
                  "f.json: case t.1: headers[0]: expected \"Name: value\", got ': v'"},
        error_row{R"j({"headers": [1]})j",
                  "f.json: case t.1: headers[0]: expected a string, got 1"},
        error_row{R"j({"close_failure_fatal": 1})j",
                  "f.json: case t.1: close_failure_fatal: expected true or false, got 1"},
        error_row{R"j({"wrong_endpoint_fatal": "yes"})j",
                  "f.json: case t.1: wrong_endpoint_fatal: expected true or false, got \"yes\""},
        error_row{R"j({"suppress_close": 0})j",
                  "f.json: case t.1: suppress_close: expected true or false, got 0"},
        error_row{R"j({"close_after_events": 0})j", "f.json: case t.1: close_after_events: "},
        error_row{R"j({"close_after_events": 1.5})j",
                  "f.json: case t.1: close_after_events: expected a whole number of events"},
        error_row{R"j({"pongs_apart": []})j",
                  "f.json: case t.1: pongs_apart: expected true or false, got []"},
        error_row{R"j({"informational": "true"})j",
                  "f.json: case t.1: informational: expected true or false, got \"true\""},
        error_row{R"j({"quirks": "q"})j",
                  "f.json: case t.1: quirks: expected a list of quirk names"},
        error_row{R"j({"quirks": ["q", 2]})j",
                  "f.json: case t.1: quirks[1]: expected a string, got 2"}));

// The opening handshake and extensions.
INSTANTIATE_TEST_SUITE_P(
    CaseLoaderHandshake, CaseLoaderError,
    ::testing::Values(
        error_row{R"j({"handshake": []})j", "f.json: case t.1: handshake: expected an object"},
        error_row{
            R"j({"handshake": {"rqeuest": {}}})j",
            "f.json: case t.1: handshake: unknown field 'rqeuest' (handshake fields: request, "
            "response, raw, chop, interval, within, with_first_frame)"},
        error_row{R"j({"handshake": {"raw": "x", "request": {}}})j",
                  "f.json: case t.1: handshake.raw: give either \"raw\" bytes or \"request\" "
                  "edits, not both"},
        error_row{R"j({"handshake": {"request": "GET"}})j",
                  "f.json: case t.1: handshake.request: expected an object"},
        error_row{
            R"j({"handshake": {"request": {"methd": "GET"}}})j",
            "f.json: case t.1: handshake.request: unknown field 'methd' (HTTP message "
            "edit fields: method, target, version, status, reason_phrase, remove, replace, add)"},
        error_row{R"j({"handshake": {"request": {"status": 200}}})j",
                  "f.json: case t.1: handshake.request.status: a request has no status"},
        error_row{R"j({"handshake": {"request": {"reason_phrase": "OK"}}})j",
                  "f.json: case t.1: handshake.request.reason_phrase: a request has no "
                  "reason_phrase"},
        error_row{R"j({"handshake": {"response": {"method": "GET"}}})j",
                  "f.json: case t.1: handshake.response.method: a response has no method"},
        error_row{R"j({"handshake": {"response": {"target": "/"}}})j",
                  "f.json: case t.1: handshake.response.target: a response has no target"},
        error_row{R"j({"handshake": {"request": {"method": 1}}})j",
                  "f.json: case t.1: handshake.request.method: expected a string, got 1"},
        error_row{R"j({"handshake": {"request": {"target": ["/"]}}})j",
                  "f.json: case t.1: handshake.request.target: expected a string, {\"hex\": "
                  "...}, {\"pattern\": ..., \"size\": N} or {\"pattern_hex\": ..., \"size\": N}"},
        error_row{R"j({"handshake": {"request": {"version": 1.1}}})j",
                  "f.json: case t.1: handshake.request.version: expected a string, got 1.1"},
        error_row{R"j({"handshake": {"response": {"reason_phrase": 1}}})j",
                  "f.json: case t.1: handshake.response.reason_phrase: expected a string, got 1"},
        error_row{R"j({"handshake": {"response": {"status": 99}}})j",
                  "f.json: case t.1: handshake.response.status: expected an HTTP status from 100 "
                  "to 999"},
        error_row{R"j({"handshake": {"response": {"status": 1000}}})j",
                  "f.json: case t.1: handshake.response.status: expected an HTTP status from 100 "
                  "to 999"},
        error_row{R"j({"handshake": {"response": {"status": "101"}}})j",
                  "f.json: case t.1: handshake.response.status: expected an HTTP status from 100 "
                  "to 999"},
        error_row{R"j({"handshake": {"request": {"remove": "Upgrade"}}})j",
                  "f.json: case t.1: handshake.request.remove: expected a list of field names"},
        error_row{R"j({"handshake": {"request": {"remove": [1]}}})j",
                  "f.json: case t.1: handshake.request.remove[0]: expected a string, got 1"},
        error_row{R"j({"handshake": {"request": {"replace": ["Upgrade"]}}})j",
                  "f.json: case t.1: handshake.request.replace[0]: expected \"Name: value\", got "
                  "'Upgrade'"},
        error_row{R"j({"handshake": {"response": {"add": "X: y"}}})j",
                  "f.json: case t.1: handshake.response.add: expected a list of \"Name: value\" "
                  "strings"},
        error_row{R"j({"handshake": {"raw": {"size": 3}}})j",
                  "f.json: case t.1: handshake.raw: {\"size\": N} (any content) is only for "
                  "expected events"},
        error_row{R"j({"handshake": {"raw": 1}})j",
                  "f.json: case t.1: handshake.raw: expected a string, {\"hex\": ...}"},
        error_row{R"j({"handshake": {"interval": 1}})j",
                  "f.json: case t.1: handshake.interval: pauses between chops: needs \"chop\" "
                  "as well"},
        error_row{R"j({"handshake": {"chop": 1, "interval": 0}})j",
                  "f.json: case t.1: handshake.interval: expected a number from 0.001 to 60, "
                  "got 0"},
        error_row{R"j({"handshake": {"within": 601}})j",
                  "f.json: case t.1: handshake.within: expected a number from 0.001 to 600, "
                  "got 601"},
        error_row{R"j({"handshake": {"request": {"add": [{"name": "X"}]}}})j",
                  "f.json: case t.1: handshake.request.add[0]: expected {\"name\": "
                  "\"Field-Name\", \"value\": PAYLOAD}"},
        error_row{R"j({"handshake": {"request": {"add": [{"name": "A B", "value": "v"}]}}})j",
                  "f.json: case t.1: handshake.request.add[0].name: 'A B' is not a field name "
                  "(RFC 7230 token)"},
        error_row{R"j({"handshake": {"request": {"add": [{"name": "X", "value": "v", "n": 1}]}}})j",
                  "f.json: case t.1: handshake.request.add[0]: unknown field 'n' (added header "
                  "field fields: name, value)"},
        error_row{R"j({"handshake": {"request": {"add": [{"name": "X", "value": {"size": 3}}]}}})j",
                  "f.json: case t.1: handshake.request.add[0].value: {\"size\": N} (any "
                  "content) is only for expected events"},
        error_row{
            R"j({"steps": [{"send": {"opcode": "binary", "payload": {"pattern": "x", "size": 4}}, "grow": 2}]})j",
            "f.json: case t.1: steps[0].grow: \"grow\" enlarges the messages of a "
            "\"repeat\""},
        error_row{
            R"j({"steps": [{"send": {"opcode": "binary", "payload": "abcd"}, "repeat": 3, "grow": 2}]})j",
            "f.json: case t.1: steps[0].grow: \"grow\" needs a {\"pattern\": ..., "
            "\"size\": N} payload"},
        error_row{
            R"j({"steps": [{"send": {"opcode": "binary", "payload": {"pattern": "x", "size": 4}}, "repeat": 3, "grow": 1}]})j",
            "f.json: case t.1: steps[0].grow: expected a factor from 2 to 16"},
        error_row{
            R"j({"steps": [{"send": {"opcode": "binary", "payload": {"pattern": "x", "size": 1048576}}, "repeat": 12, "grow": 2}]})j",
            "f.json: case t.1: steps[0].grow: the last round trip's message would pass 1 "
            "GiB (size x grow^(repeat-1))"},
        error_row{R"j({"connections": 1})j",
                  "f.json: case t.1: connections: expected a count from 2 to 1024"},
        error_row{R"j({"connections": 1025})j",
                  "f.json: case t.1: connections: expected a count from 2 to 1024"},
        error_row{R"j({"connections": 4, "roles": ["client"]})j",
                  "f.json: case t.1: connections: only a case testing servers opens connections"},
        error_row{R"j({"client_checks": ["fresh_masking_keys"]})j",
                  "f.json: case t.1: client_checks: only a case for clients alone (\"roles\": "
                  "[\"client\"]) checks a client"},
        error_row{R"j({"client_checks": ["fresh_keys"], "roles": ["client"]})j",
                  "f.json: case t.1: client_checks: 'fresh_keys' is not a check "
                  "(fresh_masking_keys, fresh_handshake_key, server_closes_first)"},
        error_row{R"j({"client_checks": "fresh_masking_keys", "roles": ["client"]})j",
                  "f.json: case t.1: client_checks: expected a list of check names"},
        error_row{R"j({"still_serves": "yes"})j",
                  "f.json: case t.1: still_serves: expected true or false, got \"yes\""},
        error_row{R"j({"expect": {"OK": [[{"http_response": {"status": "4xy"}}]]}})j",
                  "f.json: case t.1: expect.OK[0][0].http_response.status: expected a status "
                  "such as 426 or a class such as \"4xx\", got \"4xy\""},
        error_row{R"j({"expect": {"OK": [[{"http_response": {"status": "600"}}]]}})j",
                  "f.json: case t.1: expect.OK[0][0].http_response.status: expected a status "
                  "such as 426 or a class such as \"4xx\", got \"600\""},
        error_row{R"j({"handshake": {"chop": 0}})j",
                  "f.json: case t.1: handshake.chop: expected a chop size of at least 1"},
        error_row{R"j({"handshake": {"chop": 1048577}})j",
                  "f.json: case t.1: handshake.chop: expected a chop size of at least 1"},
        error_row{R"j({"handshake": {"with_first_frame": true}, "steps": [{"wait": 1}]})j",
                  "f.json: case t.1: handshake.with_first_frame: needs a first step that is a "
                  "plain send"},
        error_row{R"j({"handshake": {"with_first_frame": 1}})j",
                  "f.json: case t.1: handshake.with_first_frame: expected true or false, got 1"},
        error_row{R"j({"extensions": "permessage-deflate"})j",
                  "f.json: case t.1: extensions: expected {\"offer\": ..., \"require\": ..., "
                  "\"accept\": [...]}"},
        error_row{R"j({"extensions": {"offr": "x"}})j",
                  "f.json: case t.1: extensions: unknown field 'offr' (extensions fields: offer, "
                  "require, accept)"},
        error_row{R"j({"extensions": {"offer": 1}})j",
                  "f.json: case t.1: extensions.offer: expected a string, got 1"},
        error_row{R"j({"extensions": {"offer": "x", "require": 1}})j",
                  "f.json: case t.1: extensions.require: expected a string, got 1"},
        error_row{R"j({"extensions": {"require": "x"}})j",
                  "f.json: case t.1: extensions.require: an extension can only be required if it "
                  "is offered"},
        error_row{R"j({"roles": ["client"], "extensions": {"require": "permessage-deflate"}})j",
                  "f.json: case t.1: extensions.require: a case for clients can only require an "
                  "extension it accepts (\"accept\")"},
        error_row{R"j({"roles": ["client"], "extensions": {"accept": "permessage-deflate"}})j",
                  "f.json: case t.1: extensions.accept: expected a list of permessage-deflate "
                  "responses"},
        error_row{R"j({"roles": ["client"], "extensions": {"accept": ["x-webkit-deflate"]}})j",
                  "f.json: case t.1: extensions.accept[0]: expected one permessage-deflate "
                  "response, e.g. \"permessage-deflate; client_no_context_takeover; "
                  "client_max_window_bits=9\""},
        error_row{R"j({"roles": ["client"],
                      "extensions": {"accept": ["permessage-deflate",
                                                "permessage-deflate; client_max_window_bits=16"]}})j",
                  "f.json: case t.1: extensions.accept[1]: RFC 7692 §7.1.2: "
                  "client_max_window_bits=16: not a window size"},
        error_row{R"j({"roles": ["client"],
                      "extensions": {"accept": ["permessage-deflate; level=9"]}})j",
                  "f.json: case t.1: extensions.accept[0]: RFC 7692 §7: level=9: not a "
                  "permessage-deflate parameter"},
        error_row{R"j({"extensions": {"offer": "permessage-deflate",
                                      "accept": ["permessage-deflate"]}})j",
                  "f.json: case t.1: extensions.accept: only a case testing clients answers "
                  "their offers"}));

// Steps: send, frame, payload, raw, close, wait.
INSTANTIATE_TEST_SUITE_P(
    CaseLoaderSteps, CaseLoaderError,
    ::testing::Values(
        error_row{R"j({"steps": null})j", "f.json: case t.1: steps: expected a list of steps"},
        error_row{R"j({"steps": {}})j", "f.json: case t.1: steps: expected a list of steps"},
        error_row{R"j({"steps": ["send"]})j", "f.json: case t.1: steps[0]: expected a step object"},
        error_row{R"j({"steps": [{"sleep": 1}]})j",
                  "f.json: case t.1: steps[0]: unknown step {\"sleep\":1} (expected send, raw, "
                  "close or wait)"},
        error_row{R"j({"steps": [{"send": {"opcode": 1}, "fragmnet": 1}]})j",
                  "f.json: case t.1: steps[0]: unknown field 'fragmnet' (send step fields: send, "
                  "fragment, sync, chop, pieces, between, repeat, within, slide, grow)"},
        error_row{R"j({"steps": [{"send": {"opcode": 1}, "close": {}}]})j",
                  "f.json: case t.1: steps[0]: unknown field 'close' (send step fields:"},
        error_row{R"j({"steps": [{"send": "text"}]})j",
                  "f.json: case t.1: steps[0].send: expected a frame object"},
        error_row{R"j({"steps": [{"send": {"opcod": "text"}}]})j",
                  "f.json: case t.1: steps[0].send: unknown field 'opcod' (frame fields: opcode, "
                  "fin, rsv, payload, mask, length, declared_length, compressed)"},
        error_row{R"j({"steps": [{"send": {}}]})j",
                  "f.json: case t.1: steps[0].send: missing field 'opcode'"},
        error_row{R"j({"steps": [{"send": {"opcode": "pingg"}}]})j",
                  "f.json: case t.1: steps[0].send.opcode: unknown opcode 'pingg'"},
        error_row{R"j({"steps": [{"send": {"opcode": 16}}]})j",
                  "f.json: case t.1: steps[0].send.opcode: expected an integer from 0 to 15, got "
                  "16"},
        error_row{R"j({"steps": [{"send": {"opcode": -1}}]})j",
                  "f.json: case t.1: steps[0].send.opcode: expected an integer from 0 to 15, got "
                  "-1"},
        error_row{R"j({"steps": [{"send": {"opcode": 1.0}}]})j",
                  "f.json: case t.1: steps[0].send.opcode: expected an integer from 0 to 15, got "
                  "1.0"},
        error_row{R"j({"steps": [{"send": {"opcode": 1, "fin": "false"}}]})j",
                  "f.json: case t.1: steps[0].send.fin: expected true or false, got \"false\""},
        error_row{R"j({"steps": [{"send": {"opcode": 1, "rsv": 8}}]})j",
                  "f.json: case t.1: steps[0].send.rsv: expected an integer from 0 to 7, got 8"},
        error_row{R"j({"steps": [{"send": {"opcode": 1, "mask": "abc"}}]})j",
                  "f.json: case t.1: steps[0].send.mask: expected \"auto\", \"none\" or 8 hex "
                  "digits, got 'abc'"},
        error_row{R"j({"steps": [{"send": {"opcode": 1, "mask": "0102030405"}}]})j",
                  "f.json: case t.1: steps[0].send.mask: expected \"auto\", \"none\" or 8 hex "
                  "digits, got '0102030405'"},
        error_row{R"j({"steps": [{"send": {"opcode": 1, "mask": true}}]})j",
                  "f.json: case t.1: steps[0].send.mask: expected a string, got true"},
        error_row{R"j({"steps": [{"send": {"opcode": 1, "length": "32"}}]})j",
                  "f.json: case t.1: steps[0].send.length: expected \"minimal\", \"7\", \"16\" or "
                  "\"64\", got '32'"},
        error_row{R"j({"steps": [{"send": {"opcode": 1, "length": 16}}]})j",
                  "f.json: case t.1: steps[0].send.length: expected a string, got 16"},
        error_row{R"j({"steps": [{"send": {"opcode": 1, "declared_length": -1}}]})j",
                  "f.json: case t.1: steps[0].send.declared_length: expected an integer from 0 to "
                  "18446744073709551615, got -1"},
        error_row{R"j({"steps": [{"send": {"opcode": 1}, "fragment": -1}]})j",
                  "f.json: case t.1: steps[0].fragment: expected a fragment size from 0 (one "
                  "frame) to "},
        error_row{R"j({"steps": [{"send": {"opcode": 1}, "fragment": 2147483649}]})j",
                  "f.json: case t.1: steps[0].fragment: expected a fragment size from 0 (one "
                  "frame) to "},
        error_row{R"j({"steps": [{"send": {"opcode": 1}, "sync": 1}]})j",
                  "f.json: case t.1: steps[0].sync: expected true or false, got 1"},
        error_row{R"j({"steps": [{"send": {"opcode": 1}, "chop": 0}]})j",
                  "f.json: case t.1: steps[0].chop: expected a chop size of at least 1"},
        error_row{R"j({"steps": [{"send": {"opcode": 1}, "pieces": 2}]})j",
                  "f.json: case t.1: steps[0].pieces: expected a list of sizes"},
        error_row{R"j({"steps": [{"send": {"opcode": 1}, "pieces": [-1]}]})j",
                  "f.json: case t.1: steps[0].pieces[0]: expected an integer from 0 to "
                  "2147483648, got -1"},
        error_row{R"j({"steps": [{"send": {"opcode": 1, "payload": "ab"}, "pieces": [1, 2],
                                  "between": [{"wait": 0}]}]})j",
                  "f.json: case t.1: steps[0].pieces: pieces add up to 3 bytes, the payload has "
                  "2"},
        error_row{R"j({"steps": [{"send": {"opcode": 1, "payload": "ab"}, "pieces": [1, 1]}]})j",
                  "f.json: case t.1: steps[0].between: expected one wait step between each two "
                  "pieces"},
        error_row{R"j({"steps": [{"send": {"opcode": 1, "payload": "ab"}, "pieces": [1, 1],
                                  "between": {"wait": 0}}]})j",
                  "f.json: case t.1: steps[0].between: expected one wait step between each two "
                  "pieces"},
        error_row{R"j({"steps": [{"send": {"opcode": 1, "payload": "ab"}, "pieces": [1, 1],
                                  "between": [1]}]})j",
                  "f.json: case t.1: steps[0].between[0]: expected a wait step {\"wait\": S}"},
        error_row{R"j({"steps": [{"send": {"opcode": 1, "payload": "ab"}, "pieces": [1, 1],
                                  "between": [{"wait": 1, "recrod": "A"}]}]})j",
                  "f.json: case t.1: steps[0].between[0]: unknown field 'recrod' (wait step "
                  "fields: wait, record, until)"},
        error_row{R"j({"steps": [{"send": {"opcode": 1}, "between": []}]})j",
                  "f.json: case t.1: steps[0].between: \"between\" needs \"pieces\""},
        error_row{R"j({"steps": [{"send": {"opcode": 1}, "repeat": 0}]})j",
                  "f.json: case t.1: steps[0].repeat: expected a count from 1 to 10000000"},
        error_row{R"j({"steps": [{"send": {"opcode": 1}, "repeat": 10000001}]})j",
                  "f.json: case t.1: steps[0].repeat: expected a count from 1 to 10000000"},
        error_row{R"j({"steps": [{"send": {"opcode": 1, "payload": "a"}, "pieces": [1],
                                  "repeat": 2}]})j",
                  "f.json: case t.1: steps[0].repeat: a repeated send cannot have pieces"},
        error_row{R"j({"steps": [{"send": {"opcode": 1}, "within": 1}]})j",
                  "f.json: case t.1: steps[0].within: \"within\" bounds a \"repeat\""},
        error_row{R"j({"steps": [{"send": {"opcode": 1}, "repeat": 2, "within": 0}]})j",
                  "f.json: case t.1: steps[0].within: expected a number from 0.001 to 3600, got "
                  "0"},
        error_row{R"j({"steps": [{"send": {"opcode": 1}, "repeat": 2, "within": "1"}]})j",
                  "f.json: case t.1: steps[0].within: expected a number from 0.001 to 3600, got "
                  "\"1\""},
        error_row{R"j({"steps": [{"raw": "x", "sync": true}]})j",
                  "f.json: case t.1: steps[0]: a raw step has only \"raw\""},
        error_row{R"j({"steps": [{"raw": {"size": 2}}]})j",
                  "f.json: case t.1: steps[0].raw: {\"size\": N} (any content) is only for "
                  "expected events"},
        error_row{R"j({"steps": [{"close": {}, "wait": 1}]})j",
                  "f.json: case t.1: steps[0]: a close step has only \"close\""},
        error_row{R"j({"steps": [{"close": 1000}]})j",
                  "f.json: case t.1: steps[0].close: expected {\"close\": {\"code\": N, "
                  "\"reason\": \"...\"}}"},
        error_row{R"j({"steps": [{"close": {"cod": 1000}}]})j",
                  "f.json: case t.1: steps[0].close: unknown field 'cod' (close step fields: code, "
                  "reason, payload)"},
        error_row{R"j({"steps": [{"close": {"code": 1000, "payload": "x"}}]})j",
                  "f.json: case t.1: steps[0].close.payload: a raw close payload replaces "
                  "\"code\" and \"reason\""},
        error_row{R"j({"steps": [{"close": {"code": 65536}}]})j",
                  "f.json: case t.1: steps[0].close.code: expected an integer from 0 to 65535, got "
                  "65536"},
        error_row{R"j({"steps": [{"close": {"reason": "x"}}]})j",
                  "f.json: case t.1: steps[0].close.reason: a close reason needs a \"code\""},
        error_row{R"j({"steps": [{"close": {"code": 1000, "reason": 1}}]})j",
                  "f.json: case t.1: steps[0].close.reason: expected a string, got 1"},
        error_row{R"j({"steps": [{"close": {"payload": {"hex": "0"}}}]})j",
                  "f.json: case t.1: steps[0].close.payload: odd number of hex digits"},
        error_row{R"j({"steps": [{"wait": 1, "raw": "x"}]})j",
                  "f.json: case t.1: steps[0]: unknown field 'raw' (wait step fields: wait, "
                  "record, until)"},
        error_row{R"j({"steps": [{"wait": 1, "until": "message"}]})j",
                  "f.json: case t.1: steps[0].until: expected \"pong\""},
        error_row{R"j({"steps": [{"wait": "soon"}]})j",
                  "f.json: case t.1: steps[0].wait: expected seconds from 0 to 3600 or \"settle\""},
        error_row{R"j({"steps": [{"wait": 3601}]})j",
                  "f.json: case t.1: steps[0].wait: expected seconds from 0 to 3600 or \"settle\""},
        error_row{R"j({"steps": [{"wait": -1}]})j",
                  "f.json: case t.1: steps[0].wait: expected seconds from 0 to 3600 or \"settle\""},
        error_row{R"j({"steps": [{"wait": 1, "record": 1}]})j",
                  "f.json: case t.1: steps[0].record: expected a string, got 1"},
        error_row{R"j({"timer": {}})j",
                  "f.json: case t.1: timer: expected {\"kill\": S} or {\"close\": S}"},
        error_row{R"j({"timer": 1})j",
                  "f.json: case t.1: timer: expected {\"kill\": S} or {\"close\": S}"},
        error_row{R"j({"timer": {"kil": 1}})j",
                  "f.json: case t.1: timer: expected {\"kill\": S} or {\"close\": S}"},
        error_row{R"j({"timer": {"kill": 1, "close": 1}})j",
                  "f.json: case t.1: timer: expected {\"kill\": S} or {\"close\": S}"},
        error_row{R"j({"timer": {"kill": 3601}})j",
                  "f.json: case t.1: timer.kill: expected a number from 0 to 3600, got 3601"},
        error_row{R"j({"timer": {"close": "1"}})j",
                  "f.json: case t.1: timer.close: expected a number from 0 to 3600, got \"1\""}));

// Payload forms, wherever one is read (here: a frame's payload, an expected message).
INSTANTIATE_TEST_SUITE_P(
    CaseLoaderPayload, CaseLoaderError,
    ::testing::Values(
        error_row{R"j({"steps": [{"send": {"opcode": 1, "payload": 1}}]})j",
                  "f.json: case t.1: steps[0].send.payload: expected a string, {\"hex\": ...}, "
                  "{\"pattern\": ..., \"size\": N} or {\"pattern_hex\": ..., \"size\": N}"},
        error_row{R"j({"steps": [{"send": {"opcode": 1, "payload": {"size": 3}}}]})j",
                  "f.json: case t.1: steps[0].send.payload: {\"size\": N} (any content) is only "
                  "for expected events"},
        error_row{R"j({"steps": [{"send": {"opcode": 1, "payload": {"hex": "abc"}}}]})j",
                  "f.json: case t.1: steps[0].send.payload: odd number of hex digits"},
        error_row{R"j({"steps": [{"send": {"opcode": 1, "payload": {"hex": "0g"}}}]})j",
                  "f.json: case t.1: steps[0].send.payload: not a hex digit 'g' at position 1"},
        error_row{R"j({"steps": [{"send": {"opcode": 1, "payload": {"hex": 10}}}]})j",
                  "f.json: case t.1: steps[0].send.payload: expected {\"hex\": \"...\"}"},
        error_row{R"j({"steps": [{"send": {"opcode": 1, "payload": {"hex": "00", "size": 1}}}]})j",
                  "f.json: case t.1: steps[0].send.payload: expected {\"hex\": \"...\"}"},
        error_row{R"j({"steps": [{"send": {"opcode": 1, "payload": {"pattern": "a"}}}]})j",
                  "f.json: case t.1: steps[0].send.payload: expected a string, {\"hex\": ...}"},
        error_row{
            R"j({"steps": [{"send": {"opcode": 1, "payload": {"pattern": "a", "size": -1}}}]})j",
            "f.json: case t.1: steps[0].send.payload: expected a string, {\"hex\": ...}"},
        error_row{
            R"j({"steps": [{"send": {"opcode": 1, "payload": {"pattern": "a", "size": 2147483649}}}]})j",
            "f.json: case t.1: steps[0].send.payload: size is over 2 GiB"},
        error_row{
            R"j({"steps": [{"send": {"opcode": 1, "payload": {"pattern": "", "size": 1}}}]})j",
            "f.json: case t.1: steps[0].send.payload: the pattern is empty"},
        error_row{
            R"j({"steps": [{"send": {"opcode": 1, "payload": {"pattern_hex": " ", "size": 1}}}]})j",
            "f.json: case t.1: steps[0].send.payload: the pattern is empty"},
        error_row{R"j({"steps": [{"send": {"opcode": 1, "payload": {"pattern": 1, "size": 1}}}]})j",
                  "f.json: case t.1: steps[0].send.payload: the pattern must be a string"},
        error_row{
            R"j({"steps": [{"send": {"opcode": 1, "payload": {"pattern_hex": "x", "size": 1}}}]})j",
            "f.json: case t.1: steps[0].send.payload: not a hex digit 'x' at position 0"},
        error_row{
            R"j({"steps": [{"send": {"opcode": 1, "payload": {"pattern": "a", "size": 1, "x": 0}}}]})j",
            "f.json: case t.1: steps[0].send.payload: expected a string, {\"hex\": ...}"},
        error_row{
            R"j({"steps": [{"send": {"opcode": 1, "payload": {"patern": "a", "size": 1}}}]})j",
            "f.json: case t.1: steps[0].send.payload: expected a string, {\"hex\": ...}"},
        error_row{R"j({"expect": {"OK": [[{"message": {"text": 1}}]]}})j",
                  "f.json: case t.1: expect.OK[0][0].message.text: expected a string, {\"hex\": "
                  "...}, {\"pattern\": ..., \"size\": N}, {\"pattern_hex\": ..., \"size\": N} or "
                  "{\"size\": N}"},
        error_row{R"j({"expect": {"OK": [[{"message": {"binary": {"size": "1"}}}]]}})j",
                  "f.json: case t.1: expect.OK[0][0].message.binary: expected a string, "}));

// Expectations: verdict levels, events, the close expectation.
INSTANTIATE_TEST_SUITE_P(
    CaseLoaderExpect, CaseLoaderError,
    ::testing::Values(
        error_row{R"j({"expect": null})j",
                  "f.json: case t.1: expect: expected an object of verdict levels"},
        error_row{"FILE{\"group\": \"g\", \"cases\": [{\"id\": \"t.1\", \"title\": \"T\", "
                  "\"rfc\": \"1\", \"quote\": \"Q\", \"steps\": [], \"expect\": {}}]}",
                  "f.json: case t.1: expect: names no verdict level, so the case could never "
                  "pass"},
        error_row{R"j({"expect": [[]]})j",
                  "f.json: case t.1: expect: expected an object of verdict levels"},
        error_row{R"j({"expect": {"FAILED": [[]]}})j",
                  "f.json: case t.1: expect.FAILED: unknown verdict level (expected OK, "
                  "NON-STRICT or INFORMATIONAL)"},
        error_row{R"j({"expect": {"ok": [[]]}})j",
                  "f.json: case t.1: expect.ok: unknown verdict level"},
        error_row{R"j({"expect": {"OK": {}}})j",
                  "f.json: case t.1: expect.OK: expected a list of event lists"},
        error_row{R"j({"expect": {"OK": [[], {}]}})j",
                  "f.json: case t.1: expect.OK[1]: expected a list of events"},
        error_row{R"j({"expect": {"OK": [["pong"]]}})j",
                  "f.json: case t.1: expect.OK[0][0]: expected one of message, pong, timeout, "
                  "close, http_response, http_request, echoes"},
        error_row{R"j({"expect": {"OK": [[{}]]}})j",
                  "f.json: case t.1: expect.OK[0][0]: expected one of message, pong"},
        error_row{R"j({"expect": {"OK": [[{"pong": "", "timeout": "A"}]]}})j",
                  "f.json: case t.1: expect.OK[0][0]: expected one of message, pong"},
        error_row{R"j({"expect": {"OK": [[{"mesage": {"text": ""}}]]}})j",
                  "f.json: case t.1: expect.OK[0][0]: unknown event 'mesage'"},
        error_row{R"j({"expect": {"OK": [[{"message": "Hi"}]]}})j",
                  "f.json: case t.1: expect.OK[0][0].message: expected {\"text\": ...}, "
                  "{\"text_hex\": ...} or {\"binary\": ...}"},
        error_row{R"j({"expect": {"OK": [[{"message": {"text": "a", "binary": "a"}}]]}})j",
                  "f.json: case t.1: expect.OK[0][0].message: expected {\"text\": ...}"},
        error_row{R"j({"expect": {"OK": [[{"message": {"txt": "a"}}]]}})j",
                  "f.json: case t.1: expect.OK[0][0].message: unknown field 'txt' (message "
                  "event fields: text, text_hex, binary)"},
        error_row{R"j({"expect": {"OK": [[{"message": {"text_hex": 1}}]]}})j",
                  "f.json: case t.1: expect.OK[0][0].message.text_hex: expected a string, got 1"},
        error_row{R"j({"expect": {"OK": [[{"message": {"text_hex": "c"}}]]}})j",
                  "f.json: case t.1: expect.OK[0][0].message.text_hex: odd number of hex digits"},
        error_row{R"j({"expect": {"OK": [[{"pong": 1}]]}})j",
                  "f.json: case t.1: expect.OK[0][0].pong: expected a string, {\"hex\": ...}"},
        error_row{R"j({"expect": {"OK": [[{"timeout": 1}]]}})j",
                  "f.json: case t.1: expect.OK[0][0].timeout: expected a string, got 1"},
        error_row{R"j({"expect": {"OK": [[{"echoes": -1}]]}})j",
                  "f.json: case t.1: expect.OK[0][0].echoes: expected an integer from 0 to "
                  "10000000, got -1"},
        error_row{R"j({"expect": {"OK": [[{"close": 1000}]]}})j",
                  "f.json: case t.1: expect.OK[0][0].close: expected {\"code\": N or null, "
                  "\"reason\": ...}"},
        error_row{R"j({"expect": {"OK": [[{"close": {"cod": 1000}}]]}})j",
                  "f.json: case t.1: expect.OK[0][0].close: unknown field 'cod' (close event "
                  "fields: code, reason)"},
        error_row{R"j({"expect": {"OK": [[{"close": {}}]]}})j",
                  "f.json: case t.1: expect.OK[0][0].close: missing field 'code' (null for an "
                  "empty close)"},
        error_row{R"j({"expect": {"OK": [[{"close": {"code": 70000}}]]}})j",
                  "f.json: case t.1: expect.OK[0][0].close.code: expected an integer from 0 to "
                  "65535, got 70000"},
        error_row{R"j({"expect": {"OK": [[{"close": {"code": 1000, "reason": 1}}]]}})j",
                  "f.json: case t.1: expect.OK[0][0].close.reason: expected a string, "},
        error_row{R"j({"expect": {"OK": [[{"http_response": 101}]]}})j",
                  "f.json: case t.1: expect.OK[0][0].http_response: expected an object"},
        error_row{R"j({"expect": {"OK": [[{"http_response": {"stauts": 101}}]]}})j",
                  "f.json: case t.1: expect.OK[0][0].http_response: unknown field 'stauts' ("
                  "HTTP event fields: status, method, fields, exact, absent)"},
        error_row{R"j({"expect": {"OK": [[{"http_request": {"status": 101}}]]}})j",
                  "f.json: case t.1: expect.OK[0][0].http_request.status: a request has no "
                  "status"},
        error_row{R"j({"expect": {"OK": [[{"http_response": {"status": 42}}]]}})j",
                  "f.json: case t.1: expect.OK[0][0].http_response.status: expected an HTTP "
                  "status from 100 to 999"},
        error_row{R"j({"expect": {"OK": [[{"http_response": {"method": "GET"}}]]}})j",
                  "f.json: case t.1: expect.OK[0][0].http_response.method: a response has no "
                  "method"},
        error_row{R"j({"expect": {"OK": [[{"http_request": {"method": 1}}]]}})j",
                  "f.json: case t.1: expect.OK[0][0].http_request.method: expected a string, got "
                  "1"},
        error_row{R"j({"expect": {"OK": [[{"http_response": {"fields": ["Upgrade"]}}]]}})j",
                  "f.json: case t.1: expect.OK[0][0].http_response.fields: expected "
                  "{\"Field-Name\": \"value\", …}"},
        error_row{R"j({"expect": {"OK": [[{"http_response": {"fields": {"Upgrade": 1}}}]]}})j",
                  "f.json: case t.1: expect.OK[0][0].http_response.fields.Upgrade: expected a "
                  "string, got 1"},
        error_row{R"j({"expect": {"OK": [[{"http_response": {"exact": {"X": null}}}]]}})j",
                  "f.json: case t.1: expect.OK[0][0].http_response.exact.X: expected a string, "
                  "got null"},
        error_row{R"j({"expect": {"OK": [[{"http_response": {"absent": "X"}}]]}})j",
                  "f.json: case t.1: expect.OK[0][0].http_response.absent: expected a list of "
                  "field names"},
        error_row{R"j({"expect": {"OK": [[{"http_response": {"absent": ["X", 1]}}]]}})j",
                  "f.json: case t.1: expect.OK[0][0].http_response.absent[1]: expected a string, "
                  "got 1"},
        error_row{R"j({"close": null})j", "f.json: case t.1: missing field 'close'"},
        error_row{R"j({"close": "harness"})j",
                  "f.json: case t.1: close: expected {\"by\": ..., \"codes\": [...], \"clean\": "
                  "...}"},
        error_row{R"j({"close": {"cleen": true}})j",
                  "f.json: case t.1: close: unknown field 'cleen' (close expectation fields: by, "
                  "codes, clean, empty, reason)"},
        error_row{R"j({"close": {"by": null}})j",
                  "f.json: case t.1: close.by: expected \"harness\", \"peer\" or \"none\""},
        error_row{R"j({"close": {"by": "server"}})j",
                  "f.json: case t.1: close.by: expected \"harness\", \"peer\" or \"none\""},
        error_row{R"j({"close": {"codes": null}})j",
                  "f.json: case t.1: close.codes: expected a non-empty list of close codes"},
        error_row{R"j({"close": {"codes": []}})j",
                  "f.json: case t.1: close.codes: expected a non-empty list of close codes"},
        error_row{R"j({"close": {"codes": 1000}})j",
                  "f.json: case t.1: close.codes: expected a non-empty list of close codes"},
        error_row{R"j({"close": {"codes": [1000, 65536]}})j",
                  "f.json: case t.1: close.codes[1]: expected an integer from 0 to 65535, got "
                  "65536"},
        error_row{R"j({"close": {"clean": null}})j",
                  "f.json: case t.1: close.clean: expected true or false, got null"},
        error_row{R"j({"close": {"clean": "yes"}})j",
                  "f.json: case t.1: close.clean: expected true or false, got \"yes\""},
        error_row{R"j({"close": {"empty": "never"}})j",
                  "f.json: case t.1: close.empty: expected \"allowed\", \"forbidden\" or "
                  "\"required\""},
        error_row{R"j({"close": {"empty": false}})j",
                  "f.json: case t.1: close.empty: expected \"allowed\", \"forbidden\" or "
                  "\"required\""},
        error_row{R"j({"close": {"reason": 1}})j",
                  "f.json: case t.1: close.reason: expected a string, got 1"},
        error_row{R"j({"close": {"by": "none"},
                      "expect": {"OK": [[{"http_response": {}}]]}})j",
                  "f.json: case t.1: close.codes: means nothing when no connection may open "
                  "(\"by\": \"none\")"},
        error_row{R"j({"close": {"by": "none", "codes": null, "clean": false},
                      "expect": {"OK": [[{"http_response": {}}]]}})j",
                  "f.json: case t.1: close.clean: means nothing when no connection may open"},
        error_row{R"j({"close": {"by": "none", "codes": null, "clean": null, "empty": "allowed"},
                      "expect": {"OK": [[{"http_response": {}}]]}})j",
                  "f.json: case t.1: close.empty: means nothing when no connection may open"},
        error_row{R"j({"close": {"by": "none", "codes": null, "clean": null, "reason": "x"},
                      "expect": {"OK": [[{"http_response": {}}]]}})j",
                  "f.json: case t.1: close.reason: means nothing when no connection may open"},
        error_row{R"j({"close": {"by": "none", "codes": null, "clean": null}})j",
                  "f.json: case t.1: close: \"by\": \"none\" needs an expected http_response or "
                  "http_request event to judge the refusal by"}));

// ---------------------------------------------------------------------------------------------
// Directories, merging, the built-in catalog and the writer's round trip.

class CaseLoaderDir : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("wsspec-case-loader-" +
                std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::remove_all(dir_);
        std::filesystem::create_directories(dir_ / "sub");
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    void write(const std::string& name, const std::string& text) {
        std::ofstream(dir_ / name) << text;
    }
    static std::string file_with(std::initializer_list<const char*> ids) {
        json cases = json::array();
        for (const char* id : ids) {
            json c = base_case;
            c["id"] = id;
            cases.push_back(c);
        }
        return json{{"group", "d"}, {"cases", cases}}.dump();
    }
    std::filesystem::path dir_;
};

TEST_F(CaseLoaderDir, LoadsEveryJsonFileSortedById) {
    write("b.json", file_with({"1.10", "1.2"}));
    write("sub/a.json", file_with({"1.9", "2.1"}));
    write("case.schema.json", "{\"not\": \"a case file\"}");
    write("notes.txt", "not json");
    auto r = load_case_dir(dir_.string());
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(ids(*r), (strings{"1.2", "1.9", "1.10", "2.1"}));
}

TEST_F(CaseLoaderDir, Errors) {
    auto r = load_case_dir((dir_ / "missing").string());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message,
              "case directory '" + (dir_ / "missing").string() + "' does not exist");
    write("a.json", file_with({"1.1"}));
    write("b.json", file_with({"1.1"}));
    r = load_case_dir(dir_.string());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, (dir_ / "b.json").string() + ": case 1.1 is also defined in " +
                                     (dir_ / "a.json").string());
    write("b.json", "{\"group\": \"d\", \"cases\": [{\"id\": \"x\"}]}");
    r = load_case_dir(dir_.string());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, (dir_ / "b.json").string() + ": case x: missing field 'title'");
}

TEST(CaseLoaderMerge, ReplacesByIdAndSorts) {
    auto base = *load(json{{"group", "g"}, {"cases", {base_case}}}.dump());
    json other = base_case;
    other["id"] = "0.1";
    json replaced = base_case;
    replaced["title"] = "New";
    auto more = *load(json{{"group", "u"}, {"cases", {other, replaced}}}.dump());
    merge_cases(base, more);
    ASSERT_EQ(ids(base), (strings{"0.1", "t.1"}));
    EXPECT_EQ(base[1].title, "New");
    EXPECT_EQ(base[1].group, "u");
}

// Writes a case and loads it back: the loaded case must write the same JSON again.
void expect_round_trip(const case_def& c) {
    SCOPED_TRACE("case " + c.id);
    json written = case_to_json(c);
    auto file = case_file_json(c.group, c.group_title, {c});
    auto back = load(file.dump());
    ASSERT_TRUE(back) << back.error().message << "\n" << written.dump(2);
    ASSERT_EQ(back->size(), 1u);
    EXPECT_EQ(case_to_json(back->front()), written);
    EXPECT_EQ(back->front().group, c.group);
    EXPECT_EQ(back->front().group_title, c.group_title);
}

TEST(CaseLoaderRoundTrip, EveryBuiltinCase) {
    auto all = builtin_catalog();
    ASSERT_TRUE(all) << all.error().message;
    EXPECT_GE(all->size(), 247u); // categories 1-7 and 10 at least
    for (const auto& c : *all)
        expect_round_trip(c);
}

TEST(CaseLoaderRoundTrip, EveryField) {
    auto cases = load_ok(R"j({"group": "rt", "title": "Round trip", "cases": [
      {"id": "rt.1", "title": "T", "description": "D", "rfc": "4.1", "quote": "Q",
       "requirement": "must", "note": "N", "roles": ["client", "server"],
       "headers": ["X-A: 1"],
       "handshake": {"request": {"method": "POST", "target": "/t", "version": "HTTP/1.0",
                                 "remove": ["Origin"], "replace": ["Upgrade: x"], "add": ["X: y"]},
                     "response": {"status": 426, "reason_phrase": "Up", "add": ["Z: 1"]},
                     "chop": 2, "with_first_frame": true},
       "extensions": {"offer": "permessage-deflate", "require": "permessage-deflate",
                      "accept": ["permessage-deflate; client_max_window_bits=10"]},
       "steps": [
         {"send": {"opcode": "text", "payload": "first"}},
         {"send": {"opcode": "ping", "fin": false, "rsv": 3, "payload": {"hex": "00ff"},
                   "mask": "none", "length": "64", "declared_length": 7},
          "fragment": 1, "sync": true, "chop": 2},
         {"send": {"opcode": 5, "mask": "01020304", "length": "7",
                   "payload": {"pattern": "ab", "size": 3}},
          "pieces": [1, 2], "between": [{"wait": 0.25, "record": "P"}]},
         {"send": {"opcode": "binary", "payload": {"pattern_hex": "fe", "size": 9}},
          "repeat": 10, "within": 5},
         {"send": {"opcode": "text", "length": "16"}},
         {"raw": {"hex": "8a00"}},
         {"raw": "abc"},
         {"wait": "settle", "until": "pong"},
         {"wait": 0.5, "record": "W"},
         {"close": {"code": 1000, "reason": "bye"}},
         {"close": {"payload": {"hex": "03"}}},
         {"close": {}}],
       "timer": {"close": 2},
       "expect": {
         "OK": [[{"message": {"text": "Hi"}}, {"message": {"text_hex": "ff"}},
                 {"message": {"binary": {"hex": "00"}}}, {"message": {"binary": {"size": 9}}},
                 {"message": {"text": {"pattern": "*", "size": 70000}}},
                 {"pong": ""}, {"timeout": "W"}, {"echoes": 10},
                 {"close": {"code": null}}, {"close": {"code": 1000, "reason": "bye"}},
                 {"close": {"code": 1001, "reason": {"hex": "ff"}}}]],
         "NON-STRICT": [[{"http_response": {"status": 101, "fields": {"Upgrade": "websocket"},
                                            "exact": {"X": "Y"}, "absent": ["Z"]}},
                         {"http_request": {"method": "GET"}}]],
         "INFORMATIONAL": [[]]},
       "close": {"by": "peer", "codes": [1002, 1007], "clean": false, "empty": "required",
                 "reason": "r"},
       "close_failure_fatal": true, "wrong_endpoint_fatal": true, "suppress_close": true,
       "pongs_apart": true, "informational": true, "close_after_events": 2, "quirks": ["q"]},
      {"id": "rt.2", "title": "T", "rfc": "4.1", "quote": "Q",
       "handshake": {"raw": {"hex": "0d0a"}, "response": {"version": "HTTP/1.0"}},
       "extensions": {"offer": "x"},
       "steps": [], "timer": {"kill": 0.5},
       "expect": {"OK": [[{"http_response": {"status": 400}}]]},
       "close": {"by": "none"}},
      {"id": "rt.3", "title": "T", "rfc": "4.1", "quote": "Q", "steps": [],
       "expect": {"OK": [[]]},
       "close": {"by": "harness", "codes": [1000], "clean": true, "empty": "forbidden"}}]})j");
    ASSERT_EQ(cases.size(), 3u);
    for (const auto& c : cases)
        expect_round_trip(c);
    // The writer leaves out what is the default, and keeps what is not.
    json w = case_to_json(cases[0]);
    EXPECT_EQ(w["handshake"]["chop"], 2);
    EXPECT_EQ(w["steps"][3]["within"], 5.0);
    EXPECT_EQ(w["expect"]["OK"][0][1], json::parse(R"j({"message": {"text_hex": "ff"}})j"));
    EXPECT_EQ(w["close"]["empty"], "required");
    EXPECT_FALSE(case_to_json(cases[2]).contains("roles"));
    EXPECT_EQ(case_to_json(cases[1])["close"], json::parse(R"j({"by": "none"})j"));
}

TEST(CaseLoaderRoundTrip, FamilyExpandsToPlainCases) {
    auto cases =
        family(R"j({"id": "f.{n}", "params": {"columns": ["n", "p"], "rows": [[1, "a"], [2, "b"]]},
        "steps": [{"send": {"opcode": "text", "payload": "{p}"}}]})j");
    ASSERT_EQ(cases.size(), 2u);
    for (const auto& c : cases) {
        expect_round_trip(c);
        EXPECT_FALSE(case_to_json(c).contains("params"));
    }
}

// A payload changed in place (the live fuzzer's edit()) is written and compared by its bytes.
TEST(CaseLoaderRoundTrip, EditedPayload) {
    auto c = one("{}");
    auto& data = c.steps.at(0).frame.data;
    data = payload();
    data.edit() = b("grown");
    EXPECT_FALSE(data.empty());
    EXPECT_EQ(data.size(), 5u);
    EXPECT_EQ(data, payload(b("grown")));
    EXPECT_TRUE(data.matches(payload(b("grown"))));
    EXPECT_EQ(data.sha1(), payload(b("grown")).sha1());
    EXPECT_EQ(case_to_json(c)["steps"][0]["send"]["payload"], "grown");
    expect_round_trip(c);
    data.edit().clear();
    EXPECT_TRUE(data.empty());
    EXPECT_EQ(data, payload());
    expect_round_trip(c);
}

} // namespace
