#include "harness/cli/input_checks.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace wsspec::cli {
namespace {

namespace fs = std::filesystem;

result<void> readable(const std::string& option, const std::string& path, bool dir_ok) {
    std::error_code ec;
    if (!fs::exists(path, ec))
        return make_error(option + " '" + path + "': no such file", error_kind::bad_input);
    if (fs::is_directory(path, ec)) {
        if (!dir_ok)
            return make_error(option + " '" + path + "' is a directory, not a file",
                              error_kind::bad_input);
        return {};
    }
    if (std::ifstream in(path); !in)
        return make_error(option + " '" + path + "': cannot be read", error_kind::bad_input);
    return {};
}

} // namespace

result<void> check_tls_files(const transport::tls_client_options& tls) {
    if (!tls.cacert.empty())
        if (auto r = readable("--cacert", tls.cacert, true); !r) return r;
    if (tls.cert.empty() != tls.key.empty())
        return make_error("--cert and --key go together", error_kind::bad_input);
    if (!tls.cert.empty())
        if (auto r = readable("--cert", tls.cert, false); !r) return r;
    if (!tls.key.empty())
        if (auto r = readable("--key", tls.key, false); !r) return r;
    return {};
}

result<std::uint64_t> parse_byte_size(const std::string& option, const std::string& text) {
    auto bad = [&] {
        return make_error(option + " '" + text +
                              "': expected a number of bytes, optionally with K, M or G "
                              "(e.g. 16M), from 1 to 2^62",
                          error_kind::bad_input);
    };
    std::size_t digits = 0;
    while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits])))
        ++digits;
    if (digits == 0 || digits > 18) return bad();
    std::uint64_t n = std::stoull(text.substr(0, digits));
    std::string unit = text.substr(digits);
    int shift = unit.empty()                   ? 0
                : unit == "K" || unit == "KiB" ? 10
                : unit == "M" || unit == "MiB" ? 20
                : unit == "G" || unit == "GiB" ? 30
                                               : -1;
    if (shift < 0 || n == 0 || n > (std::uint64_t{1} << (62 - shift))) return bad();
    return n << shift;
}

result<void> check_out_dir(const std::string& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (!fs::is_directory(dir))
        return make_error("-o '" + dir + "': cannot create the directory" +
                              (ec ? " (" + ec.message() + ")" : std::string(" (a file is there)")),
                          error_kind::bad_input);
    // Permissions alone do not tell (root, read-only mounts): try it.
    const auto probe = fs::path(dir) / (".wsspec-write-test-" + std::to_string(::getpid()));
    {
        std::ofstream out(probe);
        if (!out)
            return make_error("-o '" + dir + "': cannot write into the directory",
                              error_kind::bad_input);
    }
    fs::remove(probe, ec);
    return {};
}

} // namespace wsspec::cli
