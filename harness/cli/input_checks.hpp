#pragma once
// Checks of the command line's files and directories, done before any connection is made, so
// that a typo is a usage error (exit 2) naming the option and the path, and never a finding.
#include <cstdint>
#include <string>

#include "codec/result.hpp"
#include "harness/transport/tls_options.hpp"

namespace wsspec::cli {

// --cacert (a PEM file or a directory), --cert and --key must exist and be readable, and
// --cert and --key go together. The PEM content itself is then read by the TLS context.
result<void> check_tls_files(const transport::tls_client_options& tls);

// "1048576", "64K", "16M", "1G" (binary units) → bytes; at least 1, at most 2^62. The error
// names the option.
result<std::uint64_t> parse_byte_size(const std::string& option, const std::string& text);

// -o DIR: created if missing; it must then be a directory a file can be written into.
result<void> check_out_dir(const std::string& dir);

} // namespace wsspec::cli
