#pragma once
// A loopback server that misbehaves on purpose, one way per instance: silent, garbage, HTTP 200,
// a wrong Sec-WebSocket-Accept, a trickle, resets, frames no client may accept, floods, a
// server that dies after three connections. The tests point `wsspec run`, `load` and `fuzz` at
// it and check that each ends in time with the documented exit code and a valid report.
//
// Plain POSIX sockets, a thread per connection, every wait bounded: stop() (or the destructor)
// ends everything within a few hundred milliseconds.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "codec/handshake/accept_key.hpp"

namespace wsspec::testing {

enum class hostile : std::uint8_t {
    silent,             // accepts, reads, never answers
    close_at_once,      // accepts, then FIN
    reset_at_once,      // accepts, then RST
    garbage,            // answers random bytes instead of HTTP
    http_200,           // a web server: 200 OK with a page
    redirect,           // 302 to elsewhere
    refuse_426,         // 426 to every request
    error_500,          // 500 with an HTML page
    wrong_accept,       // 101 with a Sec-WebSocket-Accept for another key
    no_upgrade_field,   // 101 without Upgrade
    http_10,            // "HTTP/1.0 101"
    tls_only,           // a TLS server reading HTTP: a TLS alert record, then FIN
    slowloris,          // a valid 101, one byte every 200 ms
    endless_header,     // "HTTP/1.1 101" then header fields forever
    half_response,      // the status line, then FIN
    reset_after_open,   // a valid 101, then RST
    close_after_open,   // a valid 101, close 1000, FIN
    garbage_after_open, // a valid 101, then random bytes
    huge_length,        // a valid 101, then a frame declaring 2^63-1 bytes
    masked_frames,      // a valid 101, then a masked text frame (servers MUST NOT mask)
    ping_flood,         // a valid 101, then pings as fast as the socket takes them
    endless_message,    // a valid 101, then one text message whose frames never end
    dies_after_three,   // valid 101s (then close 1000), and the listener closes after 3 clients
};

inline constexpr std::string_view hostile_names[] = {
    "silent",           "close_at_once",      "reset_at_once",    "garbage",
    "http_200",         "redirect",           "refuse_426",       "error_500",
    "wrong_accept",     "no_upgrade_field",   "http_10",          "tls_only",
    "slowloris",        "endless_header",     "half_response",    "reset_after_open",
    "close_after_open", "garbage_after_open", "huge_length",      "masked_frames",
    "ping_flood",       "endless_message",    "dies_after_three",
};

class hostile_server {
public:
    explicit hostile_server(hostile how) : how_(how) {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        int one = 1;
        ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
        ::listen(fd_, 64);
        socklen_t len = sizeof a;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
        port_ = ntohs(a.sin_port);
        acceptor_ = std::thread([this] { accept_loop(); });
    }
    hostile_server(const hostile_server&) = delete;
    hostile_server& operator=(const hostile_server&) = delete;
    ~hostile_server() { stop(); }

    std::uint16_t port() const noexcept { return port_; }
    std::string url() const { return "ws://127.0.0.1:" + std::to_string(port_) + "/"; }

    void stop() {
        if (stopping_.exchange(true)) return;
        acceptor_.join();
        std::vector<std::thread> ts;
        {
            std::lock_guard lock(mu_);
            ts.swap(clients_);
        }
        for (auto& t : ts)
            t.join();
    }

private:
    using clock = std::chrono::steady_clock;

    void accept_loop() {
        int served = 0;
        while (!stopping_) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0) continue;
            int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
            if (c < 0) continue;
            int one = 1;
            ::setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            std::lock_guard lock(mu_);
            clients_.emplace_back([this, c] { serve(c); });
            if (how_ == hostile::dies_after_three && ++served == 3) {
                ::close(fd_); // the kernel now refuses new connections
                fd_ = -1;
                while (!stopping_)
                    std::this_thread::sleep_for(std::chrono::milliseconds(20));
                return;
            }
        }
        if (fd_ >= 0) ::close(fd_);
    }

    // Waits up to `ms` for bytes; appends them. False once the client is gone or we stop.
    bool read_some(int c, std::string& into, int ms) {
        pollfd p{c, POLLIN, 0};
        if (::poll(&p, 1, ms) <= 0) return !stopping_;
        char buf[4096];
        auto n = ::recv(c, buf, sizeof buf, 0);
        if (n <= 0) return false;
        into.append(buf, static_cast<std::size_t>(n));
        return !stopping_;
    }

    // The request head, or "" when none came within 3 s.
    std::string read_request(int c) {
        std::string req;
        auto end = clock::now() + std::chrono::seconds(3);
        while (req.find("\r\n\r\n") == std::string::npos && clock::now() < end)
            if (!read_some(c, req, 50)) return "";
        return req;
    }

    static std::string key_of(const std::string& req) {
        for (std::string_view name : {"Sec-WebSocket-Key: ", "sec-websocket-key: "}) {
            auto at = req.find(name);
            if (at == std::string::npos) continue;
            at += name.size();
            return req.substr(at, req.find("\r\n", at) - at);
        }
        return "";
    }

    static std::string switching(const std::string& accept, bool upgrade = true,
                                 std::string_view version = "HTTP/1.1") {
        return std::string(version) + " 101 Switching Protocols\r\n" +
               (upgrade ? "Upgrade: websocket\r\n" : "") +
               "Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + "\r\n\r\n";
    }

    // Writes all of `s` unless the client goes away or we stop; false then.
    bool send_all(int c, std::string_view s) {
        while (!s.empty()) {
            pollfd p{c, POLLOUT, 0};
            if (stopping_) return false;
            if (::poll(&p, 1, 50) <= 0) continue;
            auto n = ::send(c, s.data(), s.size(), MSG_NOSIGNAL);
            if (n <= 0) return false;
            s.remove_prefix(static_cast<std::size_t>(n));
        }
        return true;
    }

    static std::string noise(std::size_t n, std::uint32_t seed) {
        std::string s(n, '\0');
        for (auto& ch : s) {
            seed = seed * 1664525u + 1013904223u;
            ch = static_cast<char>(seed >> 24);
        }
        return s;
    }

    static void reset(int c) {
        linger l{1, 0};
        ::setsockopt(c, SOL_SOCKET, SO_LINGER, &l, sizeof l);
        ::close(c);
    }

    // Sends `chunk` again and again, dropping what the client sends, until it goes away or
    // `for_at_most` has passed.
    void flood(int c, const std::string& chunk, std::chrono::seconds for_at_most) {
        auto end = clock::now() + for_at_most;
        std::string sink;
        while (clock::now() < end && send_all(c, chunk)) {
            sink.clear();
            if (!read_some(c, sink, 0)) break;
        }
    }

    // Reads and drops what the client sends until it closes, for at most `ms`.
    void drain(int c, int ms) {
        std::string sink;
        auto end = clock::now() + std::chrono::milliseconds(ms);
        while (clock::now() < end && read_some(c, sink, 50))
            sink.clear();
    }

    void serve(int c) {
        using namespace std::string_literals;
        if (how_ == hostile::close_at_once) return (void)::close(c);
        if (how_ == hostile::reset_at_once) return reset(c);
        std::string req = read_request(c);
        const std::string accept = handshake::accept_key(key_of(req));
        switch (how_) {
        case hostile::silent: drain(c, 10'000); break;
        case hostile::garbage: send_all(c, noise(300, 7)); break;
        case hostile::http_200:
            send_all(c, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 13\r\n\r\n"
                        "<p>hello</p>\n");
            break;
        case hostile::redirect:
            send_all(c, "HTTP/1.1 302 Found\r\nLocation: ws://127.0.0.1:1/\r\n"
                        "Content-Length: 0\r\n\r\n");
            break;
        case hostile::refuse_426:
            send_all(c, "HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\n"
                        "Content-Length: 0\r\n\r\n");
            break;
        case hostile::error_500:
            send_all(c, "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 9\r\n\r\n"
                        "<b>oops\n\n");
            break;
        case hostile::wrong_accept:
            send_all(c, switching(handshake::accept_key("dGhlIHNhbXBsZSBub25jZQ==")));
            drain(c, 2000);
            break;
        case hostile::no_upgrade_field: send_all(c, switching(accept, false)); break;
        case hostile::http_10: send_all(c, switching(accept, true, "HTTP/1.0")); break;
        case hostile::tls_only: send_all(c, "\x15\x03\x01\x00\x02\x02\x28"s); break;
        case hostile::slowloris:
            for (char ch : switching(accept)) {
                if (!send_all(c, std::string(1, ch))) break;
                std::this_thread::sleep_for(std::chrono::milliseconds(200));
                if (stopping_) break;
            }
            break;
        case hostile::endless_header:
            if (send_all(c, "HTTP/1.1 101 Switching Protocols\r\n"))
                for (int i = 0; i < 200'000 && send_all(c, "X-Filler: aaaaaaaaaaaaaaaa\r\n"); ++i) {
                }
            break;
        case hostile::half_response: send_all(c, "HTTP/1.1 101 Switch"); break;
        case hostile::reset_after_open:
            send_all(c, switching(accept));
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            return reset(c);
        case hostile::close_after_open:
        case hostile::dies_after_three:
            send_all(c, switching(accept) + "\x88\x02\x03\xe8"s);
            drain(c, 2000);
            break;
        case hostile::garbage_after_open: send_all(c, switching(accept) + noise(200, 11)); break;
        case hostile::huge_length:
            send_all(c, switching(accept) + "\x82\x7f\x7f\xff\xff\xff\xff\xff\xff\xff"s +
                            noise(1000, 3));
            drain(c, 3000);
            break;
        case hostile::masked_frames:
            send_all(c, switching(accept) + "\x81\x82\x01\x02\x03\x04\x69\x6b"s);
            drain(c, 3000);
            break;
        case hostile::ping_flood: {
            if (!send_all(c, switching(accept))) break;
            std::string pings;
            for (int i = 0; i < 256; ++i)
                pings += "\x89\x04ping"s;
            flood(c, pings, std::chrono::seconds(20));
            break;
        }
        case hostile::endless_message:
            if (send_all(c, switching(accept) + "\x01\x7e\x10\x00"s + std::string(4096, 'a')))
                flood(c, "\x00\x7e\x10\x00"s + std::string(4096, 'a'), std::chrono::seconds(60));
            break;
        default: break;
        }
        ::close(c);
    }

    const hostile how_;
    int fd_ = -1;
    std::uint16_t port_ = 0;
    std::atomic<bool> stopping_{false};
    std::thread acceptor_;
    std::mutex mu_;
    std::vector<std::thread> clients_;
};

} // namespace wsspec::testing
