#include <set>

#include <gtest/gtest.h>

#include "codec/handshake/handshake_error.hpp"

namespace wsspec::handshake {
namespace {

TEST(HandshakeError, NumericValuesArePinned) {
    // Reports store these numbers: changing one is a breaking change.
    EXPECT_EQ(static_cast<int>(handshake_error::malformed_http), 1);
    EXPECT_EQ(static_cast<int>(handshake_error::method_not_get), 3);
    EXPECT_EQ(static_cast<int>(handshake_error::key_wrong_length), 14);
    EXPECT_EQ(static_cast<int>(handshake_error::unsupported_version), 17);
    EXPECT_EQ(static_cast<int>(handshake_error::response_status_not_101), 19);
    EXPECT_EQ(static_cast<int>(handshake_error::response_multiple_subprotocols), 29);
}

TEST(HandshakeError, EveryValueHasARow) {
    // Each row's name matches its enumerator, so the table cannot drift out of order.
    EXPECT_EQ(name(handshake_error::none), "none");
    EXPECT_EQ(name(handshake_error::head_too_large), "head_too_large");
    EXPECT_EQ(name(handshake_error::missing_connection_upgrade), "missing_connection_upgrade");
    EXPECT_EQ(name(handshake_error::duplicate_key), "duplicate_key");
    EXPECT_EQ(name(handshake_error::invalid_subprotocol_list), "invalid_subprotocol_list");
    EXPECT_EQ(name(handshake_error::response_accept_mismatch), "response_accept_mismatch");
    EXPECT_EQ(name(handshake_error::response_multiple_subprotocols),
              "response_multiple_subprotocols");
    std::set<std::string_view> names;
    for (int i = 1; i <= 29; ++i) {
        const auto e = static_cast<handshake_error>(i);
        EXPECT_NE(name(e), "none") << i;
        EXPECT_FALSE(rfc_section(e).empty()) << i;
        EXPECT_FALSE(describe(e).empty()) << i;
        names.insert(name(e));
    }
    EXPECT_EQ(names.size(), 29u);
    // Out of range falls back to "none" rather than reading past the table.
    EXPECT_EQ(name(static_cast<handshake_error>(200)), "none");
    EXPECT_FALSE(is_response_error(static_cast<handshake_error>(200)));
}

TEST(HandshakeError, SectionsAndStatuses) {
    EXPECT_EQ(rfc_section(handshake_error::duplicate_key), "11.3.1");
    EXPECT_EQ(rfc_section(handshake_error::key_wrong_length), "4.2.1");
    EXPECT_EQ(http_status(handshake_error::none), 0);
    EXPECT_EQ(http_status(handshake_error::malformed_http), 400);
    EXPECT_EQ(http_status(handshake_error::head_too_large), 431);
    EXPECT_EQ(http_status(handshake_error::method_not_get), 405);
    EXPECT_EQ(http_status(handshake_error::missing_key), 400);
    EXPECT_EQ(http_status(handshake_error::missing_version), 426);
    EXPECT_EQ(http_status(handshake_error::duplicate_version), 426);
    EXPECT_EQ(http_status(handshake_error::unsupported_version), 426);
    EXPECT_EQ(http_status(handshake_error::response_accept_mismatch), 0);
    EXPECT_EQ(describe(handshake_error::unsupported_version), "Sec-WebSocket-Version is not 13");
}

TEST(HandshakeError, ResponseErrorsAreTheClientSideRules) {
    EXPECT_FALSE(is_response_error(handshake_error::none));
    EXPECT_FALSE(is_response_error(handshake_error::malformed_http));
    EXPECT_FALSE(is_response_error(handshake_error::invalid_subprotocol_list));
    EXPECT_TRUE(is_response_error(handshake_error::response_status_not_101));
    EXPECT_TRUE(is_response_error(handshake_error::response_multiple_subprotocols));
    for (int i = 19; i <= 29; ++i)
        EXPECT_EQ(http_status(static_cast<handshake_error>(i)), 0) << i;
    for (int i = 1; i <= 18; ++i)
        EXPECT_NE(http_status(static_cast<handshake_error>(i)), 0) << i;
}

} // namespace
} // namespace wsspec::handshake
