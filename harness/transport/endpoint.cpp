#include "harness/transport/endpoint.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include <fmt/format.h>

#include "harness/transport/io_result.hpp"
#include "harness/transport/url.hpp"

namespace wsspec::transport {
namespace {

struct addrinfo_deleter {
    void operator()(addrinfo* p) const noexcept { ::freeaddrinfo(p); }
};

sockaddr_storage local_sockaddr(int fd, socklen_t& len) {
    sockaddr_storage ss{};
    len = sizeof ss;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) len = 0;
    return ss;
}

} // namespace

result<std::vector<endpoint>> resolve(const std::string& host, std::uint16_t port,
                                      resolve_for use) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    // No AI_ADDRCONFIG: it hides ::1 on hosts whose only IPv6 address is loopback.
    hints.ai_flags = AI_NUMERICSERV | (is_ip_literal(host) ? AI_NUMERICHOST : 0) |
                     (use == resolve_for::listen ? AI_PASSIVE : 0);
    addrinfo* raw = nullptr;
    const std::string service = std::to_string(port);
    if (const int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &raw); rc != 0) {
        const std::string why = rc == EAI_SYSTEM ? errno_text(errno) : ::gai_strerror(rc);
        return make_error(fmt::format("cannot resolve '{}': {}", host, why));
    }
    std::unique_ptr<addrinfo, addrinfo_deleter> list(raw);
    std::vector<endpoint> out;
    for (const addrinfo* ai = list.get(); ai != nullptr; ai = ai->ai_next) {
        if (ai->ai_addrlen > sizeof(sockaddr_storage)) continue;
        endpoint& ep = out.emplace_back();
        std::memcpy(&ep.addr, ai->ai_addr, ai->ai_addrlen);
        ep.len = ai->ai_addrlen;
        ep.text = format_endpoint(ai->ai_addr, ai->ai_addrlen);
    }
    return out;
}

std::string format_endpoint(const sockaddr* sa, socklen_t len) {
    char buf[INET6_ADDRSTRLEN] = {};
    if (sa->sa_family == AF_INET && len >= static_cast<socklen_t>(sizeof(sockaddr_in))) {
        sockaddr_in a{};
        std::memcpy(&a, sa, sizeof a);
        ::inet_ntop(AF_INET, &a.sin_addr, buf, sizeof buf);
        return fmt::format("{}:{}", buf, ntohs(a.sin_port));
    }
    if (sa->sa_family == AF_INET6 && len >= static_cast<socklen_t>(sizeof(sockaddr_in6))) {
        sockaddr_in6 a{};
        std::memcpy(&a, sa, sizeof a);
        ::inet_ntop(AF_INET6, &a.sin6_addr, buf, sizeof buf);
        return fmt::format("[{}]:{}", buf, ntohs(a.sin6_port));
    }
    return "?";
}

std::string peer_address(int fd) {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    if (::getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return "?";
    return format_endpoint(reinterpret_cast<const sockaddr*>(&ss), len);
}

std::string local_address(int fd) {
    socklen_t len = 0;
    const sockaddr_storage ss = local_sockaddr(fd, len);
    if (len == 0) return "?";
    return format_endpoint(reinterpret_cast<const sockaddr*>(&ss), len);
}

std::uint16_t local_port(int fd) {
    socklen_t len = 0;
    const sockaddr_storage ss = local_sockaddr(fd, len);
    if (ss.ss_family == AF_INET6)
        return ntohs(reinterpret_cast<const sockaddr_in6*>(&ss)->sin6_port);
    if (ss.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in*>(&ss)->sin_port);
    return 0;
}

} // namespace wsspec::transport
