#include <algorithm>

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

// Why a case is not served to clients (serve-cases), for `wsspec list`.
std::string_view not_for_clients(const catalog::case_def& c) {
    if (c.group == "hs") return "it tests how a server answers opening requests (RFC 6455 §4.2)";
    if (c.group == "mask") return "it tests a server's checks of client frames (RFC 6455 §5.1)";
    if (c.group == "pmd")
        return "it tests a server's answers to permessage-deflate offers and its limits "
               "(RFC 7692 §7); not yet shown to judge clients";
    if (c.group == "length" || c.group == "limits")
        return "written for servers; not yet shown to judge clients";
    return "written for servers";
}

const char* roles_label(const catalog::case_def& c) {
    const bool server = c.applies_to(catalog::peer_role::server);
    const bool client = c.applies_to(catalog::peer_role::client);
    return server && client ? "servers, clients" : client ? "clients" : "servers";
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
            if (!c.applies_to(catalog::peer_role::client))
                j.back()["not_for_clients"] = not_for_clients(c);
        }
        fmt::print("{}\n", j.dump(2));
        return exit_ok;
    }
    std::size_t for_clients = 0;
    for (const auto& c : cases) {
        fmt::print("{:<8} {:<7} {:<16} {}\n", c.id + " ", section_label(c.rfc), roles_label(c),
                   c.title);
        for_clients += c.applies_to(catalog::peer_role::client);
    }
    fmt::print("{} cases; {} of them also or only for clients (serve-cases)\n", cases.size(),
               for_clients);
    if (for_clients < cases.size()) {
        // Why the others are not served to clients, once per reason.
        std::vector<std::pair<std::string_view, std::size_t>> reasons;
        for (const auto& c : cases) {
            if (c.applies_to(catalog::peer_role::client)) continue;
            auto why = not_for_clients(c);
            auto it = std::find_if(reasons.begin(), reasons.end(),
                                   [&](const auto& r) { return r.first == why; });
            if (it == reasons.end())
                reasons.emplace_back(why, 1);
            else
                ++it->second;
        }
        for (const auto& [why, n] : reasons)
            fmt::print("  not for clients ({}): {}\n", n, why);
    }
    return exit_ok;
}

} // namespace wsspec::cli
