#pragma once
// The server `wsspec fuzz` works on, and how to bring it back after a crash: the built-in
// reference server runs as a child process (`wsspec serve`, so a crash it is made to have
// cannot take the fuzzer down), a user's server can be started with --exec, and a bare URL is
// used as it is (a crash then ends the run, since nothing can restart it).
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "codec/result.hpp"
#include "harness/process/child_process.hpp"

namespace wsspec::live_fuzz {

struct target_spec {
    std::string url;                 // empty: the built-in reference server
    std::string exec;                // with url: a shell command that starts the server there
    std::vector<std::string> quirks; // the built-in server's quirks
    std::string self;                // this program, to run `self serve`
};

class target {
public:
    static result<std::unique_ptr<target>> start(target_spec spec,
                                                 std::chrono::milliseconds within);

    const std::string& url() const noexcept { return url_; }
    bool restartable() const noexcept { return !spec_.url.empty() ? !spec_.exec.empty() : true; }
    // Ends the server (if we started it) and starts it again; the URL may change (built-in).
    result<void> restart(std::chrono::milliseconds within);
    std::size_t restarts() const noexcept { return restarts_; }

private:
    explicit target(target_spec spec) : spec_(std::move(spec)) {}
    result<void> launch(std::chrono::milliseconds within);

    target_spec spec_;
    std::string url_;
    std::optional<process::child_process> child_;
    std::size_t restarts_ = 0;
};

// Can a TCP connection be opened to url right now (within the time given)?
bool accepts(const std::string& url, std::chrono::milliseconds within);

} // namespace wsspec::live_fuzz
