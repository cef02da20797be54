#pragma once
// Socket addresses: name resolution, and the "host:port" text every message uses for them.
#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <vector>

#include "codec/result.hpp"

namespace wsspec::transport {

// One address to connect to or listen on.
struct endpoint {
    sockaddr_storage addr{};
    socklen_t len = 0;
    std::string text; // "127.0.0.1:9001", "[::1]:9001"

    const sockaddr* sa() const noexcept { return reinterpret_cast<const sockaddr*>(&addr); }
};

enum class resolve_for : std::uint8_t { connect, listen };

// Every address of host:port, both families, in getaddrinfo() order (name resolution cannot be
// interrupted by a deadline). Error: "cannot resolve 'nowhere.invalid': Name or service not known".
result<std::vector<endpoint>> resolve(const std::string& host, std::uint16_t port,
                                      resolve_for use = resolve_for::connect);

// "1.2.3.4:80" or "[::1]:80"; "?" for an unknown family.
std::string format_endpoint(const sockaddr* sa, socklen_t len);
// The other end and this end of a connected socket, as format_endpoint() writes them.
std::string peer_address(int fd);
std::string local_address(int fd);
// This end's port; 0 when unknown.
std::uint16_t local_port(int fd);

} // namespace wsspec::transport
