#pragma once
// Running commands from a test: the real `wsspec` binary, the Python validators, a shell
// pipeline. Each runs under `timeout`, so a hang fails the test instead of stalling ctest.
// Shared by the test binaries of every layer (harness/tests, reports/tests).
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>

namespace wsspec::test {

struct outcome {
    int code = -1;      // the exit status; -1 when killed by a signal or not started
    std::string output; // stdout and stderr
};

// `cmd` is one command with its arguments (for a pipeline: "sh -c '…'").
inline outcome shell(const std::string& cmd, int timeout_s = 60) {
    outcome o;
    FILE* p = popen(("timeout " + std::to_string(timeout_s) + " " + cmd + " 2>&1").c_str(), "r");
    if (!p) return o;
    std::array<char, 4096> buf;
    while (auto n = fread(buf.data(), 1, buf.size(), p))
        o.output.append(buf.data(), n);
    int status = pclose(p);
    o.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return o;
}

// The command line of one of the report validators in reports/tools/.
inline std::string tool(const char* name) {
    return std::string("/usr/bin/python3 ") + WSSPEC_SOURCE_DIR + "/reports/tools/" + name;
}

// A fresh, empty directory under /tmp, named for the test and this process.
inline std::filesystem::path temp_dir(const std::string& name) {
    auto d = std::filesystem::temp_directory_path() /
             ("wsspec-" + name + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(d);
    std::filesystem::create_directories(d);
    return d;
}

} // namespace wsspec::test
