#pragma once
// Header field lookup over a parsed http_head. Field names compare case-insensitively (RFC 7230
// §3.2; RFC 6455 §4.1 reminds implementers of it), and list-valued fields follow the RFC 7230 §7
// list rule: elements are separated by commas, OWS around them is dropped, empty elements are
// skipped, and a field may be repeated, which is the same as one field listing every value.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "codec/handshake/http_head.hpp"

namespace wsspec::handshake {

// A header field to send, owning its text.
struct header_pair {
    std::string name;
    std::string value;
};

// Value of the first field named `name`, or nullopt when there is none.
std::optional<std::string_view> find_field(const http_head& head, std::string_view name);
std::size_t count_fields(const http_head& head, std::string_view name);
// Values of every field named `name`, in order.
std::vector<std::string_view> field_values(const http_head& head, std::string_view name);
// Every field named `name` as one list value (RFC 7230 §3.2.2: "combined ... by appending each
// subsequent field value to the combined field value in order, separated by a comma"), empty
// values left out; nullopt when there is no such field.
std::optional<std::string> combined_value(const http_head& head, std::string_view name);

// Splits one field value into list elements. Commas inside a quoted-string (RFC 7230 §3.2.6) do
// not split, so a Sec-WebSocket-Extensions value such as `x; p="a,b"` stays one element.
std::vector<std::string_view> split_list(std::string_view value);
// Elements of every field named `name`, in order.
std::vector<std::string_view> list_elements(const http_head& head, std::string_view name);
// "Name: value" as a command line (-H) or a case file writes a header field; leading and trailing
// whitespace of the value dropped. nullopt without a ':', with a name that is not an RFC 7230
// token, or with CR, LF or NUL anywhere (which would inject header fields).
std::optional<header_pair> parse_header_line(std::string_view line);

// True when some element of the `name` list equals `token` ignoring ASCII case.
bool list_has_token(const http_head& head, std::string_view name, std::string_view token);

} // namespace wsspec::handshake
