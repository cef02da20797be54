#include "harness/cli/build_info.hpp"

#include <chrono>
#include <ctime>

#ifndef WSSPEC_VERSION
#error "WSSPEC_VERSION must be defined by the build (harness/CMakeLists.txt)"
#endif

namespace wsspec::cli {

std::string_view version() noexcept {
    return WSSPEC_VERSION;
}

std::string now_iso8601() {
    std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

} // namespace wsspec::cli
