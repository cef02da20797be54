#include "codec/deflate/negotiation.hpp"

#include <algorithm>
#include <array>

namespace wsspec::deflate {
namespace {

using handshake::extension;
using handshake::extension_param;

struct error_row {
    negotiation_error e;
    std::string_view name, section, text;
};

constexpr std::array<error_row, 9> error_table{{
    {negotiation_error::unknown_parameter, "unknown_parameter", "7",
     "not a permessage-deflate parameter"},
    {negotiation_error::duplicate_parameter, "duplicate_parameter", "7",
     "the same parameter twice"},
    {negotiation_error::unexpected_value, "unexpected_value", "7.1.1",
     "a context-takeover parameter takes no value"},
    {negotiation_error::invalid_window_bits, "invalid_window_bits", "7.1.2",
     "not a window size: a decimal 8..15 without leading zeros"},
    {negotiation_error::missing_value, "missing_value", "7.1.2.2",
     "a response's client_max_window_bits must have a value"},
    {negotiation_error::not_offered, "not_offered", "7.1.2.2",
     "client_max_window_bits in a response to an offer that did not carry it"},
    {negotiation_error::window_too_large, "window_too_large", "7.1.2",
     "a larger window than the offer allowed"},
    {negotiation_error::context_takeover_kept, "context_takeover_kept", "7.1.1.1",
     "the offer asked for server_no_context_takeover and the response does not carry it"},
    {negotiation_error::not_permessage_deflate, "not_permessage_deflate", "7",
     "not a permessage-deflate extension"},
}};

constexpr bool table_in_enum_order() {
    for (std::size_t i = 0; i < error_table.size(); ++i)
        if (static_cast<std::size_t>(error_table[i].e) != i) return false;
    return true;
}
static_assert(table_in_enum_order(), "error_table must list the errors in enum order");

const error_row& row(negotiation_error e) noexcept {
    return error_table[static_cast<std::size_t>(e)];
}

negotiation_failure fail(negotiation_error e, const extension_param& p) {
    return {e, p.value ? p.name + "=" + *p.value : p.name};
}

// §7.1.2: "... a decimal integer value without leading zeros between 8 to 15, inclusive".
std::optional<int> window_bits(std::string_view v) {
    if (v.empty() || v.size() > 2 || (v.size() == 2 && v[0] == '0')) return std::nullopt;
    int n = 0;
    for (char c : v) {
        if (c < '0' || c > '9') return std::nullopt;
        n = n * 10 + (c - '0');
    }
    if (n < min_window_bits || n > max_window_bits) return std::nullopt;
    return n;
}

// The four parameters, each at most once, values checked; `response` requires
// client_max_window_bits to carry one.
result<params, negotiation_failure> read(const extension& e, bool response) {
    if (e.name != extension_name)
        return negotiation_failure{negotiation_error::not_permessage_deflate, e.name};
    params p;
    std::vector<std::string_view> seen;
    for (const auto& param : e.params) {
        if (std::find(seen.begin(), seen.end(), param.name) != seen.end())
            return fail(negotiation_error::duplicate_parameter, param);
        seen.push_back(param.name);
        const bool takeover = param.name == "server_no_context_takeover" ||
                              param.name == "client_no_context_takeover";
        if (takeover) {
            if (param.value) return fail(negotiation_error::unexpected_value, param);
            (param.name[0] == 's' ? p.server_no_context_takeover : p.client_no_context_takeover) =
                true;
            continue;
        }
        const bool server_bits = param.name == "server_max_window_bits";
        if (!server_bits && param.name != "client_max_window_bits")
            return fail(negotiation_error::unknown_parameter, param);
        if (!param.value) {
            if (server_bits) return fail(negotiation_error::invalid_window_bits, param);
            if (response) return fail(negotiation_error::missing_value, param);
            p.client_max_window_bits_offered = true;
            continue;
        }
        auto bits = window_bits(*param.value);
        if (!bits) return fail(negotiation_error::invalid_window_bits, param);
        if (server_bits) {
            p.server_max_window_bits = bits;
        } else {
            p.client_max_window_bits_offered = true;
            p.client_max_window_bits = bits;
        }
    }
    return p;
}

} // namespace

std::string_view rfc_section(negotiation_error e) noexcept {
    return row(e).section;
}

std::string_view name(negotiation_error e) noexcept {
    return row(e).name;
}

std::string_view describe(negotiation_error e) noexcept {
    return row(e).text;
}

std::string negotiation_failure::message() const {
    return "RFC 7692 §" + std::string(rfc_section(error)) + ": " + parameter + ": " +
           std::string(row(error).text) + " (" + std::string(name(error)) + ")";
}

result<params, negotiation_failure> parse_offer(const extension& e) {
    return read(e, false);
}

result<params, negotiation_failure> parse_response(const extension& e, const params& offer) {
    auto r = read(e, true);
    if (!r) return r;
    const params& p = *r;
    auto named = [&](std::string_view n) {
        for (const auto& param : e.params)
            if (param.name == n) return param;
        return extension_param{std::string(n), {}};
    };
    // §7.1.2.2: "If a received extension negotiation offer doesn't have the
    // "client_max_window_bits" extension parameter, the corresponding extension negotiation
    // response to the offer MUST NOT include the "client_max_window_bits" extension parameter."
    if (p.client_max_window_bits && !offer.client_max_window_bits_offered)
        return fail(negotiation_error::not_offered, named("client_max_window_bits"));
    if (p.client_max_window_bits && offer.client_max_window_bits &&
        *p.client_max_window_bits > *offer.client_max_window_bits)
        return fail(negotiation_error::window_too_large, named("client_max_window_bits"));
    // §7.1.2.1: the server accepts "with the same or smaller value as the offer".
    if (offer.server_max_window_bits &&
        (!p.server_max_window_bits || *p.server_max_window_bits > *offer.server_max_window_bits))
        return fail(negotiation_error::window_too_large, named("server_max_window_bits"));
    // §7.1.1.1: a server accepts an offer with server_no_context_takeover "by including the
    // "server_no_context_takeover" extension parameter in the ... response".
    if (offer.server_no_context_takeover && !p.server_no_context_takeover)
        return fail(negotiation_error::context_takeover_kept, named("server_no_context_takeover"));
    return r;
}

std::optional<params> accept(const params& offer, const server_policy& policy) {
    params r;
    r.server_no_context_takeover =
        offer.server_no_context_takeover || policy.server_no_context_takeover;
    r.client_no_context_takeover = policy.client_no_context_takeover;
    // The window wsspec compresses with: at most what the client allows, and never 8 (zlib).
    std::optional<int> server_bits = policy.server_max_window_bits;
    if (offer.server_max_window_bits)
        server_bits =
            std::min(server_bits.value_or(max_window_bits), *offer.server_max_window_bits);
    if (server_bits && *server_bits < 9) return std::nullopt;
    r.server_max_window_bits = server_bits;
    if (offer.client_max_window_bits_offered) {
        std::optional<int> limit = policy.client_max_window_bits;
        if (policy.client_window_within_server_window && server_bits)
            limit = std::min(limit.value_or(max_window_bits), *server_bits);
        if (limit) {
            r.client_max_window_bits_offered = true;
            r.client_max_window_bits =
                std::min(*limit, offer.client_max_window_bits.value_or(max_window_bits));
        }
    }
    return r;
}

std::optional<params> accept_first(std::span<const extension> offers, const server_policy& policy) {
    for (const auto& e : offers) {
        if (e.name != extension_name) continue;
        auto offer = parse_offer(e);
        if (!offer) continue; // §7: declined
        if (auto r = accept(*offer, policy)) return r;
    }
    return std::nullopt;
}

extension to_extension(const params& p) {
    extension e{std::string(extension_name), {}};
    if (p.server_no_context_takeover) e.params.push_back({"server_no_context_takeover", {}});
    if (p.client_no_context_takeover) e.params.push_back({"client_no_context_takeover", {}});
    if (p.server_max_window_bits)
        e.params.push_back({"server_max_window_bits", std::to_string(*p.server_max_window_bits)});
    if (p.client_max_window_bits)
        e.params.push_back({"client_max_window_bits", std::to_string(*p.client_max_window_bits)});
    else if (p.client_max_window_bits_offered)
        e.params.push_back({"client_max_window_bits", {}});
    return e;
}

std::string format(const params& p) {
    const extension e = to_extension(p);
    return handshake::format_extensions(std::span(&e, 1));
}

int server_window_bits(const params& response) noexcept {
    return response.server_max_window_bits.value_or(max_window_bits);
}

int client_window_bits(const params& response) noexcept {
    return response.client_max_window_bits.value_or(max_window_bits);
}

endpoint_terms terms_of(const params& response, bool local_is_server) noexcept {
    const int server_bits = server_window_bits(response);
    const int client_bits = client_window_bits(response);
    const bool server_keeps = !response.server_no_context_takeover;
    const bool client_keeps = !response.client_no_context_takeover;
    if (local_is_server) return {server_bits, server_keeps, client_bits, client_keeps};
    return {client_bits, client_keeps, server_bits, server_keeps};
}

} // namespace wsspec::deflate
