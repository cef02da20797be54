#include "harness/cli/case_selection.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "harness/catalog/case_loader.hpp"
#include "harness/cli/autobahn_spec.hpp"
#include "harness/engine/selection.hpp"

namespace wsspec::cli {

result<std::vector<catalog::case_def>> select_cases(const selection_request& r) {
    auto all = catalog::load_catalog(r.case_dir, r.replace_builtin);
    if (!all) return all.error();
    std::vector<catalog::case_def> cases;
    const bool spec = r.spec_cases != nullptr;
    if (spec && r.cases.empty()) {
        // The spec's own rules (caseset.py): cases minus exclude-cases, then -x on top.
        auto matches = [](const std::vector<std::string>& patterns, const std::string& id) {
            return std::any_of(patterns.begin(), patterns.end(),
                               [&](const auto& p) { return spec_case_matches(p, id); });
        };
        for (const auto& p : *r.spec_cases)
            if (std::none_of(all->begin(), all->end(),
                             [&](const auto& c) { return spec_case_matches(p, c.id); }))
                fmt::print(stderr, "wsspec: {}: cases: '{}' matches no case of the catalog\n",
                           r.spec_file, p);
        for (const auto& c : *all)
            if (matches(*r.spec_cases, c.id) && !matches(*r.spec_exclude, c.id)) cases.push_back(c);
        cases = engine::select(cases, {}, engine::split_patterns(r.exclude));
    } else {
        auto exclude = engine::split_patterns(r.exclude);
        if (spec) exclude.insert(exclude.end(), r.spec_exclude->begin(), r.spec_exclude->end());
        cases = engine::select(*all, engine::split_patterns(r.cases), exclude);
    }
    // A case for the other role would wait for a peer that never comes.
    auto other =
        std::erase_if(cases, [&](const catalog::case_def& c) { return !c.applies_to(r.role); });
    if (other && (!r.cases.empty() || spec))
        fmt::print(stderr, "wsspec: left out {} case(s) that test {} only\n", other,
                   r.role == catalog::peer_role::server ? "clients" : "servers");
    if (cases.empty())
        return make_error(
            "no case matches -c '" + r.cases + "'" +
                (r.exclude.empty() ? "" : " -x '" + r.exclude + "'") +
                (spec ? " and the spec's cases" : "") +
                (r.role == catalog::peer_role::client ? " among the cases for clients" : ""),
            error_kind::bad_input);
    return cases;
}

} // namespace wsspec::cli
