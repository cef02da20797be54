// permessage-deflate negotiation (RFC 7692 §7): every permessage-deflate element of a
// Sec-WebSocket-Extensions value read as an offer.
//
//   the whole input is the field value
//
// Properties: a valid offer written back reads back the same; what accept() answers to it,
// parse_response() accepts against that offer, and it never asks for a window the offer did not
// allow or drops a server_no_context_takeover the offer asked for; a rejected offer names a known
// rule and an RFC 7692 section; accept_first() answers exactly when some offer is acceptable.
#include <string>

#include "codec/deflate/negotiation.hpp"
#include "fuzz/fuzz_util.hpp"

using namespace wsspec;
using namespace wsspec::deflate;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::exact_copy buf(std::span<const std::uint8_t>(data, size));
    const auto list = handshake::parse_extensions(buf.view());
    if (!list) return 0;
    const server_policy policy{false, std::nullopt, false, 12};
    bool any_acceptable = false;
    for (const auto& e : *list) {
        if (e.name != extension_name) continue;
        const auto offer = parse_offer(e);
        if (!offer) {
            const auto& f = offer.error();
            FUZZ_CHECK(!name(f.error).empty() && !rfc_section(f.error).empty(),
                       "an error without a name or section");
            FUZZ_CHECK(f.message().find("RFC 7692 §") == 0, "'%s' names no section",
                       f.message().c_str());
            continue;
        }
        const auto again = parse_offer(to_extension(*offer));
        FUZZ_CHECK(again && *again == *offer, "'%s' does not read back the same",
                   format(*offer).c_str());
        const auto answer = accept(*offer, policy);
        if (!answer) {
            FUZZ_CHECK(offer->server_max_window_bits == 8, "a valid offer declined");
            continue;
        }
        any_acceptable = true;
        const auto checked = parse_response(to_extension(*answer), *offer);
        FUZZ_CHECK(checked.has_value(), "the server's own answer '%s' breaks %s",
                   format(*answer).c_str(), checked ? "" : checked.error().message().c_str());
        FUZZ_CHECK(!offer->server_no_context_takeover || answer->server_no_context_takeover,
                   "server_no_context_takeover dropped");
    }
    FUZZ_CHECK(accept_first(*list, policy).has_value() == any_acceptable,
               "accept_first disagrees with the offers one by one");
    return 0;
}
