#include "codec/handshake/http_fields.hpp"

#include <algorithm>
#include <string>

namespace wsspec::handshake {

std::optional<std::string_view> find_field(const http_head& head, std::string_view name) {
    for (const auto& f : head.fields)
        if (iequals(f.name, name)) return f.value;
    return std::nullopt;
}

std::size_t count_fields(const http_head& head, std::string_view name) {
    return static_cast<std::size_t>(
        std::count_if(head.fields.begin(), head.fields.end(),
                      [&](const header_field& f) { return iequals(f.name, name); }));
}

std::vector<std::string_view> field_values(const http_head& head, std::string_view name) {
    std::vector<std::string_view> out;
    for (const auto& f : head.fields)
        if (iequals(f.name, name)) out.push_back(f.value);
    return out;
}

std::optional<std::string> combined_value(const http_head& head, std::string_view name) {
    std::optional<std::string> out;
    for (auto v : field_values(head, name)) {
        if (!out)
            out.emplace(v);
        else if (!v.empty())
            out->append(out->empty() ? "" : ", ").append(v);
    }
    return out;
}

std::vector<std::string_view> split_list(std::string_view value) {
    std::vector<std::string_view> out;
    auto push_trimmed = [&](std::string_view e) {
        while (!e.empty() && (e.front() == ' ' || e.front() == '\t'))
            e.remove_prefix(1);
        while (!e.empty() && (e.back() == ' ' || e.back() == '\t'))
            e.remove_suffix(1);
        // RFC 7230 §7: "a recipient MUST parse and ignore a reasonable number of empty list
        // elements".
        if (!e.empty()) out.push_back(e);
    };
    std::size_t begin = 0;
    bool quoted = false;
    for (std::size_t i = 0; i < value.size(); ++i) {
        const char c = value[i];
        if (quoted) {
            if (c == '\\')
                ++i; // quoted-pair: the next character is literal
            else if (c == '"')
                quoted = false;
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            push_trimmed(value.substr(begin, i - begin));
            begin = i + 1;
        }
    }
    if (begin <= value.size()) push_trimmed(value.substr(begin));
    return out;
}

std::vector<std::string_view> list_elements(const http_head& head, std::string_view name) {
    std::vector<std::string_view> out;
    for (const auto& f : head.fields) {
        if (!iequals(f.name, name)) continue;
        auto part = split_list(f.value);
        out.insert(out.end(), part.begin(), part.end());
    }
    return out;
}

bool list_has_token(const http_head& head, std::string_view name, std::string_view token) {
    const auto elements = list_elements(head, name);
    return std::any_of(elements.begin(), elements.end(),
                       [&](std::string_view e) { return iequals(e, token); });
}

std::optional<header_pair> parse_header_line(std::string_view line) {
    auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return std::nullopt;
    // RFC 7230 §3.2: field-name = token; a value holds no CR, LF or NUL (they would end the
    // field, or the head, and inject fields of their own).
    for (char ch : line.substr(0, colon))
        if (!is_tchar(ch)) return std::nullopt;
    if (line.find_first_of(std::string_view("\r\n\0", 3), colon) != std::string_view::npos)
        return std::nullopt;
    auto value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
        value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t'))
        value.remove_suffix(1);
    return header_pair{std::string(line.substr(0, colon)), std::string(value)};
}

} // namespace wsspec::handshake
