#pragma once
// Running the real `wsspec` binary (WSSPEC_BINARY) from a test: its exit code and everything it
// printed, under a `timeout` so that a hang fails the test instead of stalling ctest.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>

namespace wsspec::test {

struct outcome {
    int code = -1;
    std::string output; // stdout and stderr
};

inline outcome wsspec_cli(const std::string& args, int timeout_s = 60) {
    std::string cmd =
        "timeout " + std::to_string(timeout_s) + " " + WSSPEC_BINARY + " " + args + " 2>&1";
    outcome o;
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return o;
    std::array<char, 4096> buf;
    while (auto n = fread(buf.data(), 1, buf.size(), p))
        o.output.append(buf.data(), n);
    int status = pclose(p);
    o.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return o;
}

// Runs reports/tools/validate_report.py on a written report.json: "" when it is valid, else
// what the validator printed.
inline std::string report_schema_errors(const std::filesystem::path& report) {
    std::string cmd = std::string("/usr/bin/python3 ") + WSSPEC_SOURCE_DIR +
                      "/reports/tools/validate_report.py " + report.string() + " 2>&1";
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return "cannot run the validator";
    std::string out;
    std::array<char, 4096> buf;
    while (auto n = fread(buf.data(), 1, buf.size(), p))
        out.append(buf.data(), n);
    int status = pclose(p);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return "";
    return out.empty() ? "the validator failed" : out;
}

// A fresh, empty directory under /tmp, named for the test and this process.
inline std::filesystem::path temp_dir(const std::string& name) {
    auto d = std::filesystem::temp_directory_path() /
             ("wsspec-" + name + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(d);
    std::filesystem::create_directories(d);
    return d;
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
        auto at = l.find("ws://");
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
