#include "reports/autobahn_format.hpp"

#include <cctype>
#include <cmath>
#include <filesystem>

#include "reports/write_file.hpp"

namespace wsspec::report {
namespace {

using nlohmann::json;

std::string underscored(const std::string& s, bool lower) {
    std::string out;
    for (unsigned char ch : s)
        out += std::isalnum(ch) ? static_cast<char>(lower ? std::tolower(ch) : ch) : '_';
    return out;
}

// Autobahn's vocabulary has no ERROR or CRASHED: a case that could not run, or after which the
// target died, did not pass.
std::string autobahn_verdict(verdict v) {
    if (v == verdict::error || v == verdict::crashed) return "FAILED";
    return std::string(to_string(v));
}

long long whole_ms(double ms) {
    return std::llround(ms);
}

json close_code(const std::optional<int>& code) {
    return code ? json(*code) : json(nullptr);
}

// Our wire log keeps text; Autobahn's has typed entries. The octets written and read convert
// exactly ("TX" "134 B 89fe…" → ["TO", [134, "89fe…"], false]); frames, timers and events keep
// our tag and text.
json autobahn_wire_entry(const wire_entry& w) {
    auto octets = [&](const char* tag) -> json {
        auto sp = w.text.find(" B ");
        if (sp == std::string::npos) return nullptr;
        try {
            auto n = std::stoull(w.text.substr(0, sp));
            json e = {tag, {n, w.text.substr(sp + 3)}};
            if (std::string(tag) == "TO") e.push_back(false);
            return e;
        } catch (const std::exception&) {
            return nullptr;
        }
    };
    json e = nullptr;
    if (w.what == "TX") e = octets("TO");
    if (w.what == "RX") e = octets("RO");
    if (e.is_null()) e = {w.what, w.text};
    return e;
}

std::string result_text(const case_result& c) {
    if (!c.reason.empty()) return c.reason;
    return c.behavior == verdict::ok ? "Actual events match at least one expected."
                                     : "Actual events differ from any expected.";
}

std::string result_close_text(const case_result& c) {
    switch (c.behavior_close) {
    case verdict::ok: return "Connection was properly closed";
    case verdict::informational: return "Connection closing is informational only";
    case verdict::wrong_code: return "The close code was not one the case allows";
    case verdict::unclean: return "The connection was not closed cleanly";
    case verdict::failed_by_client: return "The connection was failed by the harness";
    default: return c.reason.empty() ? "The closing handshake failed" : c.reason;
    }
}

} // namespace

std::string autobahn_file_name(const std::string& agent, const std::string& case_id) {
    return underscored(agent, true) + "_case_" + underscored(case_id, false) + ".json";
}

nlohmann::json autobahn_index(const std::vector<run_report>& targets) {
    json index = json::object();
    for (const auto& t : targets) {
        json& agent = index[t.agent];
        if (agent.is_null()) agent = json::object();
        for (const auto& c : t.cases)
            agent[c.id] = {{"behavior", autobahn_verdict(c.behavior)},
                           {"behaviorClose", autobahn_verdict(c.behavior_close)},
                           {"duration", whole_ms(c.duration_ms)},
                           {"remoteCloseCode", close_code(c.remote_close_code)},
                           {"reportfile", autobahn_file_name(t.agent, c.id)}};
    }
    return index;
}

nlohmann::json autobahn_case(const run_report& t, const case_result& c, std::size_t index) {
    json wirelog = json::array();
    for (const auto& w : c.wirelog)
        wirelog.push_back(autobahn_wire_entry(w));
    json j = {
        {"agent", t.agent},
        {"behavior", autobahn_verdict(c.behavior)},
        {"behaviorClose", autobahn_verdict(c.behavior_close)},
        {"case", c.number ? c.number : index},
        {"closedByMe", c.closed_by_me},
        {"createStats", true},
        {"createWirelog", !c.wirelog.empty()},
        {"description", c.description},
        {"droppedByMe", c.dropped_by_me},
        {"duration", whole_ms(c.duration_ms)},
        {"expectation", c.quote.empty() ? c.title : "RFC 6455 §" + c.rfc + ": " + c.quote},
        {"expected", c.expected},
        {"expectedClose", c.expected_close},
        {"failedByMe", c.failed_by_me},
        {"httpRequest", c.http_request},
        {"httpResponse", c.http_response},
        {"id", c.id},
        {"isServer", c.role == "client"},
        {"localCloseCode", close_code(c.local_close_code)},
        {"localCloseReason", nullptr},
        {"received", c.received},
        {"remoteCloseCode", close_code(c.remote_close_code)},
        {"remoteCloseReason",
         c.remote_close_reason.empty() ? json(nullptr) : json(c.remote_close_reason)},
        {"reportCompressionRatio", c.group == "12" || c.group == "13"},
        {"reportTime", c.metrics.round_trips > 0},
        {"result", result_text(c)},
        {"resultClose", result_close_text(c)},
        {"rxFrameStats", stats_json(c.metrics.rx_frames)},
        {"rxOctetStats", stats_json(c.metrics.rx_reads)},
        {"started", t.started},
        {"trafficStats", c.metrics.traffic ? traffic_json(*c.metrics.traffic) : json(nullptr)},
        {"txFrameStats", stats_json(c.metrics.tx_frames)},
        {"txOctetStats", stats_json(c.metrics.tx_writes)},
        {"wasClean", c.was_clean},
        {"wasCloseHandshakeTimeout", c.close_timeout},
        {"wasNotCleanReason",
         c.was_not_clean_reason.empty() ? json(nullptr) : json(c.was_not_clean_reason)},
        {"wasOpenHandshakeTimeout", c.open_timeout},
        {"wasServerConnectionDropTimeout", c.drop_timeout},
        {"wirelog", std::move(wirelog)},
    };
    json ours = {{"behavior", to_string(c.behavior)},
                 {"behaviorClose", to_string(c.behavior_close)},
                 {"title", c.title},
                 {"rfc", c.rfc},
                 {"durationMs", c.duration_ms}};
    if (!c.reason.empty()) ours["reason"] = c.reason;
    if (c.server_violation)
        ours["violation"] = {{"rule", c.server_violation->rule},
                             {"rfc", c.server_violation->section},
                             {"document", c.server_violation->document},
                             {"text", c.server_violation->text},
                             {"offset", c.server_violation->offset}};
    j["wsspec"] = std::move(ours);
    return j;
}

result<void> write_autobahn(const std::vector<run_report>& targets, const std::string& dir) {
    namespace fs = std::filesystem;
    for (const auto& t : targets) {
        std::size_t index = 0;
        for (const auto& c : t.cases) {
            auto path = (fs::path(dir) / autobahn_file_name(t.agent, c.id)).string();
            if (auto w =
                    write_file(path, autobahn_case(t, c, ++index)
                                             .dump(3, ' ', false, json::error_handler_t::replace) +
                                         '\n');
                !w)
                return w;
        }
    }
    return write_file((fs::path(dir) / "index.json").string(),
                      autobahn_index(targets).dump(3, ' ', false, json::error_handler_t::replace) +
                          '\n');
}

} // namespace wsspec::report
