#include "harness/catalog/case_model.hpp"

#include <algorithm>
#include <charconv>

namespace wsspec::catalog {

std::uint64_t step_def::largest_payload() const {
    if (!grow || repeat < 2) return frame.data.size();
    std::uint64_t size = frame.data.size();
    for (std::uint32_t i = 1; i < repeat; ++i)
        size *= grow; // the loader bounds the product
    return size;
}

payload step_def::payload_of_round(std::uint32_t i) const {
    if (!grow || i == 0) return frame.data;
    std::uint64_t size = frame.data.size();
    for (std::uint32_t k = 0; k < i; ++k)
        size *= grow;
    return payload::pattern(frame.data.data(), size);
}

result<deflate::server_policy> accept_terms(std::string_view entry) {
    auto list = handshake::parse_extensions(entry);
    if (!list || list->size() != 1 || (*list)[0].name != deflate::extension_name)
        return make_error("expected one permessage-deflate response, e.g. \"permessage-deflate; "
                          "client_no_context_takeover; client_max_window_bits=9\"");
    // Read as a response to an offer that allows every term (RFC 7692 §7.1).
    deflate::params any;
    any.client_max_window_bits_offered = true;
    auto p = deflate::parse_response((*list)[0], any);
    if (!p) return make_error(p.error().message());
    deflate::server_policy terms;
    terms.server_no_context_takeover = p->server_no_context_takeover;
    terms.server_max_window_bits = p->server_max_window_bits;
    terms.client_no_context_takeover = p->client_no_context_takeover;
    terms.client_max_window_bits = p->client_max_window_bits;
    return terms;
}

bool case_def::applies_to(peer_role r) const {
    return std::find(roles.begin(), roles.end(), r) != roles.end();
}

bool case_def::observes(event::kind k) const {
    for (const auto& e : expect)
        for (const auto& outcome : e.outcomes)
            for (const auto& ev : outcome)
                if (ev.type == k) return true;
    return false;
}

bool id_less(const std::string& a, const std::string& b) {
    // Numeric parts compare as numbers, other parts as text, numbers first: "hs.2" < "hs.10",
    // "1.1.9" < "1.1.10", "1.x" after "1.9". Without allocating: a catalog sort makes thousands.
    struct part {
        bool numeric = false;
        unsigned long long n = 0;
        std::string_view text;
    };
    auto next = [](std::string_view& rest) {
        const auto dot = rest.find('.');
        part p;
        p.text = rest.substr(0, dot);
        rest = dot == std::string_view::npos ? std::string_view{} : rest.substr(dot + 1);
        const char* end = p.text.data() + p.text.size();
        auto [at, ec] = std::from_chars(p.text.data(), end, p.n);
        p.numeric = !p.text.empty() && ec == std::errc() && at == end;
        return p;
    };
    std::string_view ra = a, rb = b;
    while (!ra.empty() && !rb.empty()) {
        const part pa = next(ra), pb = next(rb);
        if (pa.numeric != pb.numeric) return pa.numeric;
        if (pa.numeric && pa.n != pb.n) return pa.n < pb.n;
        if (!pa.numeric && pa.text != pb.text) return pa.text < pb.text;
    }
    if (ra.empty() != rb.empty()) return ra.empty(); // a prefix of parts comes first
    return a < b;
}

std::string_view to_string(peer_role r) noexcept {
    return r == peer_role::server ? "server" : "client";
}

} // namespace wsspec::catalog
