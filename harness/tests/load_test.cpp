// `wsspec load`: the histogram's accuracy bound, the echo frames, and the command run for real
// (WSSPEC_BINARY) against the reference server and against servers that misbehave on purpose.
#include <gtest/gtest.h>


#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "codec/frame_encoder.hpp"
#include "codec/handshake/server_request.hpp"
#include "codec/mask.hpp"
#include "codec/message_assembler.hpp"
#include "harness/load/detail/echo_frames.hpp"
#include "harness/load/histogram.hpp"
#include "harness/server/reference_server.hpp"
#include "harness/tests/cli_util.hpp"
#include "harness/transport/listener.hpp"
#include "harness/transport/test_cert.hpp"

namespace wsspec::load {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// ---- histogram ----

// The exact percentile as the histogram defines it: the sample at rank ceil(p/100 * n).
std::uint64_t exact_percentile(std::vector<std::uint64_t> sorted, double p) {
    auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * sorted.size() - 1e-9));
    rank = std::clamp<std::size_t>(rank, 1, sorted.size());
    return sorted[rank - 1];
}

void expect_within_bound(const std::vector<std::uint64_t>& samples) {
    log_linear_histogram h;
    for (auto v : samples)
        h.record(v);
    std::vector<std::uint64_t> sorted = samples;
    std::sort(sorted.begin(), sorted.end());
    ASSERT_EQ(h.count(), samples.size());
    EXPECT_EQ(h.min(), sorted.front());
    EXPECT_EQ(h.max(), sorted.back());
    for (double p : {0.1, 1.0, 10.0, 25.0, 50.0, 75.0, 90.0, 99.0, 99.9, 99.99, 100.0}) {
        const std::uint64_t exact = exact_percentile(sorted, p);
        const std::uint64_t got = h.percentile(p);
        EXPECT_GE(got, exact) << "p" << p;
        EXPECT_LE(static_cast<double>(got), exact * (1 + h.relative_error())) << "p" << p;
    }
}

TEST(LoadHistogram, SmallValuesAreExact) {
    log_linear_histogram h;
    for (std::uint64_t v = 0; v < 2048; ++v)
        h.record(v);
    EXPECT_EQ(h.percentile(50), 1023u);
    EXPECT_EQ(h.percentile(100), 2047u);
    EXPECT_EQ(h.percentile(0.05), 1u); // rank ceil(1.024) = 2: the value 1
    EXPECT_EQ(h.relative_error(), 1.0 / 1024);
}

TEST(LoadHistogram, PercentilesWithinTheRelativeErrorOnKnownDistributions) {
    std::mt19937_64 rng(42);
    std::vector<std::uint64_t> uniform, exponential, lognormal, bimodal;
    std::uniform_int_distribution<std::uint64_t> u(1, 1'000'000'000);
    std::exponential_distribution<double> e(1.0 / 50'000);
    std::lognormal_distribution<double> l(std::log(30'000.0), 1.0);
    std::normal_distribution<double> fast(20'000, 2'000), slow(5'000'000, 500'000);
    for (int i = 0; i < 200'000; ++i) {
        uniform.push_back(u(rng));
        exponential.push_back(static_cast<std::uint64_t>(e(rng)));
        lognormal.push_back(static_cast<std::uint64_t>(l(rng)));
        bimodal.push_back(
            static_cast<std::uint64_t>(std::max(0.0, i % 100 ? fast(rng) : slow(rng))));
    }
    SCOPED_TRACE("uniform");
    expect_within_bound(uniform);
    SCOPED_TRACE("exponential");
    expect_within_bound(exponential);
    SCOPED_TRACE("lognormal");
    expect_within_bound(lognormal);
    SCOPED_TRACE("bimodal");
    expect_within_bound(bimodal);
}

TEST(LoadHistogram, BucketsCoverEveryValueOnce) {
    log_linear_histogram h;
    std::mt19937_64 rng(7);
    for (int i = 0; i < 100'000; ++i) {
        const std::uint64_t v = rng() >> (rng() % 40 + 24); // every magnitude up to 2^40
        const std::size_t idx = h.index_of(v);
        EXPECT_GE(h.highest_equivalent(idx), v);
        EXPECT_EQ(h.index_of(h.highest_equivalent(idx)), idx);
        if (idx > 0) {
            EXPECT_LT(h.highest_equivalent(idx - 1), v);
        }
    }
}

TEST(LoadHistogram, MergeEqualsRecordingEverythingInOne) {
    log_linear_histogram a, b, all;
    std::mt19937_64 rng(3);
    for (int i = 0; i < 10'000; ++i) {
        const std::uint64_t v = rng() % 10'000'000;
        (i % 3 ? a : b).record(v);
        all.record(v);
    }
    a.merge(b);
    EXPECT_EQ(a.count(), all.count());
    EXPECT_EQ(a.min(), all.min());
    EXPECT_EQ(a.max(), all.max());
    for (double p : {50.0, 90.0, 99.0, 99.9})
        EXPECT_EQ(a.percentile(p), all.percentile(p));
}

TEST(LoadHistogram, EmptyAndOutOfRange) {
    log_linear_histogram h(11, 1'000'000);
    EXPECT_EQ(h.percentile(99), 0u);
    EXPECT_EQ(h.count(), 0u);
    h.record(5'000'000'000); // above `highest`: counted, and the maximum stays exact
    EXPECT_EQ(h.count(), 1u);
    EXPECT_EQ(h.max(), 5'000'000'000u);
    EXPECT_EQ(h.percentile(100), 5'000'000'000u);
    EXPECT_GE(h.percentile(50), 1'000'000u);
}

// ---- echo frames ----

TEST(LoadHistogram, LogBinsHoldEverySampleInBinsThatGrowByAQuarterOctave) {
    log_linear_histogram h;
    EXPECT_TRUE(h.log_bins().empty());
    for (std::uint64_t v : {3000u, 3100u, 9000u, 250000u, 250000u})
        h.record(v);
    auto bins = h.log_bins(4);
    ASSERT_FALSE(bins.empty());
    std::uint64_t n = 0;
    for (std::size_t k = 0; k < bins.size(); ++k) {
        n += bins[k].second;
        if (k) {
            EXPECT_NEAR(bins[k].first / bins[k - 1].first, std::exp2(0.25), 1e-9);
        }
    }
    EXPECT_EQ(n, 5u);
    // The first bin holds the smallest sample, the last the largest, each below its bound.
    EXPECT_GE(bins.front().first, 3000.0);
    EXPECT_LT(bins.front().first / std::exp2(0.25), 3000.0);
    EXPECT_GT(bins.front().second, 0u);
    EXPECT_GE(bins.back().first, 250000.0);
    EXPECT_EQ(bins.back().second, 2u);
}

TEST(LoadEchoFrames, FramesCarryTheSequenceNumberAndUnmaskToThePayload) {
    const mask_key key{0x11, 0x22, 0x33, 0x44};
    for (auto type : {payload_type::text, payload_type::binary}) {
        const auto base = detail::make_base_payload(300, type);
        detail::echo_frames frames(base, type, key, 3);
        const auto bytes = frames.prepare(0x1234'5678, 3);
        ASSERT_EQ(bytes.size(), 3 * frames.frame_size());
        for (unsigned i = 0; i < 3; ++i) {
            std::vector<std::uint8_t> frame(bytes.begin() + i * frames.frame_size(),
                                            bytes.begin() + (i + 1) * frames.frame_size());
            message_assembler a({.frame = {.local_role = role::server}});
            auto r = a.feed(frame);
            ASSERT_EQ(r.status, message_status::data);
            EXPECT_EQ(r.op, type == payload_type::text ? opcode::text : opcode::binary);
            ASSERT_EQ(r.payload.size(), 300u);
            EXPECT_EQ(detail::find_mismatch(r.payload, 0, 0x1234'5678 + i, base), 300u);
            EXPECT_EQ(detail::find_mismatch(r.payload, 0, 0x1234'5678 + i + 1, base), 0u);
            r.payload[200] ^= 1;
            EXPECT_EQ(detail::find_mismatch(r.payload, 0, 0x1234'5678 + i, base), 200u);
            EXPECT_EQ(detail::find_mismatch(r.payload.subspan(150), 150, 0x1234'5678 + i, base),
                      50u);
        }
    }
}

// ---- the command ----

using test::outcome;
using test::wsspec_cli;

fs::path temp_dir(const std::string& name) {
    return test::temp_dir("load-" + name);
}

// Runs `wsspec load ARGS -o DIR` and returns load.json (null when it was not written).
nlohmann::json load_json(const std::string& args, outcome& o) {
    const auto d = temp_dir("json");
    o = wsspec_cli("load -q " + args + " -o " + d.string());
    std::ifstream in(d / "load.json");
    nlohmann::json j = in ? nlohmann::json::parse(in, nullptr, false) : nlohmann::json();
    fs::remove_all(d);
    return j;
}

void expect_consistent(const nlohmann::json& j, std::uint64_t size) {
    const double dur = j["duration_s"];
    const double echoed = j["messages"]["echoed"];
    ASSERT_GT(dur, 0);
    EXPECT_NEAR(j["messages_per_s"].get<double>(), echoed / dur, echoed / dur * 1e-6 + 1e-9);
    EXPECT_NEAR(j["megabytes_per_s"].get<double>(), echoed * size / dur / 1e6, 1e-6);
    EXPECT_EQ(j["bytes"]["payload_echoed"].get<std::uint64_t>(),
              j["messages"]["echoed"].get<std::uint64_t>() * size);
    const auto& l = j["latency_us"];
    EXPECT_EQ(l["samples"], j["messages"]["echoed"]);
    std::uint64_t binned = 0;
    for (const auto& bin : j["latency_histogram_us"])
        binned += bin[1].get<std::uint64_t>();
    EXPECT_EQ(binned, j["messages"]["echoed"].get<std::uint64_t>());
    EXPECT_LE(l["min"].get<double>(), l["p50"].get<double>());
    EXPECT_LE(l["p50"].get<double>(), l["p90"].get<double>());
    EXPECT_LE(l["p90"].get<double>(), l["p99"].get<double>());
    EXPECT_LE(l["p99"].get<double>(), l["p99_9"].get<double>());
    EXPECT_LE(l["p99_9"].get<double>(), l["max"].get<double>());
    EXPECT_GT(l["min"].get<double>(), 0);
    std::uint64_t sum = 0;
    for (const char* k :
         {"connect", "handshake", "protocol", "unexpected_close", "mismatch", "timeout"})
        sum += j["errors"][k].get<std::uint64_t>();
    EXPECT_EQ(j["errors"]["total"].get<std::uint64_t>(), sum);
}

std::string url_of(const server::reference_server& s) {
    return (s.is_tls() ? "wss://127.0.0.1:" : "ws://127.0.0.1:") + std::to_string(s.port()) + "/";
}

TEST(LoadCommand, ExactCountAgainstTheBuiltInServer) {
    outcome o;
    auto j = load_json("--messages 1000 -c 4", o);
    EXPECT_EQ(o.code, 0) << o.output;
    ASSERT_TRUE(j.is_object()) << o.output;
    EXPECT_EQ(j["command"], "load");
    EXPECT_EQ(j["messages"]["sent"], 1000);
    EXPECT_EQ(j["messages"]["echoed"], 1000);
    EXPECT_EQ(j["errors"]["total"], 0);
    EXPECT_EQ(j["connections"]["requested"], 4);
    EXPECT_EQ(j["connections"]["opened"], 4);
    EXPECT_EQ(j["settings"]["size"], 16);
    EXPECT_EQ(j["settings"]["type"], "binary");
    // Every data frame is 16 payload + 2 header + 4 mask bytes; handshakes and closes add more.
    EXPECT_GT(j["bytes"]["wire_sent"].get<std::uint64_t>(), 1000u * 22);
    EXPECT_GT(j["bytes"]["wire_received"].get<std::uint64_t>(), 1000u * 18);
    expect_consistent(j, 16);
    EXPECT_NE(o.output.find("built-in reference server on ws://127.0.0.1:"), std::string::npos);
}

TEST(LoadCommand, TextPipelinedAndLargeMessagesAreEchoedExactly) {
    auto srv = server::reference_server::start({});
    ASSERT_TRUE(srv) << srv.error().message;
    const std::string url = url_of(**srv);
    struct shape {
        std::string args;
        std::uint64_t messages, size;
    };
    for (const shape& s : {shape{"--type text --size 1000 --pipeline 8 -c 3", 999, 1000},
                           shape{"--size 0 -c 2 --pipeline 4", 300, 0},
                           shape{"--size 200000 -c 2 --pipeline 3", 40, 200000},
                           shape{"--size 125 -c 1 -t 1 --pipeline 64", 5000, 125}}) {
        SCOPED_TRACE(s.args);
        outcome o;
        auto j = load_json(url + " " + s.args + " --messages " + std::to_string(s.messages), o);
        EXPECT_EQ(o.code, 0) << o.output;
        ASSERT_TRUE(j.is_object()) << o.output;
        EXPECT_EQ(j["messages"]["echoed"], s.messages);
        EXPECT_EQ(j["messages"]["sent"], s.messages);
        EXPECT_EQ(j["errors"]["total"], 0) << j["error_examples"].dump();
        expect_consistent(j, s.size);
    }
}

TEST(LoadCommand, TextSummaryNamesTheFigures) {
    auto o = wsspec_cli("load --messages 200 -c 2");
    EXPECT_EQ(o.code, 0) << o.output;
    for (const char* s : {"echoes      200 in ", "msg/s", "MB/s", "p50 ", "p90 ", "p99 ", "p99.9 ",
                          "max ", "errors      none"})
        EXPECT_NE(o.output.find(s), std::string::npos) << s << "\n" << o.output;
}

TEST(LoadCommand, DurationRunsAboutThatLongWithProgressLines) {
    outcome o;
    const auto t0 = std::chrono::steady_clock::now();
    const auto d = temp_dir("duration");
    o = wsspec_cli("load --duration 1.5 -c 2 -o " + d.string());
    const auto took = std::chrono::steady_clock::now() - t0;
    EXPECT_EQ(o.code, 0) << o.output;
    EXPECT_GE(took, 1500ms);
    EXPECT_LT(took, 20s);
    // Not a terminal: a plain progress line every second.
    EXPECT_NE(o.output.find(" open  "), std::string::npos) << o.output;
    std::ifstream in(d / "load.json");
    auto j = nlohmann::json::parse(in);
    EXPECT_GT(j["messages"]["echoed"].get<std::uint64_t>(), 10u);
    EXPECT_NEAR(j["duration_s"].get<double>(), 1.5, 1.0);
    EXPECT_TRUE(j["settings"]["messages"].is_null());
    expect_consistent(j, 16);
    fs::remove_all(d);
}

TEST(LoadCommand, RateLimitsTheMessageCount) {
    outcome o;
    // 2 connections at 100 messages/s each for 1.5 s: about 300 messages.
    auto j = load_json("--rate 200 --duration 1.5 -c 2", o);
    EXPECT_EQ(o.code, 0) << o.output;
    ASSERT_TRUE(j.is_object()) << o.output;
    const auto n = j["messages"]["echoed"].get<std::uint64_t>();
    EXPECT_GE(n, 200u);
    EXPECT_LE(n, 330u);
    EXPECT_EQ(j["settings"]["rate"], 200.0);
    expect_consistent(j, 16);
}

TEST(LoadCommand, WssWithAndWithoutVerification) {
    auto cert = transport::generate_self_signed("localhost", {"127.0.0.1"});
    ASSERT_TRUE(cert) << cert.error().message;
    server::server_options so;
    so.tls = transport::tls_server_options{.cert_pem = cert->cert_pem, .key_pem = cert->key_pem};
    auto srv = server::reference_server::start(so);
    ASSERT_TRUE(srv) << srv.error().message;
    const std::string url = url_of(**srv);
    outcome o;
    auto j = load_json(url + " -k --messages 300 -c 3 --size 3000", o);
    EXPECT_EQ(o.code, 0) << o.output;
    ASSERT_TRUE(j.is_object()) << o.output;
    EXPECT_EQ(j["messages"]["echoed"], 300);
    EXPECT_EQ(j["errors"]["total"], 0) << j["error_examples"].dump();

    auto bad = wsspec_cli("load -q " + url + " --messages 10 -c 2");
    EXPECT_EQ(bad.code, 3) << bad.output;
    EXPECT_NE(bad.output.find("every opening handshake"), std::string::npos) << bad.output;
    EXPECT_NE(bad.output.find("certificate verify failed"), std::string::npos) << bad.output;
}

TEST(LoadCommand, UnreachablePortExits3NamingHostAndPort) {
    auto o = wsspec_cli("load ws://127.0.0.1:1/ --messages 10");
    EXPECT_EQ(o.code, 3) << o.output;
    EXPECT_NE(o.output.find("127.0.0.1:1"), std::string::npos) << o.output;
    EXPECT_NE(o.output.find("connection refused"), std::string::npos) << o.output;
}

TEST(LoadCommand, BadUsageExits2) {
    for (const char* args :
         {"load --no-such-flag", "load --duration 1 --messages 5", "load --type utf16", "load -c 0",
          "load --pipeline 0", "load http://127.0.0.1:1/", "load --size -1", "load --rate 0"}) {
        auto o = wsspec_cli(args);
        EXPECT_EQ(o.code, 2) << args << "\n" << o.output;
    }
    auto big = wsspec_cli("load -c 100000 --size 60000000");
    EXPECT_EQ(big.code, 2) << big.output;
    EXPECT_NE(big.output.find("MiB of buffers"), std::string::npos) << big.output;
    auto u = wsspec_cli("load http://127.0.0.1:1/");
    EXPECT_NE(u.output.find("ws://"), std::string::npos) << u.output;
}

TEST(LoadCommand, InterruptStopsCleanlyWithAReport) {
    const auto t0 = std::chrono::steady_clock::now();
    auto [code, out] = test::shell(std::string("sh -c '") + WSSPEC_BINARY +
                                   " load -q --duration 30 -c 2 & pid=$!; sleep 1; kill -INT $pid; "
                                   "wait $pid'");
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 15s);
    EXPECT_EQ(code, 1) << out;
    EXPECT_NE(out.find("interrupted"), std::string::npos) << out;
    EXPECT_NE(out.find("errors      none"), std::string::npos) << out;
}

// A one-connection-at-a-time WebSocket server with a twist, for the error paths and pipelining.
class scripted_server {
public:
    enum class twist {
        http_200,     // answers the upgrade with a plain HTTP 200
        corrupt_echo, // flips one payload byte of every echo
        rsv1_echo,    // echoes with RSV1 set (no extension was negotiated)
        hold,         // echoes only once `hold` messages are waiting, and records the most seen
        close_early,  // sends close 1001 after the first echo
        silent,       // accepts TCP and never answers the upgrade
    };

    explicit scripted_server(twist t, unsigned hold = 0) : twist_(t), hold_(hold) {
        auto l = transport::listener::bind("127.0.0.1", 0, std::nullopt);
        EXPECT_TRUE(l.has_value());
        listener_.emplace(std::move(*l));
        thread_ = std::thread([this] { loop(); });
    }
    ~scripted_server() {
        stop_ = true;
        thread_.join();
    }
    std::string url() const { return "ws://127.0.0.1:" + std::to_string(listener_->port()) + "/"; }
    unsigned most_waiting() const { return most_waiting_.load(); }

private:
    void loop() {
        while (!stop_) {
            auto s = listener_->accept(transport::deadline_after(50ms));
            if (!s || !*s) continue;
            serve(**s);
        }
    }

    bool write(transport::stream& s, std::span<const std::uint8_t> b) {
        return s.write_all(b, transport::deadline_after(2s)).ok();
    }

    void serve(transport::stream& s) {
        if (twist_ == twist::silent) {
            std::array<std::uint8_t, 4096> sink;
            for (;;) {
                const auto st = s.read_some(sink, transport::deadline_after(50ms)).status;
                if (stop_ ||
                    (st != transport::io_status::ok && st != transport::io_status::timeout))
                    return;
            }
        }
        std::vector<std::uint8_t> buf(1 << 16);
        std::string head;
        std::size_t used = 0;
        for (;;) {
            auto r = s.read_some(std::span(buf).subspan(used), transport::deadline_after(2s));
            if (!r.ok()) return;
            used += r.bytes;
            head.assign(reinterpret_cast<const char*>(buf.data()), used);
            auto req = handshake::parse_client_request(head);
            if (req.status == handshake::handshake_status::need_more) continue;
            if (req.status == handshake::handshake_status::error) return;
            if (twist_ == twist::http_200) {
                const std::string ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi";
                write(s, {reinterpret_cast<const std::uint8_t*>(ok.data()), ok.size()});
                s.close();
                return;
            }
            const std::string resp = handshake::build_accept_response(req.request.key);
            if (!write(s, {reinterpret_cast<const std::uint8_t*>(resp.data()), resp.size()}))
                return;
            std::memmove(buf.data(), buf.data() + req.head_size, used - req.head_size);
            used -= req.head_size;
            break;
        }
        message_assembler a({.frame = {.local_role = role::server}});
        std::vector<std::vector<std::uint8_t>> waiting;
        std::vector<std::uint8_t> message;
        for (bool first = true;; first = false) {
            if (!first) {
                auto r = s.read_some(buf, transport::deadline_after(3s));
                if (!r.ok()) return;
                used = r.bytes;
            }
            std::span<std::uint8_t> in(buf.data(), used);
            while (!in.empty()) {
                auto m = a.feed(in);
                in = in.subspan(m.consumed);
                if (m.status == message_status::need_more) break;
                if (m.status == message_status::error) return;
                if (m.status == message_status::control) {
                    if (m.op == opcode::close) {
                        std::vector<std::uint8_t> c(4);
                        write(s, std::span(c).first(
                                     encode_frame({.op = opcode::close}, m.payload, c).size));
                        s.close();
                        return;
                    }
                    continue;
                }
                message.insert(message.end(), m.payload.begin(), m.payload.end());
                if (!m.message_end) continue;
                waiting.push_back(std::move(message));
                message.clear();
                most_waiting_ = std::max<unsigned>(most_waiting_, waiting.size());
                if (twist_ == twist::hold && waiting.size() < hold_) continue;
                for (auto& w : waiting)
                    if (!echo(s, m.op, w)) return;
                waiting.clear();
                if (twist_ == twist::close_early) {
                    std::vector<std::uint8_t> c(16);
                    const std::uint8_t p[] = {0x03, 0xe9}; // 1001
                    write(s, std::span(c).first(encode_frame({.op = opcode::close}, p, c).size));
                    s.shutdown_write();
                    return;
                }
            }
        }
    }

    bool echo(transport::stream& s, opcode op, std::vector<std::uint8_t>& payload) {
        if (twist_ == twist::corrupt_echo && !payload.empty()) payload.back() ^= 0x20;
        std::vector<std::uint8_t> out(encoded_size(payload.size(), false));
        const auto e = encode_frame(
            {.op = op, .rsv = static_cast<std::uint8_t>(twist_ == twist::rsv1_echo ? 4 : 0)},
            payload, out, 4);
        return write(s, std::span(out).first(e.size));
    }

    twist twist_;
    unsigned hold_;
    std::optional<transport::listener> listener_;
    std::atomic<bool> stop_{false};
    std::atomic<unsigned> most_waiting_{0};
    std::thread thread_;
};

TEST(LoadCommand, NonWebSocketServerIsAHandshakeErrorExit3) {
    scripted_server srv(scripted_server::twist::http_200);
    auto o = wsspec_cli("load -q " + srv.url() + " --messages 10 -c 1");
    EXPECT_EQ(o.code, 3) << o.output;
    EXPECT_NE(o.output.find("every opening handshake"), std::string::npos) << o.output;
    EXPECT_NE(o.output.find("response_status_not_101"), std::string::npos) << o.output;
    EXPECT_NE(o.output.find("1 handshake"), std::string::npos) << o.output;
}

TEST(LoadCommand, ServerThatNeverAnswersTheUpgradeTimesOutExit3) {
    scripted_server srv(scripted_server::twist::silent);
    const auto t0 = std::chrono::steady_clock::now();
    auto o = wsspec_cli("load -q " + srv.url() + " --messages 10 -c 1 --timeout 0.5");
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 10s);
    EXPECT_EQ(o.code, 3) << o.output;
    EXPECT_NE(o.output.find("did not finish within 500 ms"), std::string::npos) << o.output;
}

TEST(LoadCommand, CorruptEchoIsAMismatch) {
    scripted_server srv(scripted_server::twist::corrupt_echo);
    outcome o;
    auto j = load_json(srv.url() + " --messages 10 -c 1 --size 64", o);
    EXPECT_EQ(o.code, 1) << o.output;
    ASSERT_TRUE(j.is_object()) << o.output;
    EXPECT_EQ(j["errors"]["mismatch"], 1);
    EXPECT_EQ(j["messages"]["echoed"], 0);
    EXPECT_NE(j["error_examples"]["mismatch"].get<std::string>().find("payload byte 63"),
              std::string::npos)
        << j["error_examples"].dump();
}

TEST(LoadCommand, ServerFrameWithRsv1IsAProtocolError) {
    scripted_server srv(scripted_server::twist::rsv1_echo);
    outcome o;
    auto j = load_json(srv.url() + " --messages 10 -c 1", o);
    EXPECT_EQ(o.code, 1) << o.output;
    ASSERT_TRUE(j.is_object()) << o.output;
    EXPECT_EQ(j["errors"]["protocol"], 1);
    EXPECT_NE(j["error_examples"]["protocol"].get<std::string>().find("reserved_bits_set"),
              std::string::npos)
        << j["error_examples"].dump();
}

TEST(LoadCommand, CloseFromTheServerIsAnUnexpectedClose) {
    scripted_server srv(scripted_server::twist::close_early);
    outcome o;
    auto j = load_json(srv.url() + " --messages 10 -c 1", o);
    EXPECT_EQ(o.code, 1) << o.output;
    ASSERT_TRUE(j.is_object()) << o.output;
    EXPECT_EQ(j["errors"]["unexpected_close"], 1);
    EXPECT_EQ(j["messages"]["echoed"], 1);
    EXPECT_NE(j["error_examples"]["unexpected_close"].get<std::string>().find("close 1001"),
              std::string::npos)
        << j["error_examples"].dump();
}

TEST(LoadCommand, PipelineKeepsExactlyThatManyInFlight) {
    // The server answers only when 8 messages wait: without pipelining this would time out.
    scripted_server srv(scripted_server::twist::hold, 8);
    outcome o;
    auto j = load_json(srv.url() + " --messages 64 -c 1 --pipeline 8 --timeout 5", o);
    EXPECT_EQ(o.code, 0) << o.output;
    ASSERT_TRUE(j.is_object()) << o.output;
    EXPECT_EQ(j["messages"]["echoed"], 64);
    EXPECT_EQ(srv.most_waiting(), 8u);
}

TEST(LoadCommand, NoEchoIsATimeout) {
    scripted_server srv(scripted_server::twist::hold, 1000);
    outcome o;
    auto j = load_json(srv.url() + " --messages 10 -c 1 --pipeline 2 --timeout 0.3", o);
    EXPECT_EQ(o.code, 1) << o.output;
    ASSERT_TRUE(j.is_object()) << o.output;
    EXPECT_EQ(j["errors"]["timeout"], 1);
    EXPECT_EQ(srv.most_waiting(), 2u);
}

TEST(LoadCommand, BinaryAsTextQuirkIsAMismatch) {
    server::server_options so;
    so.quirks = {server::quirk::binary_as_text};
    auto srv = server::reference_server::start(so);
    ASSERT_TRUE(srv) << srv.error().message;
    // 8 bytes: only the sequence number, in ASCII, so the echo is valid UTF-8 as text too.
    auto o = wsspec_cli("load -q " + url_of(**srv) + " --messages 10 -c 2 --size 8");
    EXPECT_EQ(o.code, 1) << o.output;
    EXPECT_NE(o.output.find("2 mismatch"), std::string::npos) << o.output;
    EXPECT_NE(o.output.find("came back as a text message, sent binary"), std::string::npos)
        << o.output;
}

} // namespace
} // namespace wsspec::load

namespace wsspec::load {
namespace {

// --deflate: every message compressed, every echo inflated and checked. The built-in server
// echoes compressed messages as they came; under quirk deflate-keeps-context it compresses its
// own echoes and keeps its context although it declared server_no_context_takeover, so an echo
// refers back into the one before, which the client (rightly) cannot inflate: a protocol error.
TEST(LoadCommand, DeflateCompressesEveryMessageAndChecksEveryInflatedEcho) {
    outcome o;
    auto j = load_json("--deflate --type text --size 3000 --pipeline 4 -c 3 --messages 600", o);
    EXPECT_EQ(o.code, 0) << o.output;
    ASSERT_TRUE(j.is_object()) << o.output;
    EXPECT_EQ(j["settings"]["permessage_deflate"], true);
    EXPECT_EQ(j["messages"]["echoed"], 600);
    EXPECT_EQ(j["errors"]["total"], 0) << j["error_examples"].dump();
    expect_consistent(j, 3000);
    // Compressed: far fewer bytes on the wire than the payloads (the text repeats itself).
    EXPECT_LT(j["bytes"]["wire_sent"].get<std::uint64_t>(), 600u * 3000 / 2);

    server::server_options so;
    so.deflate = server::echo_policy();
    so.quirks = {server::quirk::deflate_keeps_context};
    auto srv = server::reference_server::start(so);
    ASSERT_TRUE(srv) << srv.error().message;
    auto bad =
        load_json(url_of(**srv) + " --deflate --type text --size 3000 -c 1 --messages 50", o);
    EXPECT_EQ(o.code, 1) << o.output;
    ASSERT_TRUE(bad.is_object()) << o.output;
    EXPECT_EQ(bad["errors"]["protocol"], 1) << bad["error_examples"].dump();
}

TEST(LoadCommand, DeflateDeclinedIsAHandshakeErrorNamingTheFlag) {
    auto srv = server::reference_server::start({}); // no permessage-deflate
    ASSERT_TRUE(srv) << srv.error().message;
    outcome o;
    auto j = load_json(url_of(**srv) + " --deflate --messages 10 -c 2", o);
    EXPECT_EQ(o.code, 3) << o.output;
    ASSERT_TRUE(j.is_object()) << o.output;
    EXPECT_EQ(j["errors"]["handshake"], 2);
    EXPECT_NE(j["error_examples"]["handshake"].get<std::string>().find(
                  "declined permessage-deflate (--deflate)"),
              std::string::npos)
        << j["error_examples"].dump();
}

} // namespace
} // namespace wsspec::load
