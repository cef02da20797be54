#include "harness/server/reference_client.hpp"

#include <charconv>

#include <fmt/format.h>

#include "harness/server/detail/event_loop.hpp"
#include "harness/server/detail/server_connection.hpp"
#include "harness/transport/endpoint.hpp"
#include "harness/transport/socket.hpp"

namespace wsspec::server {
namespace {

std::string host_field(const transport::url& u) {
    const bool v6 = u.host.find(':') != std::string::npos;
    return fmt::format("{}{}{}:{}", v6 ? "[" : "", u.host, v6 ? "]" : "", u.port);
}

// Agent names go into a query string: everything but unreserved characters percent-encoded.
std::string query_escape(const std::string& s) {
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~')
            out += static_cast<char>(c);
        else
            out += fmt::format("%{:02X}", c);
    }
    return out;
}

} // namespace

result<void> run_client_connection(const client_options& o, const std::string& target,
                                   std::function<void(std::string_view)> on_message) {
    if (o.server.secure())
        return make_error("the reference client speaks ws:// only", error_kind::bad_input);
    auto eps = transport::resolve(o.server.host, o.server.port);
    if (!eps) return eps.error();
    result<transport::socket> s = make_error("no address for " + o.server.host);
    for (const auto& ep : *eps) {
        s = transport::socket::connect(ep, transport::deadline_after(o.connect_timeout));
        if (s) break;
    }
    if (!s) return s.error();
    server_options so;
    so.quirks = o.quirks;
    so.log = o.log;
    if (o.deflate) so.deflate = echo_policy(); // as the client: "offer it"
    detail::server_context ctx{so, quirk_set(o.quirks), nullptr,
                               [&](const std::string& line) {
                                   if (o.log) o.log(line);
                               },
                               nullptr};
    detail::event_loop loop(ctx);
    static std::atomic<std::uint64_t> connections{0};
    detail::client_side side;
    side.target = target;
    side.host = host_field(o.server);
    side.seed = o.seed + connections++;
    side.on_message = std::move(on_message);
    loop.adopt(std::move(*s), std::move(side));
    loop.run(true);
    return {};
}

result<client_summary> run_client_loop(const client_options& o) {
    client_summary out;
    // The quirks that make a request invalid break the cases' connections, not the loop's
    // plumbing: a client that sends no Host would never learn the case count, and no case could
    // show it. (same-handshake-key stays: its nonce repeats from the first connection on.)
    client_options plain = o;
    std::erase_if(plain.quirks, [](quirk q) {
        return q == quirk::client_no_host || q == quirk::client_version_8;
    });
    std::string count_text;
    if (auto r = run_client_connection(plain, "/getCaseCount",
                                       [&](std::string_view m) { count_text.assign(m); });
        !r)
        return make_error("cannot reach the fuzzingserver at " + host_field(o.server) + ": " +
                              r.error().message,
                          error_kind::refused);
    unsigned count = 0;
    auto [end, ec] =
        std::from_chars(count_text.data(), count_text.data() + count_text.size(), count);
    if (ec != std::errc{} || end != count_text.data() + count_text.size())
        return make_error("/getCaseCount answered '" + count_text + "', not a number",
                          error_kind::handshake);
    out.case_count = count;
    const std::string agent = query_escape(o.agent);
    for (unsigned i = 1; i <= count; ++i) {
        if (!o.only.empty() && std::find(o.only.begin(), o.only.end(), i) == o.only.end()) continue;
        if (auto r = run_client_connection(o, fmt::format("/runCase?case={}&agent={}", i, agent));
            !r && o.log)
            o.log(fmt::format("case {}: {}", i, r.error().message));
        ++out.cases_run;
        if (o.on_case) o.on_case(i, count);
    }
    if (o.update_reports)
        if (auto r = run_client_connection(plain, "/updateReports?agent=" + agent); !r)
            return r.error();
    return out;
}

} // namespace wsspec::server
