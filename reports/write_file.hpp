#pragma once
// Every report file is written next to its final name and then renamed over it: a run that is
// interrupted, or a disk that fills up, never leaves a truncated report where the last good one
// was.
#include <string>
#include <string_view>

#include "codec/result.hpp"

namespace wsspec::report {

result<void> write_file(const std::string& path, std::string_view content);

// The whole file, or an error naming it.
result<std::string> read_file(const std::string& path);

} // namespace wsspec::report
