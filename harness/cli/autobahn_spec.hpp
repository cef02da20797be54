#pragma once
// Autobahn|Testsuite's spec files, read as its users write them, so a project's existing file
// runs unchanged. The fuzzingclient spec (`wstest -m fuzzingclient`, tests servers,
// autobahn-catalog.md §4.2):
//
//   { "outdir": "./reports/servers",
//     "options": {"failByDrop": false},
//     "servers": [{"agent": "MyServer", "url": "ws://127.0.0.1:9001", "options": {...},
//                  "hostname": "example.com", "origin": "http://example.com",
//                  "protocols": ["chat"]}],
//     "cases": ["*"], "exclude-cases": ["9.*"], "exclude-agent-cases": {"MyServer*": ["7.9.3"]} }
//
// Anything malformed is an error naming the file and the field; Autobahn options that change
// nothing here are warnings, since a spec written for Autobahn should still run.
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "codec/result.hpp"

namespace wsspec::cli {

struct spec_server {
    std::string agent; // empty: from the server's Server header, else the URL
    std::string url;
    std::string hostname; // TLS: the name to send (SNI) and verify
    std::string origin;
    std::vector<std::string> protocols; // subprotocols to offer
};

struct fuzzingclient_spec {
    std::string outdir = "./reports/servers";
    std::vector<spec_server> servers;
    std::vector<std::string> cases{"*"}, exclude_cases;
    // agent pattern → case patterns (both fully anchored, `*` any run of characters)
    std::vector<std::pair<std::string, std::vector<std::string>>> exclude_agent_cases;
    std::vector<std::string> warnings;
};

result<fuzzingclient_spec> parse_fuzzingclient_spec(const nlohmann::json& j,
                                                    const std::string& file);
result<fuzzingclient_spec> read_fuzzingclient_spec(const std::string& path);

// The fuzzingserver spec (`wstest -m fuzzingserver`, tests clients, §4.3):
//
//   { "url": "ws://127.0.0.1:9001", "outdir": "./reports/clients",
//     "options": {"failByDrop": false}, "key": "server.key", "cert": "server.crt",
//     "cases": ["*"], "exclude-cases": [], "exclude-agent-cases": {} }
struct fuzzingserver_spec {
    std::string url = "ws://127.0.0.1:9001"; // where to listen; wss:// needs key and cert
    std::string outdir = "./reports/clients";
    std::string key, cert;
    std::vector<std::string> cases{"*"}, exclude_cases;
    std::vector<std::pair<std::string, std::vector<std::string>>> exclude_agent_cases;
    std::vector<std::string> warnings;
};

result<fuzzingserver_spec> parse_fuzzingserver_spec(const nlohmann::json& j,
                                                    const std::string& file);
result<fuzzingserver_spec> read_fuzzingserver_spec(const std::string& path);

// Autobahn's rules for `cases` and `exclude-cases` (caseset.py): a pattern without `*` is one
// case id; with `*` it matches from the start of the id ("1*" selects 1.x, 10.x, 12.x, 13.x).
bool spec_case_matches(const std::string& pattern, const std::string& id);
// `exclude-agent-cases` anchors both ends, for agents and for cases.
bool spec_full_match(const std::string& pattern, const std::string& s);

} // namespace wsspec::cli
