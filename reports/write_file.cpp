#include "reports/write_file.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace wsspec::report {

result<void> write_file(const std::string& path, std::string_view content) {
    const std::string tmp = path + ".part";
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return make_error("cannot write " + tmp, error_kind::bad_input);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.close();
    if (!out) return make_error("error while writing " + tmp);
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) return make_error("cannot rename " + tmp + " to " + path + ": " + ec.message());
    return {};
}

result<std::string> read_file(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        return make_error(path + ": is a directory, not a file", error_kind::bad_input);
    std::ifstream in(path, std::ios::binary);
    if (!in) return make_error(path + ": cannot open it", error_kind::bad_input);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

} // namespace wsspec::report
