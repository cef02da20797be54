#pragma once
// Shared helpers for the Transport* suites: byte conversions, a temporary directory and a
// one-connection server thread. Every wait is bounded so a broken transport fails, not hangs.
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "harness/transport/transport.hpp"

namespace wsspec::transport::testing {

using namespace std::chrono_literals;

// Long enough for a loaded CI machine, short enough that a hang fails quickly.
inline constexpr auto test_timeout = std::chrono::seconds(5);

inline std::span<const std::uint8_t> as_bytes(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// Reads until `n` bytes arrived or a read ends otherwise; returns what arrived and the last status.
struct read_outcome {
    std::string data;
    io_status last = io_status::ok;
    std::string message;
    int reads = 0;
};

inline read_outcome read_exactly(stream& s, std::size_t n, deadline dl) {
    read_outcome out;
    std::uint8_t buf[4096];
    while (out.data.size() < n) {
        const std::size_t want = std::min(sizeof buf, n - out.data.size());
        io_result r = s.read_some({buf, want}, dl);
        out.last = r.status;
        out.message = r.message;
        if (!r.ok()) break;
        ++out.reads;
        out.data.append(reinterpret_cast<const char*>(buf), r.bytes);
    }
    return out;
}

// Reads until the stream stops being ok; returns everything read and how it ended.
inline read_outcome read_until_end(stream& s, deadline dl) {
    read_outcome out;
    std::uint8_t buf[4096];
    for (;;) {
        io_result r = s.read_some(buf, dl);
        out.last = r.status;
        out.message = r.message;
        if (!r.ok()) return out;
        ++out.reads;
        out.data.append(reinterpret_cast<const char*>(buf), r.bytes);
    }
}

class temp_dir {
public:
    temp_dir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "wsspec-transport-XXXXXX");
        if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
    }
    ~temp_dir() {
        std::error_code ec;
        if (!path_.empty()) std::filesystem::remove_all(path_, ec);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;

    const std::string& path() const { return path_; }
    std::string file(std::string_view name) const { return path_ + "/" + std::string(name); }

private:
    std::string path_;
};

// Accepts one connection on a thread and hands it to `serve`. The destructor joins; `serve` must
// itself be bounded by deadlines. handshake_result() is the accepted stream's handshake() outcome.
class one_shot_server {
public:
    using handler = std::function<void(stream&)>;

    one_shot_server(listener& l, handler serve)
        : thread_([this, &l, serve = std::move(serve)] {
              auto accepted = l.accept(deadline_after(test_timeout));
              if (!accepted || !*accepted) {
                  accept_error_ = accepted ? "accept timed out" : accepted.error().message;
                  return;
              }
              stream& s = **accepted;
              handshake_ = s.handshake(deadline_after(test_timeout));
              if (handshake_.ok()) serve(s);
          }) {}
    ~one_shot_server() { join(); }

    void join() {
        if (thread_.joinable()) thread_.join();
    }
    // Valid after join().
    const io_result& handshake_result() const { return handshake_; }
    const std::string& accept_error() const { return accept_error_; }

private:
    io_result handshake_{io_status::error, 0, "no connection"};
    std::string accept_error_;
    std::thread thread_; // last: starts after the members it writes are constructed
};

// Sleeps until `flag` is set, or test_timeout passes (so a failed assertion cannot hang the join).
inline void wait_for_flag(const std::atomic<bool>& flag) {
    const deadline dl = deadline_after(test_timeout);
    while (!flag && clock::now() < dl)
        std::this_thread::sleep_for(5ms);
}

// Echoes everything back until the client closes or the stream fails.
inline void echo(stream& s) {
    std::uint8_t buf[4096];
    for (;;) {
        io_result r = s.read_some(buf, deadline_after(test_timeout));
        if (!r.ok()) break;
        if (!s.write_all({buf, r.bytes}, deadline_after(test_timeout)).ok()) break;
    }
    s.close();
}

} // namespace wsspec::transport::testing
