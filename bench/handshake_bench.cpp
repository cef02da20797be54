// handshake/<what>: the opening handshake parsers (RFC 6455 §4), each over a browser-sized
// head. Items are handshakes, bytes are the head's bytes.
//   handshake/request    the server reading and validating a client's request (§4.2.1)
//   handshake/response   the client validating the server's 101 answer (§4.1)
//   handshake/accept_key Sec-WebSocket-Accept: SHA-1 and base64 of the key (§4.2.2)
#include <benchmark/benchmark.h>

#include <string>

#include "bench/measure.hpp"
#include "codec/handshake/accept_key.hpp"
#include "codec/handshake/client_request.hpp"
#include "codec/handshake/server_request.hpp"

namespace wsspec::bench {
namespace {

using namespace wsspec::handshake;

client_request_options browser_request() {
    client_request_options o;
    o.host = "example.com:8080";
    o.target = "/chat?room=42";
    o.key = "dGhlIHNhbXBsZSBub25jZQ==";
    o.origin = "https://example.com";
    o.subprotocols = {"chat", "superchat"};
    o.extensions = "permessage-deflate; client_max_window_bits";
    o.extra_headers = {
        {"User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                       "Chrome/126.0.0.0 Safari/537.36"},
        {"Pragma", "no-cache"},
        {"Cache-Control", "no-cache"},
        {"Accept-Encoding", "gzip, deflate, br, zstd"},
        {"Accept-Language", "en-US,en;q=0.9"},
        {"Cookie", "session=0123456789abcdef0123456789abcdef; theme=dark"},
    };
    return o;
}

void bm_request(benchmark::State& state) {
    const std::string req = build_client_request(browser_request());
    if (parse_client_request(req).status != handshake_status::complete) {
        fail(state, "request did not parse");
        return;
    }
    for (auto _ : state) {
        request_result r = parse_client_request(req);
        benchmark::DoNotOptimize(r);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * req.size()));
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void bm_response(benchmark::State& state) {
    const client_request_options offered = browser_request();
    const std::string resp = build_accept_response(*offered.key, "chat");
    if (validate_server_response(resp, offered).status != handshake_status::complete) {
        fail(state, "response did not validate");
        return;
    }
    for (auto _ : state) {
        response_result r = validate_server_response(resp, offered);
        benchmark::DoNotOptimize(r);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * resp.size()));
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void bm_accept_key(benchmark::State& state) {
    const std::string key = "dGhlIHNhbXBsZSBub25jZQ==";
    if (accept_key(key) != "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=") { // RFC 6455 §1.3
        fail(state, "accept key differs from RFC 6455 §1.3");
        return;
    }
    for (auto _ : state)
        benchmark::DoNotOptimize(accept_key(key));
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * key.size()));
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

BENCHMARK(bm_request)->Name("handshake/request");
BENCHMARK(bm_response)->Name("handshake/response");
BENCHMARK(bm_accept_key)->Name("handshake/accept_key");

} // namespace
} // namespace wsspec::bench
