#pragma once
// Text as the markup formats need it. Reasons and close reasons come from the peer under test
// and may hold anything: invalid UTF-8, NUL, markup. Every writer passes them through here.
#include <string>
#include <string_view>

namespace wsspec::report {

// Valid UTF-8 with every ill-formed sequence replaced by U+FFFD.
std::string valid_utf8(std::string_view s);

// For XML 1.0 and HTML text and attribute values: & < > " ' escaped, invalid UTF-8 replaced,
// and the control characters XML forbids (all below 0x20 except tab, LF and CR) replaced too.
std::string markup_escape(std::string_view s);

// For a Markdown table cell or list item: one line, | and backticks neutralised.
std::string markdown_line(std::string_view s);

// "12.3 ms", "1.25 s".
std::string human_ms(double ms);

} // namespace wsspec::report
