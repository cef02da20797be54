#pragma once
// Running the real `wsspec` binary (WSSPEC_BINARY) from a test: its exit code and everything it
// printed, under a `timeout` so that a hang fails the test instead of stalling ctest.
#include <signal.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "tests/support/process.hpp"

namespace wsspec::test {

inline outcome wsspec_cli(const std::string& args, int timeout_s = 60) {
    return shell(std::string(WSSPEC_BINARY) + " " + args, timeout_s);
}

// Runs reports/tools/validate_report.py on a written report.json: "" when it is valid, else
// what the validator printed.
inline std::string report_schema_errors(const std::filesystem::path& report) {
    auto o = shell(tool("validate_report.py") + " " + report.string());
    if (o.code == 0) return "";
    return o.output.empty() ? "the validator failed" : o.output;
}

// `wsspec serve -p 0 ARGS` in the background, for tests that need a server of their own (a
// quirk on one of several targets); stopped when this goes out of scope.
class served {
public:
    explicit served(const std::string& args) {
        pipe_ = popen(
            ("echo $$; exec " + std::string(WSSPEC_BINARY) + " serve -p 0 " + args).c_str(), "r");
        char line[512] = {};
        if (!pipe_ || !fgets(line, sizeof line, pipe_)) return;
        pid_ = static_cast<pid_t>(std::stol(line));
        if (!fgets(line, sizeof line, pipe_)) return;
        std::string l = line;
        auto at = l.find("wss://");
        if (at == std::string::npos) at = l.find("ws://");
        if (at == std::string::npos) return;
        url_ = l.substr(at, l.find_first_of(" \r\n", at) - at) + "/";
    }
    ~served() {
        if (pid_ > 0) ::kill(pid_, SIGTERM);
        if (pipe_) pclose(pipe_);
    }
    served(const served&) = delete;
    served& operator=(const served&) = delete;
    const std::string& url() const { return url_; } // "" if it did not start

private:
    FILE* pipe_ = nullptr;
    pid_t pid_ = -1;
    std::string url_;
};

} // namespace wsspec::test
