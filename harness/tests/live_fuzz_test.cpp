// The live fuzzer's parts: generation is a pure function of (seed, run), generated cases survive
// the case-file round trip, the conformant-server model agrees with the reference server on
// every generated case, and the shrinker finds the small reproducer.
#include <gtest/gtest.h>

#include <cstdlib>

#include "harness/catalog/case_loader.hpp"
#include "harness/catalog/case_writer.hpp"
#include "harness/engine/case_runner.hpp"
#include "harness/engine/verdict.hpp"
#include "harness/live_fuzz/generator.hpp"
#include "harness/live_fuzz/oracle.hpp"
#include "harness/live_fuzz/shrinker.hpp"
#include "harness/server/reference_server.hpp"
#include "reports/report.hpp"

namespace wsspec::live_fuzz {
namespace {

using catalog::bytes;
using catalog::case_def;
using catalog::step_def;

std::string dump(const case_def& c) {
    return catalog::case_to_json(c).dump();
}

step_def send(std::uint8_t op, bytes payload, bool fin = true) {
    step_def s;
    s.frame.opcode = op;
    s.frame.data = catalog::payload(std::move(payload));
    s.frame.fin = fin;
    return s;
}

bytes text(std::string_view s) {
    return bytes(s.begin(), s.end());
}

TEST(LiveFuzzGenerator, SameSeedAndRunSameCaseOtherwiseDifferent) {
    generator_options o;
    EXPECT_EQ(dump(generate(7, 42, o)), dump(generate(7, 42, o)));
    EXPECT_NE(dump(generate(7, 42, o)), dump(generate(7, 43, o)));
    EXPECT_NE(dump(generate(7, 42, o)), dump(generate(8, 42, o)));
    auto c = generate(7, 42, o);
    EXPECT_EQ(c.id, "fuzz.7.42");
    ASSERT_FALSE(c.steps.empty());
    EXPECT_EQ(c.steps.back().frame.opcode, 0x9);
    EXPECT_EQ(c.steps.back().frame.data.materialize(), probe_payload(42));
    EXPECT_LE(c.steps.size() - 1, o.max_steps * 12)
        << "a step adds at most a message's fragments and pings";
}

TEST(LiveFuzzGenerator, CoversTheMutationsTheIssueNames) {
    // Over a few hundred runs every kind of mutation shows up at least once.
    bool rsv = false, reserved_op = false, unmasked = false, long_len = false, lying = false,
         fragmented = false, chopped = false, raw = false, close = false, control_between = false,
         headers = false, big = false;
    for (std::uint64_t run = 0; run < 400; ++run) {
        auto c = generate(1, run, {});
        headers |= !c.headers.empty();
        bool in_message = false;
        for (const auto& s : c.steps) {
            const auto& f = s.frame;
            raw |= s.type == step_def::kind::raw;
            if (s.type != step_def::kind::send) continue;
            rsv |= f.rsv != 0;
            reserved_op |= (f.opcode >= 3 && f.opcode <= 7) || f.opcode >= 0xb;
            unmasked |= f.mask == catalog::frame_def::mask_mode::none;
            long_len |= f.encoding != length_encoding::minimal;
            lying |= f.declared_length.has_value();
            fragmented |= s.fragment > 0 || !f.fin;
            chopped |= s.chop > 0;
            close |= f.opcode == 0x8;
            big |= f.data.size() > 65535;
            control_between |= in_message && (f.opcode == 0x9 || f.opcode == 0xa);
            if (f.opcode < 3) in_message = !f.fin;
        }
    }
    EXPECT_TRUE(rsv && reserved_op && unmasked && long_len && lying && fragmented && chopped &&
                raw && close && control_between && headers && big)
        << rsv << reserved_op << unmasked << long_len << lying << fragmented << chopped << raw
        << close << control_between << headers << big;
}

TEST(LiveFuzzGenerator, CasesSurviveTheCaseFileRoundTrip) {
    for (std::uint64_t run = 0; run < 200; ++run) {
        auto c = generate(3, run, {});
        set_expectation(c, model_server(c), 2.0);
        auto doc = catalog::case_file_json("fuzz", "round trip", {c});
        auto back = catalog::load_case_file(doc.dump(), "mem.json");
        ASSERT_TRUE(back.has_value()) << back.error().message << "\n" << doc.dump(2);
        ASSERT_EQ(back->size(), 1u);
        EXPECT_EQ(dump((*back)[0]), dump(c)) << "run " << run;
    }
}

TEST(LiveFuzzOracle, ModelsWhatAConformantServerDoes) {
    case_def c;
    c.steps = {send(0x1, text("Hel"), false), send(0x9, text("p1")), send(0x0, text("lo")),
               send(0x2, {1, 2})};
    append_probe(c, 5);
    auto m = model_server(c);
    EXPECT_EQ(m.how, model_outcome::end::open);
    ASSERT_EQ(m.events.size(), 4u);
    EXPECT_EQ(m.events[0].type, catalog::event::kind::pong); // §5.4: answered between fragments
    EXPECT_EQ(m.events[1].data.materialize(), text("Hello"));
    EXPECT_EQ(m.events[2].type, catalog::event::kind::binary);
    EXPECT_EQ(m.events[3].data.materialize(), probe_payload(5));

    case_def bad_utf8;
    bad_utf8.steps = {send(0x1, text("ok")), send(0x1, {0xce, 0xba, 0xed, 0xa0, 0x80})};
    append_probe(bad_utf8, 1);
    m = model_server(bad_utf8);
    EXPECT_EQ(m.how, model_outcome::end::failed);
    EXPECT_EQ(m.error, codec_error::invalid_utf8);
    EXPECT_EQ(m.close_code, 1007);
    EXPECT_EQ(m.events.size(), 1u);

    case_def unmasked;
    unmasked.steps = {send(0x2, {1})};
    unmasked.steps[0].frame.mask = catalog::frame_def::mask_mode::none;
    m = model_server(unmasked);
    EXPECT_EQ(m.how, model_outcome::end::failed);
    EXPECT_EQ(m.close_code, 1002);

    EXPECT_TRUE(m.error_frame_complete);

    // RSV1 on a frame whose 104-byte payload never comes: a server may read the whole frame
    // before it checks the bits, so waiting is not a hang (python-websockets does this).
    case_def unfinished;
    catalog::step_def raw;
    raw.type = step_def::kind::raw;
    raw.raw = catalog::payload(catalog::bytes{0xd0, 0xe8});
    unfinished.steps = {raw};
    append_probe(unfinished, 79);
    m = model_server(unfinished);
    EXPECT_EQ(m.how, model_outcome::end::failed);
    EXPECT_EQ(m.error, codec_error::reserved_bits_set);
    EXPECT_FALSE(m.error_frame_complete);

    case_def longer; // the header promises more than follows: the server waits
    longer.steps = {send(0x2, {1, 2, 3})};
    longer.steps[0].frame.declared_length = 1000;
    append_probe(longer, 1);
    EXPECT_EQ(model_server(longer).how, model_outcome::end::incomplete);

    case_def closing;
    closing.steps = {send(0x8, {0x03, 0xe8, 'b', 'y', 'e'})};
    append_probe(closing, 1);
    m = model_server(closing);
    EXPECT_EQ(m.how, model_outcome::end::closed);
    EXPECT_EQ(m.close_code, 1000);
    EXPECT_TRUE(m.events.empty()) << "nothing after the close frame is answered";
}

// The model and the reference server are two implementations of the same RFC: on every
// generated case the server must earn OK against the model's expectation.
TEST(LiveFuzzOracle, ReferenceServerPassesEveryGeneratedCase) {
    auto srv = server::reference_server::start({});
    ASSERT_TRUE(srv.has_value());
    engine::run_options o;
    o.target = *transport::parse_url("ws://127.0.0.1:" + std::to_string((*srv)->port()) + "/");
    int incomplete = 0;
    // WSSPEC_ORACLE_RUNS=N checks more runs (a longer soak than ctest needs).
    const char* env = std::getenv("WSSPEC_ORACLE_RUNS");
    const std::uint64_t runs = env ? std::strtoull(env, nullptr, 10) : 150;
    for (std::uint64_t run = 0; run < runs; ++run) {
        auto c = generate(11, run, {});
        auto m = model_server(c);
        if (m.how == model_outcome::end::incomplete) {
            ++incomplete; // nothing to compare: the server may end it with 1009 or wait
            continue;
        }
        set_expectation(c, m, 2.0);
        auto r = engine::run_case(c, o);
        EXPECT_EQ(r.behavior, report::verdict::ok) << "run " << run << ": " << r.reason << "\n"
                                                   << describe(m) << "\n"
                                                   << catalog::case_to_json(c).dump(1);
        EXPECT_FALSE(r.server_violation.has_value()) << "run " << run;
    }
    EXPECT_LT(incomplete, static_cast<int>(runs / 4)) << "most runs should reach the probe";
}

TEST(LiveFuzzOracle, PongsMayOvertakeEchoesButKeepTheirOwnOrder) {
    using catalog::event;
    event m1{event::kind::text, text("a"), {}},
        m2{event::kind::binary, catalog::payload(catalog::bytes{1}), {}};
    event p1{event::kind::pong, text("1"), {}}, p2{event::kind::pong, text("2"), {}};
    case_def c;
    set_expectation(c, model_outcome{}, 1.0);
    ASSERT_TRUE(c.pongs_apart) << "generated cases allow it";
    EXPECT_TRUE(engine::outcome_matches(c, {m1, p1, m2, p2}, {p1, p2, m1, m2}));
    EXPECT_TRUE(engine::outcome_matches(c, {m1, p1, m2, p2}, {m1, p1, m2, p2}));
    EXPECT_FALSE(engine::outcome_matches(c, {m1, p1, m2, p2}, {p2, p1, m1, m2}))
        << "pongs in their order";
    EXPECT_FALSE(engine::outcome_matches(c, {m1, p1, m2, p2}, {p1, p2, m2, m1}))
        << "messages in theirs";
    EXPECT_FALSE(engine::outcome_matches(c, {m1, p1}, {m1, p1, p1}));
    c.pongs_apart = false;
    EXPECT_FALSE(engine::outcome_matches(c, {m1, p1, m2, p2}, {p1, p2, m1, m2}))
        << "catalog cases: exact order";
}

TEST(LiveFuzzShrinker, FindsTheSmallestCaseThatStillReproduces) {
    case_def c = generate(5, 9, {.max_steps = 16});
    // Insert the "culprit": a 300-byte binary message chopped into writes; the finding
    // reproduces while any binary frame of at least 10 bytes is sent.
    auto culprit = send(0x2, bytes(300, 0x41));
    culprit.chop = 7;
    c.steps.insert(c.steps.begin() + static_cast<std::ptrdiff_t>(c.steps.size() / 2), culprit);
    auto reproduces = [](const case_def& k) {
        for (const auto& s : k.steps)
            if (s.type == step_def::kind::send && s.frame.opcode == 0x2 &&
                s.frame.data.size() >= 10)
                return true;
        return false;
    };
    ASSERT_TRUE(reproduces(c));
    shrink_stats st;
    auto small = shrink(c, reproduces, 500, st);
    ASSERT_EQ(small.steps.size(), 2u) << dump(small);
    EXPECT_EQ(small.steps[0].frame.opcode, 0x2);
    EXPECT_GE(small.steps[0].frame.data.size(), 10u);
    EXPECT_LT(small.steps[0].frame.data.size(), 20u) << "halving stops between 10 and 19 bytes";
    EXPECT_EQ(small.steps[0].chop, 0u);
    EXPECT_EQ(small.steps[1].frame.data, c.steps.back().frame.data) << "the probe stays";
    EXPECT_TRUE(reproduces(small));
    EXPECT_GT(st.attempts, 0u);

    shrink_stats limited;
    shrink(c, reproduces, 3, limited);
    EXPECT_EQ(limited.attempts, 3u) << "the budget bounds the runs against the server";
}

} // namespace
} // namespace wsspec::live_fuzz
