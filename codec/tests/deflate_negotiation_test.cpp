// permessage-deflate negotiation (RFC 7692 §7): every parameter, value range, duplicate and
// unknown parameter in offers and responses, several offers in one header, and declining.
#include <gtest/gtest.h>

#include "codec/deflate/negotiation.hpp"

namespace wsspec::deflate {
namespace {

handshake::extension one(std::string_view value) {
    auto list = handshake::parse_extensions(value);
    EXPECT_TRUE(list.has_value()) << value;
    EXPECT_EQ(list->size(), 1u) << value;
    return list->front();
}

struct offer_row {
    std::string_view value;
    std::optional<negotiation_error> error; // none: a valid offer
};

class DeflateOffer : public ::testing::TestWithParam<offer_row> {};

TEST_P(DeflateOffer, IsReadStrictly) {
    const auto& row = GetParam();
    auto r = parse_offer(one(row.value));
    if (!row.error) {
        EXPECT_TRUE(r.has_value()) << row.value << ": " << r.error().message();
        return;
    }
    ASSERT_FALSE(r.has_value()) << row.value;
    EXPECT_EQ(r.error().error, *row.error) << r.error().message();
    EXPECT_NE(r.error().message().find("RFC 7692 §"), std::string::npos) << r.error().message();
}

INSTANTIATE_TEST_SUITE_P(
    Rfc7692, DeflateOffer,
    ::testing::Values(
        offer_row{"permessage-deflate", {}},
        offer_row{"permessage-deflate; client_max_window_bits", {}},
        offer_row{"permessage-deflate; client_no_context_takeover; client_max_window_bits", {}},
        offer_row{"permessage-deflate; server_no_context_takeover; server_max_window_bits=9", {}},
        offer_row{"permessage-deflate; client_max_window_bits=8; server_max_window_bits=15", {}},
        offer_row{"permessage-deflate; server_max_window_bits=\"10\"", {}},
        offer_row{"permessage-deflate; server_max_window_bits",
                  negotiation_error::invalid_window_bits},
        offer_row{"permessage-deflate; server_max_window_bits=7",
                  negotiation_error::invalid_window_bits},
        offer_row{"permessage-deflate; server_max_window_bits=16",
                  negotiation_error::invalid_window_bits},
        offer_row{"permessage-deflate; client_max_window_bits=010",
                  negotiation_error::invalid_window_bits},
        offer_row{"permessage-deflate; client_max_window_bits=x",
                  negotiation_error::invalid_window_bits},
        offer_row{"permessage-deflate; server_no_context_takeover=1",
                  negotiation_error::unexpected_value},
        offer_row{"permessage-deflate; client_no_context_takeover; client_no_context_takeover",
                  negotiation_error::duplicate_parameter},
        offer_row{"permessage-deflate; server_max_window_bits=10; server_max_window_bits=11",
                  negotiation_error::duplicate_parameter},
        offer_row{"permessage-deflate; mux", negotiation_error::unknown_parameter},
        offer_row{"x-webkit-deflate-frame", negotiation_error::not_permessage_deflate}));

TEST(DeflateOffer, ReadsEveryParameter) {
    auto r = parse_offer(one("permessage-deflate; server_no_context_takeover; "
                             "client_no_context_takeover; server_max_window_bits=10; "
                             "client_max_window_bits=12"));
    ASSERT_TRUE(r.has_value());
    EXPECT_TRUE(r->server_no_context_takeover);
    EXPECT_TRUE(r->client_no_context_takeover);
    EXPECT_EQ(r->server_max_window_bits, 10);
    EXPECT_TRUE(r->client_max_window_bits_offered);
    EXPECT_EQ(r->client_max_window_bits, 12);
    EXPECT_EQ(format(*r), "permessage-deflate; server_no_context_takeover; "
                          "client_no_context_takeover; server_max_window_bits=10; "
                          "client_max_window_bits=12");
}

struct response_row {
    std::string_view offer, response;
    std::optional<negotiation_error> error;
};

class DeflateResponse : public ::testing::TestWithParam<response_row> {};

TEST_P(DeflateResponse, MayOnlyNarrowTheOffer) {
    const auto& row = GetParam();
    auto offer = parse_offer(one(row.offer));
    ASSERT_TRUE(offer.has_value());
    auto r = parse_response(one(row.response), *offer);
    if (!row.error) {
        EXPECT_TRUE(r.has_value()) << row.response << ": " << r.error().message();
        return;
    }
    ASSERT_FALSE(r.has_value()) << row.response;
    EXPECT_EQ(r.error().error, *row.error) << r.error().message();
}

INSTANTIATE_TEST_SUITE_P(
    Rfc7692, DeflateResponse,
    ::testing::Values(
        response_row{"permessage-deflate", "permessage-deflate", {}},
        response_row{"permessage-deflate", "permessage-deflate; server_max_window_bits=10", {}},
        response_row{"permessage-deflate", "permessage-deflate; server_no_context_takeover", {}},
        response_row{"permessage-deflate", "permessage-deflate; client_no_context_takeover", {}},
        response_row{"permessage-deflate; client_max_window_bits",
                     "permessage-deflate; client_max_window_bits=9",
                     {}},
        response_row{"permessage-deflate; client_max_window_bits",
                     "permessage-deflate; client_max_window_bits",
                     negotiation_error::missing_value},
        response_row{"permessage-deflate", "permessage-deflate; client_max_window_bits=15",
                     negotiation_error::not_offered},
        response_row{"permessage-deflate; client_max_window_bits=10",
                     "permessage-deflate; client_max_window_bits=11",
                     negotiation_error::window_too_large},
        response_row{"permessage-deflate; server_max_window_bits=10", "permessage-deflate",
                     negotiation_error::window_too_large},
        response_row{"permessage-deflate; server_max_window_bits=10",
                     "permessage-deflate; server_max_window_bits=12",
                     negotiation_error::window_too_large},
        response_row{"permessage-deflate; server_no_context_takeover", "permessage-deflate",
                     negotiation_error::context_takeover_kept},
        response_row{"permessage-deflate", "permessage-deflate; foo=1",
                     negotiation_error::unknown_parameter},
        response_row{"permessage-deflate",
                     "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
                     negotiation_error::duplicate_parameter}));

TEST(DeflateAccept, TheFirstOfferTheServerCanHonour) {
    auto list = handshake::parse_extensions(
        "permessage-deflate; mux, permessage-deflate; server_max_window_bits=8, "
        "permessage-deflate; client_no_context_takeover; client_max_window_bits");
    ASSERT_TRUE(list.has_value());
    server_policy policy;
    policy.client_max_window_bits = 10;
    auto r = accept_first(*list, policy);
    ASSERT_TRUE(r.has_value()) << "the third offer is acceptable";
    EXPECT_EQ(format(*r), "permessage-deflate; client_max_window_bits=10")
        << "the response need not echo client_no_context_takeover (§7.1.1.2)";
}

TEST(DeflateAccept, DeclinesWhatZlibCannotCompress) {
    auto offer = parse_offer(one("permessage-deflate; server_max_window_bits=8"));
    ASSERT_TRUE(offer.has_value());
    EXPECT_FALSE(accept(*offer, {}).has_value());
    offer = parse_offer(one("permessage-deflate; server_max_window_bits=9"));
    auto r = accept(*offer, {});
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->server_max_window_bits, 9);
}

TEST(DeflateAccept, EchoesServerNoContextTakeoverAndLimitsOnlyWhereOffered) {
    auto offer = parse_offer(one("permessage-deflate; server_no_context_takeover"));
    ASSERT_TRUE(offer.has_value());
    server_policy policy;
    policy.client_max_window_bits = 9; // not offered: must not appear (§7.1.2.2)
    auto r = accept(*offer, policy);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(format(*r), "permessage-deflate; server_no_context_takeover");
    auto checked = parse_response(to_extension(*r), *offer);
    EXPECT_TRUE(checked.has_value()) << "what accept() answers, parse_response() accepts";
}

// The reference server's terms: the client's window held to the server's where the offer lets
// it (Autobahn 13.3: server_max_window_bits=9 and client_max_window_bits without a value).
TEST(DeflateAccept, TheClientsWindowHeldToTheServersWhereTheOfferLetsIt) {
    server_policy policy;
    policy.client_window_within_server_window = true;
    auto narrow =
        parse_offer(one("permessage-deflate; client_max_window_bits; server_max_window_bits=9"));
    ASSERT_TRUE(narrow.has_value());
    auto r = accept(*narrow, policy);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(format(*r), "permessage-deflate; server_max_window_bits=9; client_max_window_bits=9");
    EXPECT_TRUE(parse_response(to_extension(*r), *narrow).has_value());
    // No client_max_window_bits in the offer: nothing to hold (§7.1.2.2).
    auto silent = parse_offer(one("permessage-deflate; server_max_window_bits=9"));
    EXPECT_EQ(format(*accept(*silent, policy)), "permessage-deflate; server_max_window_bits=9");
    // The server's window is the full one: the client's stays as offered.
    auto wide = parse_offer(one("permessage-deflate; client_max_window_bits"));
    EXPECT_EQ(format(*accept(*wide, policy)), "permessage-deflate");
    // A client that offered less keeps its smaller window.
    auto small =
        parse_offer(one("permessage-deflate; client_max_window_bits=8; server_max_window_bits=10"));
    EXPECT_EQ(format(*accept(*small, policy)),
              "permessage-deflate; server_max_window_bits=10; client_max_window_bits=8");
}

// Each side compresses with its own terms (§7.1): the server's are what a client inflates.
TEST(DeflateTerms, EachEndpointCompressesWithItsOwnAndInflatesThePeers) {
    params r;
    r.server_no_context_takeover = true;
    r.server_max_window_bits = 10;
    r.client_max_window_bits_offered = true;
    r.client_max_window_bits = 12;
    const auto server = terms_of(r, true);
    EXPECT_EQ(server.own_window_bits, 10);
    EXPECT_FALSE(server.own_keeps_context);
    EXPECT_EQ(server.peer_window_bits, 12);
    EXPECT_TRUE(server.peer_keeps_context);
    const auto client = terms_of(r, false);
    EXPECT_EQ(client.own_window_bits, 12);
    EXPECT_TRUE(client.own_keeps_context);
    EXPECT_EQ(client.peer_window_bits, 10);
    EXPECT_FALSE(client.peer_keeps_context);
    const auto plain = terms_of(params{}, true);
    EXPECT_EQ(plain.own_window_bits, 15);
    EXPECT_EQ(plain.peer_window_bits, 15);
}

} // namespace
} // namespace wsspec::deflate
