// The main() of fuzz targets in ordinary builds (simdjson's fuzz/main.cpp idea): runs every file
// named on the command line, and every file under every directory named, through
// LLVMFuzzerTestOneInput, so ctest replays the seed corpora and saved findings under the
// build's own sanitizers and the targets never rot. Arguments starting with '-' (libFuzzer
// flags) are ignored, so one command line serves both kinds of binary.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

namespace fs = std::filesystem;

bool run_file(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    if (!f) {
        std::fprintf(stderr, "error: cannot read %s\n", p.c_str());
        return false;
    }
    std::vector<char> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    // Named before it runs: if it crashes, the last line printed is the culprit.
    std::fprintf(stderr, "  %s (%zu bytes)\n", p.c_str(), bytes.size());
    // An exactly-sized copy, as libFuzzer passes it, so ASan sees reads past the end.
    std::unique_ptr<std::uint8_t[]> copy(new std::uint8_t[bytes.size() ? bytes.size() : 1]);
    std::copy(bytes.begin(), bytes.end(), copy.get());
    LLVMFuzzerTestOneInput(copy.get(), bytes.size());
    return true;
}

} // namespace

int main(int argc, char** argv) {
    std::size_t count = 0;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (!arg.empty() && arg[0] == '-') continue;
        std::error_code ec;
        const fs::path p(arg);
        if (fs::is_directory(p, ec)) {
            std::vector<fs::path> files;
            for (const auto& e : fs::recursive_directory_iterator(p, ec))
                if (e.is_regular_file()) files.push_back(e.path());
            std::sort(files.begin(), files.end()); // the same order on every machine
            for (const auto& f : files)
                if (run_file(f)) ++count;
        } else if (fs::is_regular_file(p, ec)) {
            if (run_file(p)) ++count;
        } else {
            std::fprintf(stderr, "error: %s: no such file or directory\n", arg.c_str());
            return 2;
        }
    }
    std::printf("%s: replayed %zu inputs\n", argc > 0 ? argv[0] : "replay", count);
    return 0;
}
