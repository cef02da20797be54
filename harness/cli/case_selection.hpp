#pragma once
// Which cases a command runs: the catalog (built in, plus --case-dir), narrowed by -c/-x or by
// an Autobahn spec's cases/exclude-cases (with Autobahn's pattern rules), keeping the cases
// that apply to the role of the peer under test.
#include <string>
#include <vector>

#include "codec/result.hpp"
#include "harness/catalog/case_model.hpp"

namespace wsspec::cli {

struct selection_request {
    catalog::peer_role role = catalog::peer_role::server;
    std::string case_dir;
    bool replace_builtin = false;
    std::string cases, exclude; // -c, -x
    // From a spec file (null: none); -c replaces spec_cases, -x adds to spec_exclude.
    const std::vector<std::string>* spec_cases = nullptr;
    const std::vector<std::string>* spec_exclude = nullptr;
    std::string spec_file;
};

result<std::vector<catalog::case_def>> select_cases(const selection_request& r);

} // namespace wsspec::cli
