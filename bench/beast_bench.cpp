// beast/parse/... and beast/assemble/...: the same streams read by Boost.Beast's
// websocket::stream (Debian libboost-dev), one message per read() into a reused flat_buffer.
// Beast pulls its bytes from the next layer, so the next layer here is a stream that serves the
// pre-built bytes from memory, at most <read> bytes per read_some() (the copy into Beast's
// buffers is the same copy-in our benchmarks pay). The opening handshake is done for real
// first, as Beast only reads frames on an open stream.
#include <benchmark/benchmark.h>

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "bench/inputs.hpp"
#include "bench/measure.hpp"
#include "codec/handshake/client_request.hpp"
#include "codec/handshake/server_request.hpp"

namespace wsspec::bench {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;

// A SyncStream over bytes in memory: the handshake first, then the frame stream over and over,
// so every pass of the benchmark reads the same messages. Writes are kept during the handshake
// (the client's request, which the served response must answer) and dropped afterwards.
class replay_stream {
public:
    using executor_type = net::io_context::executor_type;

    explicit replay_stream(net::io_context& ioc) : executor_(ioc.get_executor()) {}
    executor_type get_executor() const noexcept { return executor_; }

    void serve_handshake(std::string bytes) {
        handshake_ = std::move(bytes);
        serve(reinterpret_cast<const std::uint8_t*>(handshake_.data()), handshake_.size(), 0,
              false);
    }
    // For a client: answer the request it writes with a 101 that accepts its key.
    void answer_handshake() {
        serve_handshake("");
        answer_ = true;
    }
    void serve_frames(const frame_stream& s, std::size_t read_size) {
        serve(s.wire.data(), s.wire.size(), read_size, true);
        written_.clear();
        keep_writes_ = false;
    }
    const std::string& written() const noexcept { return written_; }

    template <class MutableBufferSequence>
    std::size_t read_some(const MutableBufferSequence& buffers, beast::error_code& ec) {
        ec = {};
        if (pos_ == size_ && answer_) {
            answer_ = false;
            const auto parsed = handshake::parse_client_request(written_);
            if (parsed.status == handshake::handshake_status::complete)
                serve_handshake(handshake::build_accept_response(parsed.request.key));
        }
        if (pos_ == size_) {
            if (!cyclic_ || size_ == 0) {
                ec = net::error::eof;
                return 0;
            }
            pos_ = 0;
        }
        const std::size_t left = size_ - pos_;
        const std::size_t limit = read_size_ == 0 ? left : std::min(read_size_, left);
        std::size_t n = 0;
        for (auto it = net::buffer_sequence_begin(buffers);
             it != net::buffer_sequence_end(buffers) && n < limit; ++it) {
            const net::mutable_buffer b = *it;
            const std::size_t k = std::min(b.size(), limit - n);
            std::memcpy(b.data(), data_ + pos_ + n, k);
            n += k;
        }
        pos_ += n;
        return n;
    }
    template <class MutableBufferSequence>
    std::size_t read_some(const MutableBufferSequence& buffers) {
        beast::error_code ec;
        const std::size_t n = read_some(buffers, ec);
        if (ec) BOOST_THROW_EXCEPTION(beast::system_error{ec});
        return n;
    }

    template <class ConstBufferSequence>
    std::size_t write_some(const ConstBufferSequence& buffers, beast::error_code& ec) {
        ec = {};
        std::size_t n = 0;
        for (auto it = net::buffer_sequence_begin(buffers); it != net::buffer_sequence_end(buffers);
             ++it) {
            const net::const_buffer b = *it;
            if (keep_writes_) written_.append(static_cast<const char*>(b.data()), b.size());
            n += b.size();
        }
        return n;
    }
    template <class ConstBufferSequence>
    std::size_t write_some(const ConstBufferSequence& buffers) {
        beast::error_code ec;
        return write_some(buffers, ec);
    }

private:
    void serve(const std::uint8_t* data, std::size_t size, std::size_t read_size, bool cyclic) {
        data_ = data;
        size_ = size;
        pos_ = 0;
        read_size_ = read_size;
        cyclic_ = cyclic;
    }

    executor_type executor_;
    std::string handshake_;
    std::string written_;
    const std::uint8_t* data_ = nullptr;
    std::size_t size_ = 0;
    std::size_t pos_ = 0;
    std::size_t read_size_ = 0;
    bool cyclic_ = false;
    bool keep_writes_ = true;
    bool answer_ = false;
};

// Beast's read path names this customisation point (it tears the connection down after a
// protocol error), so it must exist; the streams here never trigger it.
[[maybe_unused]] void teardown(beast::role_type, replay_stream&, beast::error_code& ec) {
    ec = {};
}

// Opens `ws` in the role that parses `parser_role`'s frames. Returns an error text or "".
std::string open(websocket::stream<replay_stream>& ws, role parser_role) {
    beast::error_code ec;
    if (parser_role == role::server) {
        handshake::client_request_options req;
        req.host = "localhost";
        req.key = "dGhlIHNhbXBsZSBub25jZQ==";
        ws.next_layer().serve_handshake(handshake::build_client_request(req));
        ws.accept(ec);
    } else {
        ws.next_layer().answer_handshake();
        ws.handshake("localhost", "/", ec);
    }
    if (ec) return "Beast handshake failed: " + ec.message();
    return {};
}

template <bool Verify>
tally read_pass(websocket::stream<replay_stream>& ws, beast::flat_buffer& buf,
                const frame_stream& s) {
    tally t;
    for (std::size_t m = 0; m < s.messages; ++m) {
        beast::error_code ec;
        ws.read(buf, ec);
        if (ec) {
            t.error = ec.message();
            break;
        }
        t.payload_bytes += buf.size();
        ++t.messages;
        if constexpr (Verify)
            t.sum.add(static_cast<const std::uint8_t*>(buf.data().data()), buf.size());
        buf.consume(buf.size());
    }
    return t;
}

void bm_read(benchmark::State& state, const frame_stream* s, role r, std::size_t read_size,
             items_are items) {
    net::io_context ioc;
    websocket::stream<replay_stream> ws(ioc);
    if (const std::string e = open(ws, r); !e.empty()) {
        fail(state, e);
        return;
    }
    ws.next_layer().serve_frames(*s, read_size);
    beast::flat_buffer buf;
    measure(state, *s, items,
            [&](auto verify) { return read_pass<decltype(verify)::value>(ws, buf, *s); });
}

void bm_parse(benchmark::State& state, role r, payload_kind k, std::size_t size,
              std::size_t read_size) {
    bm_read(state, &message_stream(r, k, size), r, read_size, items_are::frames);
}

void bm_assemble(benchmark::State& state, payload_kind k, fragmentation f, std::size_t read_size) {
    bm_read(state, &fragmented_stream(role::server, k, f.size, f.fragments), role::server,
            read_size, items_are::messages);
}

[[maybe_unused]] const bool registered = [] {
    for (role r : {role::server, role::client})
        for (std::size_t size : payload_sizes)
            for (std::size_t rs : read_sizes)
                for (payload_kind k : {payload_kind::binary, payload_kind::ascii,
                                       payload_kind::mixed, payload_kind::cjk}) {
                    if (size == 0 && k != payload_kind::binary) continue;
                    benchmark::RegisterBenchmark(
                        ("beast/parse/" + stream_name(r, k, size, rs)).c_str(), bm_parse, r, k,
                        size, rs);
                }
    for (fragmentation f : fragmentations)
        for (payload_kind k : {payload_kind::binary, payload_kind::mixed})
            for (std::size_t rs : read_sizes)
                benchmark::RegisterBenchmark(
                    ("beast/assemble/" + fragmented_name(role::server, k, f, rs)).c_str(),
                    bm_assemble, k, f, rs);
    return true;
}();

} // namespace
} // namespace wsspec::bench
