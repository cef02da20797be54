#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "harness/catalog/case_loader.hpp"
#include "harness/cli/commands.hpp"
#include "harness/engine/selection.hpp"
#include "harness/server/quirk.hpp"

namespace wsspec::cli {
namespace {

// "§5.2" for RFC 6455, which most cases test; another RFC's sections say which: "RFC 7692 §6".
std::string section_label(std::string_view rfc) {
    if (rfc.empty()) return "-";
    return rfc.rfind("RFC", 0) == 0 ? std::string(rfc) : "§" + std::string(rfc);
}

} // namespace

int list_command(const list_args& a) {
    if (a.quirks) {
        if (a.json) {
            nlohmann::json j = nlohmann::json::array();
            for (const auto& q : server::all_quirks())
                j.push_back({{"name", q.name}, {"breaks", q.breaks}, {"rfc", q.rfc_section}});
            fmt::print("{}\n", j.dump(2));
            return exit_ok;
        }
        for (const auto& q : server::all_quirks())
            fmt::print("{:<26} {:<7} {}\n", q.name, section_label(q.rfc_section), q.breaks);
        return exit_ok;
    }
    auto all = catalog::load_catalog(a.case_dir, a.replace_builtin);
    if (!all) {
        fmt::print(stderr, "wsspec: {}\n", all.error().message);
        return exit_usage;
    }
    auto cases =
        engine::select(*all, engine::split_patterns(a.cases), engine::split_patterns(a.exclude));
    if (a.json) {
        nlohmann::json j = nlohmann::json::array();
        for (const auto& c : cases) {
            nlohmann::json roles = nlohmann::json::array();
            for (auto r : c.roles)
                roles.push_back(std::string(catalog::to_string(r)));
            j.push_back({{"id", c.id},
                         {"group", c.group},
                         {"title", c.title},
                         {"rfc", c.rfc},
                         {"quote", c.quote},
                         {"requirement", c.requirement},
                         {"roles", roles},
                         {"quirks", c.quirks},
                         {"source", c.source}});
        }
        fmt::print("{}\n", j.dump(2));
        return exit_ok;
    }
    for (const auto& c : cases)
        fmt::print("{:<8} {:<7} {}{}\n", c.id + " ", section_label(c.rfc), c.title,
                   c.applies_to(catalog::peer_role::server) ? "" : " (tests clients)");
    fmt::print("{} cases\n", cases.size());
    return exit_ok;
}

} // namespace wsspec::cli
