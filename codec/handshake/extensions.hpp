#pragma once
// Sec-WebSocket-Extensions (RFC 6455 §9.1), the field both sides use to offer and accept
// extensions such as permessage-deflate (RFC 7692):
//
//   extension-list  = 1#extension
//   extension       = extension-token *( ";" extension-param )
//   extension-param = token [ "=" (token | quoted-string) ]
//
// with §9.1's extra rule that a quoted-string value, once unescaped, must itself be a token.
// RFC 6455 §4.3 writes its ABNF with RFC 2616's implied *LWS, so OWS (spaces, tabs) may stand
// around ",", ";" and "="; and RFC 7230 §7 lets a list carry empty elements (", ,"), which are
// skipped. A field sent twice is one list (RFC 7230 §3.2.2): join the values with ", " first.
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "codec/result.hpp"

namespace wsspec::handshake {

struct extension_param {
    std::string name;
    std::optional<std::string> value; // unescaped when it came as a quoted-string
    bool operator==(const extension_param&) const = default;
};

struct extension {
    std::string name;
    std::vector<extension_param> params; // in the order sent; duplicates kept (RFC 7692 §7
                                         // makes them an error, which is the extension's call)
    bool operator==(const extension&) const = default;
};

struct extension_error {
    std::size_t offset = 0; // byte of the field value where the rule broke
    std::string_view rule;  // the ABNF rule, e.g. "extension-param"
    // "extension-param at offset 4: expected a parameter name after ';'"
    std::string message;
};

result<std::vector<extension>, extension_error> parse_extensions(std::string_view value);

// One field value: "a; p; q=v, b". Values are tokens (§9.1), so they are written bare.
std::string format_extensions(std::span<const extension> list);

} // namespace wsspec::handshake
