#include "harness/transport/wait.hpp"

#include <algorithm>
#include <cerrno>

namespace wsspec::transport {

const timespec* poll_timeout(deadline dl, timespec& storage) noexcept {
    if (dl == no_deadline) return nullptr;
    const auto left = std::clamp<clock::duration>(dl - clock::now(), clock::duration::zero(),
                                                  std::chrono::seconds(60));
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
    storage.tv_sec = static_cast<time_t>(ns / 1'000'000'000);
    storage.tv_nsec = static_cast<long>(ns % 1'000'000'000);
    return &storage;
}

wait_status wait_fds(std::span<pollfd> fds, deadline dl) noexcept {
    for (;;) {
        timespec storage{};
        const timespec* timeout = poll_timeout(dl, storage);
        for (pollfd& p : fds)
            p.revents = 0;
        const int n = ::ppoll(fds.data(), fds.size(), timeout, nullptr);
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
