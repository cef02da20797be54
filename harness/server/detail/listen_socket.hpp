#pragma once
// The reference server's listening socket. transport::listener hands out blocking-style
// streams; the event loops need the raw descriptors, so the server binds and accepts here, with
// the same address rules and error texts.
#include <cstdint>
#include <string>

#include "codec/result.hpp"
#include "harness/transport/detail/socket.hpp"

namespace wsspec::server::detail {

class listen_socket {
public:
    // `host`: an address or name; "" or "::" is every address (dual stack), "0.0.0.0" every
    // IPv4 address. Port 0 picks one. Errors: "cannot listen on 127.0.0.1: 127.0.0.1:9001:
    // address already in use".
    static result<listen_socket> bind(const std::string& host, std::uint16_t port);

    int fd() const noexcept { return fd_.get(); }
    std::uint16_t port() const noexcept { return port_; }
    std::string local_address() const; // "127.0.0.1:40123", "[::1]:40123"

    // One pending connection, non-blocking; an invalid descriptor when there is none (or the
    // client gave up in between). `error` is set for a real failure (e.g. EMFILE).
    transport::detail::unique_fd accept(std::string& error);
    void close() noexcept { fd_.reset(); }

private:
    transport::detail::unique_fd fd_;
    std::uint16_t port_ = 0;
};

} // namespace wsspec::server::detail
