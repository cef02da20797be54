#include "harness/transport/wait.hpp"

#include <algorithm>
#include <cerrno>

namespace wsspec::transport {

int poll_timeout(deadline dl) noexcept {
    if (dl == no_deadline) return -1;
    const auto left = dl - clock::now();
    if (left <= clock::duration::zero()) return 0;
    const auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
    // Capped so a far deadline cannot overflow int; callers loop until the deadline anyway.
    return static_cast<int>(std::min<long long>(ms, 60'000));
}

wait_status wait_fds(std::span<pollfd> fds, deadline dl) noexcept {
    for (;;) {
        const int timeout_ms = poll_timeout(dl);
        for (pollfd& p : fds)
            p.revents = 0;
        const int n = ::poll(fds.data(), fds.size(), timeout_ms);
        if (n > 0) return wait_status::ready;
        if (n < 0 && errno != EINTR) return wait_status::error;
        if (n == 0 && clock::now() >= dl) return wait_status::timeout;
    }
}

wait_status wait_fd(int fd, short events, deadline dl) noexcept {
    pollfd p{fd, events, 0};
    return wait_fds({&p, 1}, dl);
}

} // namespace wsspec::transport
