#pragma once
// What every command writes into its reports: the tool's version and the time a run started.
#include <string>
#include <string_view>

namespace wsspec::cli {

// The project version CMake compiles into the CLI (CMakeLists.txt project(VERSION)).
std::string_view version() noexcept;
// "2026-12-06T05:00:00Z": now, UTC, to the second.
std::string now_iso8601();

} // namespace wsspec::cli
