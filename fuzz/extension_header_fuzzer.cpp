// Sec-WebSocket-Extensions (RFC 6455 §9.1): parse_extensions() against a second recognizer
// written the other way round (split the list at commas outside quotes, each element at ';',
// each parameter at '=', then check the pieces), which must agree on accept / reject and on every
// name and value. Accepted values must survive format_extensions() and re-parsing, each list
// element parsed alone must give its extension, and split_list() (the handshake's list
// splitter) must find as many elements. Errors must name a rule and an offset inside the value.
//
//   the whole input is the field value
#include <optional>
#include <string>

#include "codec/handshake/extensions.hpp"
#include "codec/handshake/http_fields.hpp"
#include "codec/handshake/http_head.hpp"
#include "fuzz/fuzz_util.hpp"

using namespace wsspec;
using namespace wsspec::fuzz;
using namespace wsspec::handshake;

namespace {

bool ows(char c) {
    return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && ows(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && ows(s.back()))
        s.remove_suffix(1);
    return s;
}

// Splits at `sep` outside quoted-strings; quoted-pairs do not end a quote.
std::vector<std::string_view> split_outside_quotes(std::string_view s, char sep) {
    std::vector<std::string_view> out;
    bool quoted = false;
    std::size_t begin = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (quoted && s[i] == '\\') {
            ++i;
        } else if (s[i] == '"') {
            quoted = !quoted;
        } else if (!quoted && s[i] == sep) {
            out.push_back(s.substr(begin, i - begin));
            begin = i + 1;
        }
    }
    out.push_back(s.substr(begin));
    return out;
}

// RFC 7230 §3.2.6 quoted-string, unescaped; nullopt when `s` is not exactly one.
std::optional<std::string> unquote(std::string_view s) {
    if (s.size() < 2 || s.front() != '"' || s.back() != '"') return std::nullopt;
    std::string out;
    for (std::size_t i = 1; i + 1 < s.size(); ++i) {
        auto u = static_cast<unsigned char>(s[i]);
        if (s[i] == '\\') {
            if (i + 2 >= s.size()) return std::nullopt; // escapes the closing quote
            u = static_cast<unsigned char>(s[++i]);
            if (!(u == '\t' || u == ' ' || (u >= 0x21 && u != 0x7F))) return std::nullopt;
        } else if (s[i] == '"' || !(u == '\t' || u == ' ' || (u >= 0x21 && u != 0x7F))) {
            return std::nullopt;
        }
        out += static_cast<char>(u);
    }
    return out;
}

std::optional<std::vector<extension>> recognize(std::string_view value) {
    std::vector<extension> out;
    for (auto element : split_outside_quotes(value, ',')) {
        element = trim(element);
        if (element.empty()) continue; // RFC 7230 §7
        const auto parts = split_outside_quotes(element, ';');
        extension e;
        const auto name = trim(parts[0]);
        if (!is_token(name)) return std::nullopt;
        e.name = name;
        for (std::size_t i = 1; i < parts.size(); ++i) {
            const auto part = parts[i];
            const auto eq = part.find('=');
            extension_param p;
            const auto pname = trim(part.substr(0, eq));
            if (!is_token(pname)) return std::nullopt;
            p.name = pname;
            if (eq != std::string_view::npos) {
                const auto v = trim(part.substr(eq + 1));
                if (is_token(v)) {
                    p.value = std::string(v);
                } else {
                    auto q = unquote(v);
                    if (!q || !is_token(*q)) return std::nullopt; // §9.1
                    p.value = std::move(q);
                }
            }
            e.params.push_back(std::move(p));
        }
        out.push_back(std::move(e));
    }
    if (out.empty()) return std::nullopt; // 1#extension
    return out;
}

std::string with_quoted_values(const std::vector<extension>& list) {
    std::string out;
    for (const auto& e : list) {
        out += out.empty() ? "" : " ,\t";
        out += e.name;
        for (const auto& p : e.params) {
            out += " ;" + p.name;
            if (p.value) out += "= \"" + *p.value + "\"";
        }
    }
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    exact_copy buf(std::span<const std::uint8_t>(data, size));
    const std::string_view value = buf.view();
    const auto r = parse_extensions(value);
    const auto want = recognize(value);
    FUZZ_CHECK(bool(r) == want.has_value(), "parse_extensions %s, the recognizer %s: %s",
               r ? "accepts" : "rejects", want ? "accepts" : "rejects",
               r ? "" : r.error().message.c_str());
    if (!r) {
        const auto& e = r.error();
        FUZZ_CHECK(e.offset <= value.size(), "error offset %zu past the %zu-byte value", e.offset,
                   value.size());
        FUZZ_CHECK(e.rule == "extension-list" || e.rule == "extension-token" ||
                       e.rule == "extension-param" || e.rule == "quoted-string",
                   "unknown rule '%.*s'", int(e.rule.size()), e.rule.data());
        FUZZ_CHECK(e.message.find(std::string(e.rule)) != std::string::npos &&
                       e.message.find("offset " + std::to_string(e.offset)) != std::string::npos,
                   "message '%s' does not name its rule and offset", e.message.c_str());
        return 0;
    }
    FUZZ_CHECK(*r == *want, "parse_extensions and the recognizer disagree on the contents");
    for (const auto& e : *r) {
        FUZZ_CHECK(is_token(e.name), "extension name is not a token");
        for (const auto& p : e.params)
            FUZZ_CHECK(is_token(p.name) && (!p.value || is_token(*p.value)),
                       "parameter not a token");
    }
    const auto elements = split_list(value);
    FUZZ_CHECK(elements.size() == r->size(), "split_list finds %zu elements, the parser %zu",
               elements.size(), r->size());
    for (std::size_t i = 0; i < elements.size(); ++i) {
        const auto one = parse_extensions(elements[i]);
        FUZZ_CHECK(one && one->size() == 1 && (*one)[0] == (*r)[i],
                   "element %zu alone parses differently", i);
    }
    for (const std::string& text : {format_extensions(*r), with_quoted_values(*r)}) {
        const auto back = parse_extensions(text);
        FUZZ_CHECK(back && *back == *r, "'%s' does not parse back to the same list", text.c_str());
    }
    return 0;
}
