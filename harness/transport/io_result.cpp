#include "harness/transport/io_result.hpp"

#include <cerrno>
#include <cstring>

namespace wsspec::transport {

std::string_view to_string(io_status s) noexcept {
    switch (s) {
    case io_status::ok: return "ok";
    case io_status::would_block: return "would_block";
    case io_status::timeout: return "timeout";
    case io_status::closed: return "closed";
    case io_status::reset: return "reset";
    case io_status::error: return "error";
    }
    return "unknown";
}

io_status status_of_errno(int err) noexcept {
    return err == ECONNRESET || err == EPIPE ? io_status::reset : io_status::error;
}

std::string errno_text(int err) {
    std::string s = std::strerror(err);
    // "Connection refused" -> "connection refused", but leave "I/O error" alone.
    if (s.size() >= 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'a' && s[1] <= 'z')
        s[0] = static_cast<char>(s[0] - 'A' + 'a');
    return s;
}

} // namespace wsspec::transport
