#pragma once
// A child process started with fork/exec, its stdin and stdout on pipes: the interop tests'
// third-party servers and npm, and the server `wsspec fuzz` restarts after a crash. The child
// gets SIGKILL if this process dies (PR_SET_PDEATHSIG), the servers in tests/interop/ also exit
// when stdin closes, and the destructor ends the child (SIGTERM, then SIGKILL) and reaps it, so
// neither a failed assertion nor a crash leaves an orphan.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "codec/result.hpp"

namespace wsspec::process {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

// The first executable `name` on PATH; empty when there is none.
inline std::string find_in_path(const std::string& name) {
    const char* path = std::getenv("PATH");
    std::stringstream dirs(path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin");
    for (std::string dir; std::getline(dirs, dir, ':');) {
        std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
        struct stat st {};
        if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
            ::access(candidate.c_str(), X_OK) == 0)
            return candidate;
    }
    return {};
}

struct spawn_options {
    std::string cwd;            // empty: ours
    bool capture_stdout = true; // false: the child writes to our stdout (npm's progress in the log)
    bool discard_stderr = false; // the child's stderr goes to /dev/null (a server's log lines)
    // The child leads a process group of its own and stop() signals the whole group: a shell
    // command line (`cd dir && ./server`) is stopped with the server it started.
    bool own_group = false;
};

class child_process {
public:
    // argv[0] is a path, not looked up on PATH.
    static result<child_process> spawn(const std::vector<std::string>& argv,
                                       const spawn_options& opt = {}) {
        if (argv.empty()) return make_error("no program to run");
        int in[2], out[2] = {-1, -1}, err[2];
        if (::pipe2(in, O_CLOEXEC) != 0) return errno_error("pipe");
        if (opt.capture_stdout && ::pipe2(out, O_CLOEXEC) != 0)
            return close_all({in[0], in[1]}, "pipe");
        // exec failures come back on this pipe; it closes itself on a successful exec.
        if (::pipe2(err, O_CLOEXEC) != 0) return close_all({in[0], in[1], out[0], out[1]}, "pipe");

        std::vector<char*> args;
        for (const auto& a : argv)
            args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        const pid_t parent = ::getpid();

        const pid_t pid = ::fork();
        if (pid < 0) return close_all({in[0], in[1], out[0], out[1], err[0], err[1]}, "fork");
        if (pid == 0) {
            // Only async-signal-safe calls from here on. Should this process die without
            // closing the pipe (it cannot, but belt and braces), the kernel kills the child.
            ::prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (::getppid() != parent) ::_exit(127);
            int e = 0;
            if (opt.own_group && ::setpgid(0, 0) != 0) e = errno;
            if (::dup2(in[0], STDIN_FILENO) < 0) e = errno;
            if (e == 0 && out[1] >= 0 && ::dup2(out[1], STDOUT_FILENO) < 0) e = errno;
            if (e == 0 && opt.discard_stderr) {
                int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
                if (null < 0 || ::dup2(null, STDERR_FILENO) < 0) e = errno;
            }
            if (e == 0 && !opt.cwd.empty() && ::chdir(opt.cwd.c_str()) != 0) e = errno;
            if (e == 0) {
                ::execv(args[0], args.data());
                e = errno;
            }
            [[maybe_unused]] auto n = ::write(err[1], &e, sizeof e);
            ::_exit(127);
        }
        ::close(in[0]);
        if (out[1] >= 0) ::close(out[1]);
        ::close(err[1]);
        if (opt.own_group) {
            // Also here, so that the group exists before stop() could signal it.
            ::setpgid(pid, pid);
            // What the shell starts and leaves behind becomes our child when the shell ends, so
            // that stop() can reap it: a server is not gone (its port not free) until reaped.
            ::prctl(PR_SET_CHILD_SUBREAPER, 1);
        }
        child_process c(pid, in[1], out[0], opt.own_group);
        int e = 0;
        ssize_t n;
        do
            n = ::read(err[0], &e, sizeof e);
        while (n < 0 && errno == EINTR);
        ::close(err[0]);
        if (n == static_cast<ssize_t>(sizeof e))
            return make_error("cannot run " + argv[0] + ": " + std::strerror(e));
        return c;
    }

    child_process(child_process&& o) noexcept
        : pid_(std::exchange(o.pid_, -1)), stdin_(std::exchange(o.stdin_, -1)),
          stdout_(std::exchange(o.stdout_, -1)), group_(std::exchange(o.group_, -1)),
          status_(o.status_), buffered_(std::move(o.buffered_)) {}
    child_process& operator=(child_process&&) = delete;
    child_process(const child_process&) = delete;
    ~child_process() { stop(); }

    pid_t pid() const noexcept { return pid_; }

    // One line of the child's stdout, without the newline, if it arrives within `within`.
    result<std::string> read_line(milliseconds within) {
        const auto deadline = steady_clock::now() + within;
        for (;;) {
            if (auto nl = buffered_.find('\n'); nl != std::string::npos) {
                std::string line = buffered_.substr(0, nl);
                buffered_.erase(0, nl + 1);
                return line;
            }
            const auto left =
                std::chrono::duration_cast<milliseconds>(deadline - steady_clock::now());
            if (stdout_ < 0 || left.count() <= 0)
                return make_error("no line on stdout within " + std::to_string(within.count()) +
                                  " ms");
            pollfd p{stdout_, POLLIN, 0};
            const int r = ::poll(&p, 1, static_cast<int>(left.count()));
            if (r < 0 && errno != EINTR) return errno_error("poll");
            if (r <= 0) continue;
            char buf[512];
            const ssize_t n = ::read(stdout_, buf, sizeof buf);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0)
                return make_error("stdout closed before a full line (\"" + buffered_ + "\")");
            buffered_.append(buf, static_cast<std::size_t>(n));
        }
    }

    // The exit status (as waitpid reports it) if the child ends within `within`.
    std::optional<int> wait_for(milliseconds within) {
        const auto deadline = steady_clock::now() + within;
        for (;;) {
            if (status_) return status_;
            if (pid_ < 0) return std::nullopt;
            int st = 0;
            const pid_t r = ::waitpid(pid_, &st, WNOHANG);
            if (r == pid_ || (r < 0 && errno == ECHILD)) {
                status_ = r == pid_ ? st : -1;
                pid_ = -1;
                return status_;
            }
            if (steady_clock::now() >= deadline) return std::nullopt;
            std::this_thread::sleep_for(milliseconds(10));
        }
    }

    // Closes stdin and sends SIGTERM (either makes our servers exit), SIGKILL after two seconds,
    // then reaps. Idempotent.
    void stop() {
        close_fd(stdin_);
        if (group_ > 0) {
            // The group outlives its leader when the shell has already gone: signal it anyway.
            ::kill(-group_, SIGTERM);
            wait_for(milliseconds(2000));
            ::kill(-group_, SIGKILL); // whatever of the group is still there
            wait_for(milliseconds(5000));
            reap_group(milliseconds(5000));
            group_ = -1;
        } else if (pid_ > 0 && !wait_for(milliseconds(0))) {
            ::kill(pid_, SIGTERM);
            if (!wait_for(milliseconds(2000))) {
                ::kill(pid_, SIGKILL);
                wait_for(milliseconds(5000));
            }
        }
        close_fd(stdout_);
    }

private:
    child_process(pid_t pid, int in, int out, bool own_group)
        : pid_(pid), stdin_(in), stdout_(out), group_(own_group ? pid : -1) {}

    // Reaps the group's other members (ours as their subreaper) until none is left.
    void reap_group(milliseconds within) {
        const auto deadline = steady_clock::now() + within;
        for (;;) {
            int st = 0;
            const pid_t r = ::waitpid(-group_, &st, WNOHANG);
            if (r > 0) continue;
            if (r < 0 || steady_clock::now() >= deadline) return; // ECHILD: all reaped
            std::this_thread::sleep_for(milliseconds(10));
        }
    }

    static void close_fd(int& fd) {
        if (fd >= 0) ::close(fd);
        fd = -1;
    }
    static error_info errno_error(const char* what) {
        return make_error(std::string(what) + ": " + std::strerror(errno));
    }
    static error_info close_all(std::initializer_list<int> fds, const char* what) {
        auto e = errno_error(what);
        for (int fd : fds)
            if (fd >= 0) ::close(fd);
        return e;
    }

    pid_t pid_ = -1;
    int stdin_ = -1;
    int stdout_ = -1;
    pid_t group_ = -1; // the process group stop() signals; -1: only the child
    std::optional<int> status_;
    std::string buffered_;
};

// "exited with code 3", "was killed by signal 9 (Killed)": a wait status for a message.
inline std::string describe_status(int status) {
    if (WIFEXITED(status)) return "exited with code " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status))
        return "was killed by signal " + std::to_string(WTERMSIG(status)) + " (" +
               ::strsignal(WTERMSIG(status)) + ")";
    return "ended (wait status " + std::to_string(status) + ")";
}

// Runs argv to completion; its exit status, or an error if it could not start or ran past
// `within` (it is then killed).
inline result<int> run_to_completion(const std::vector<std::string>& argv, const std::string& cwd,
                                     milliseconds within, bool capture_stdout = false) {
    auto c = child_process::spawn(argv, {.cwd = cwd, .capture_stdout = capture_stdout});
    if (!c) return std::move(c).error();
    auto st = c->wait_for(within);
    if (!st)
        return make_error(argv[0] + " did not finish within " +
                          std::to_string(within.count() / 1000) + " s");
    return WIFEXITED(*st) ? WEXITSTATUS(*st) : 128 + (WIFSIGNALED(*st) ? WTERMSIG(*st) : 0);
}

} // namespace wsspec::process
