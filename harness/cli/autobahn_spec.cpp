#include "harness/cli/autobahn_spec.hpp"

#include <algorithm>
#include <cctype>
#include <type_traits>

#include "harness/engine/selection.hpp"
#include "harness/transport/url.hpp"
#include "reports/write_file.hpp"

namespace wsspec::cli {
namespace {

using nlohmann::json;

// Options of autobahn's setProtocolOptions that a spec may carry. None changes how wsspec
// judges a case; the ones a user could expect to matter get a warning.
constexpr std::string_view not_applied[] = {"openHandshakeTimeout",
                                            "closeHandshakeTimeout",
                                            "serverConnectionDropTimeout",
                                            "maskClientFrames",
                                            "acceptMaskedServerFrames",
                                            "utf8validateIncoming",
                                            "applyMask",
                                            "maxFramePayloadSize",
                                            "maxMessagePayloadSize",
                                            "autoFragmentSize",
                                            "echoCloseCodeReason",
                                            "autoPingInterval",
                                            "autoPingTimeout",
                                            "autoPingSize",
                                            "requireMaskedClientFrames",
                                            "perMessageCompressionOffers",
                                            "perMessageCompressionAccept",
                                            "trustXForwardedFor",
                                            "allowHixie76",
                                            "webStatus",
                                            "useragent",
                                            "server",
                                            "headers",
                                            "logOctets",
                                            "logFrames",
                                            "trackTimings",
                                            "allowedOrigins",
                                            "allowNullOrigin",
                                            "externalPort",
                                            "flashSocketPolicy",
                                            "countryCode"};

std::string type_of(const json& v) {
    return v.type_name();
}

// Both spec kinds share outdir, options, cases, exclude-cases and exclude-agent-cases.
template <class Spec>
struct parser {
    static constexpr bool for_servers = std::is_same_v<Spec, fuzzingclient_spec>;
    const std::string& file;
    Spec spec;

    error_info error(const std::string& field, const std::string& what) const {
        return {file + ": " + field + ": " + what, error_kind::bad_input};
    }
    void warn(const std::string& field, const std::string& what) {
        spec.warnings.push_back(file + ": " + field + ": " + what);
    }

    result<std::string> string_at(const json& v, const std::string& field) const {
        if (!v.is_string()) return error(field, "expected a string (got " + type_of(v) + ")");
        return v.get<std::string>();
    }

    // A case pattern: case ids are letters, digits, '.', '-' and '_'; '*' is the wildcard.
    result<std::vector<std::string>> patterns_at(const json& v, const std::string& field) const {
        if (!v.is_array())
            return error(field, "expected a list of case patterns such as [\"1.*\", \"2.1\"] "
                                "(got " +
                                    type_of(v) + ")");
        std::vector<std::string> out;
        for (std::size_t i = 0; i < v.size(); ++i) {
            const std::string at = field + "[" + std::to_string(i) + "]";
            auto s = string_at(v[i], at);
            if (!s) return s.error();
            bool ok = !s->empty() && std::all_of(s->begin(), s->end(), [](unsigned char c) {
                return std::isalnum(c) || c == '.' || c == '*' || c == '-' || c == '_';
            });
            if (!ok)
                return error(at, "'" + *s +
                                     "' is not a case pattern: case ids and '*' only, "
                                     "as in \"6.4.*\"");
            out.push_back(*s);
        }
        return out;
    }

    void options_at(const json& v, const std::string& field) {
        if (!v.is_object()) {
            warn(field, "expected an object of Autobahn options; ignored");
            return;
        }
        for (const auto& [key, value] : v.items()) {
            const std::string at = field + "." + key;
            if (key == "failByDrop") {
                if (value != false)
                    warn(at, "ignored: wsspec judges every case as Autobahn's fuzzingclient does "
                             "with failByDrop false (a dropped TCP connection is not by itself "
                             "a failure)");
            } else if (key == "version") {
                if (value != 18 && value != 13)
                    warn(at, "ignored: wsspec speaks RFC 6455 (version 18, Sec-WebSocket-Version "
                             "13) only");
            } else if (key == "tcpNoDelay") {
                // Always on: chopped writes rely on it.
            } else if (std::find(std::begin(not_applied), std::end(not_applied), key) !=
                       std::end(not_applied)) {
                warn(at, "an Autobahn option wsspec does not apply; ignored (the case timers "
                         "are Autobahn's; see --timer-scale and --max-message)");
            } else {
                warn(at, "not an option Autobahn knows; ignored");
            }
        }
    }

    result<spec_server> server_at(const json& v, const std::string& field) {
        if (!v.is_object())
            return error(field, "expected an object with \"url\" (got " + type_of(v) + ")");
        spec_server s;
        auto url = v.find("url");
        if (url == v.end()) return error(field + ".url", "missing: the ws:// or wss:// URL");
        auto u = string_at(*url, field + ".url");
        if (!u) return u.error();
        if (auto parsed = transport::parse_url(*u); !parsed)
            return error(field + ".url", "'" + *u + "': " + parsed.error().message);
        s.url = *u;
        for (const auto& [key, value] : v.items()) {
            const std::string at = field + "." + key;
            if (key == "url") continue;
            if (key == "agent" || key == "hostname" || key == "origin") {
                auto str = string_at(value, at);
                if (!str) return str.error();
                (key == "agent" ? s.agent : key == "hostname" ? s.hostname : s.origin) = *str;
                if (key == "agent" && str->empty())
                    return error(at, "empty: name the agent or leave the field out");
            } else if (key == "protocols") {
                if (!value.is_array())
                    return error(at, "expected a list of subprotocol names (got " + type_of(value) +
                                         ")");
                for (std::size_t i = 0; i < value.size(); ++i) {
                    auto p = string_at(value[i], at + "[" + std::to_string(i) + "]");
                    if (!p) return p.error();
                    s.protocols.push_back(*p);
                }
            } else if (key == "options") {
                options_at(value, at);
            } else {
                warn(at, "not a field of a fuzzingclient server; ignored");
            }
        }
        return s;
    }

    result<void> parse(const json& j) {
        if (!j.is_object())
            return error("(top)", std::string("expected an object with \"") +
                                      (for_servers ? "servers" : "url") + "\" (got " + type_of(j) +
                                      ")");
        for (const auto& [key, value] : j.items()) {
            if (key == "outdir") {
                auto s = string_at(value, key);
                if (!s) return s.error();
                spec.outdir = *s;
            } else if (key == "options") {
                options_at(value, key);
            } else if (key == "cases" || key == "exclude-cases") {
                auto p = patterns_at(value, key);
                if (!p) return p.error();
                (key == "cases" ? spec.cases : spec.exclude_cases) = std::move(*p);
            } else if (key == "exclude-agent-cases") {
                if (!value.is_object())
                    return error(key, "expected an object of agent pattern → case patterns (got " +
                                          type_of(value) + ")");
                for (const auto& [agent, cases] : value.items()) {
                    auto p = patterns_at(cases, key + "." + agent);
                    if (!p) return p.error();
                    spec.exclude_agent_cases.emplace_back(agent, std::move(*p));
                }
            } else if (auto r = own_field(key, value); !r) {
                return r.error();
            } else if (!*r) {
                warn(key, std::string("not a field of a ") +
                              (for_servers ? "fuzzingclient" : "fuzzingserver") + " spec; ignored");
            }
        }
        return for_servers ? servers_distinct() : listen_url();
    }

    // The fields only one kind has; false for a field this kind does not know.
    result<bool> own_field(const std::string& key, const json& value) {
        if constexpr (for_servers) {
            if (key == "servers") {
                if (!value.is_array())
                    return error(key, "expected a list of servers (got " + type_of(value) + ")");
                for (std::size_t i = 0; i < value.size(); ++i) {
                    auto s = server_at(value[i], "servers[" + std::to_string(i) + "]");
                    if (!s) return s.error();
                    spec.servers.push_back(std::move(*s));
                }
                return true;
            }
            if (key == "url" || key == "webport" || key == "key" || key == "cert") {
                warn(key, "a field of a fuzzingserver spec (which tests clients); ignored here");
                return true;
            }
        } else {
            if (key == "url" || key == "key" || key == "cert") {
                auto s = string_at(value, key);
                if (!s) return s.error();
                (key == "url" ? spec.url : key == "key" ? spec.key : spec.cert) = *s;
                return true;
            }
            if (key == "webport") {
                warn(key, "ignored: serve-cases serves its browser page on its own port");
                return true;
            }
            if (key == "protocols") {
                warn(key, "ignored: serve-cases selects no subprotocol, as Autobahn's does not");
                return true;
            }
            if (key == "servers") {
                warn(key, "a field of a fuzzingclient spec (which tests servers); ignored here");
                return true;
            }
        }
        return false;
    }

    result<void> servers_distinct() {
        if constexpr (for_servers) {
            // Two servers under one agent would merge into one column of every report.
            for (std::size_t i = 0; i < spec.servers.size(); ++i)
                for (std::size_t k = 0; k < i; ++k)
                    if (!spec.servers[i].agent.empty() &&
                        spec.servers[i].agent == spec.servers[k].agent)
                        return error("servers[" + std::to_string(i) + "].agent",
                                     "'" + spec.servers[i].agent +
                                         "' is also the agent of servers[" + std::to_string(k) +
                                         "]");
        }
        return {};
    }

    result<void> listen_url() {
        if constexpr (!for_servers) {
            auto u = transport::parse_url(spec.url);
            if (!u) return error("url", "'" + spec.url + "': " + u.error().message);
            if (u->secure() && (spec.key.empty() || spec.cert.empty()))
                return error("url", "'" + spec.url + "' is wss://: give \"key\" and \"cert\" too");
            if (!u->secure() && (!spec.key.empty() || !spec.cert.empty()))
                warn("key", "ignored: the url is ws://, not wss://");
        }
        return {};
    }
};

} // namespace

namespace {

template <class Spec>
result<Spec> parse_spec(const json& j, const std::string& file) {
    parser<Spec> p{file, {}};
    if (auto r = p.parse(j); !r) return r.error();
    return std::move(p.spec);
}

template <class Spec>
result<Spec> read_spec(const std::string& path) {
    auto text = report::read_file(path);
    if (!text) return text.error();
    try {
        return parse_spec<Spec>(json::parse(*text), path);
    } catch (const json::parse_error& e) {
        return make_error(path + ": not JSON: " + e.what(), error_kind::bad_input);
    }
}

} // namespace

result<fuzzingclient_spec> parse_fuzzingclient_spec(const json& j, const std::string& file) {
    return parse_spec<fuzzingclient_spec>(j, file);
}

result<fuzzingclient_spec> read_fuzzingclient_spec(const std::string& path) {
    return read_spec<fuzzingclient_spec>(path);
}

result<fuzzingserver_spec> parse_fuzzingserver_spec(const json& j, const std::string& file) {
    return parse_spec<fuzzingserver_spec>(j, file);
}

result<fuzzingserver_spec> read_fuzzingserver_spec(const std::string& path) {
    return read_spec<fuzzingserver_spec>(path);
}

bool spec_case_matches(const std::string& pattern, const std::string& id) {
    if (pattern.find('*') == std::string::npos) return pattern == id;
    return engine::glob_match(pattern + "*", id);
}

bool spec_full_match(const std::string& pattern, const std::string& s) {
    return engine::glob_match(pattern, s);
}

} // namespace wsspec::cli
