#include "reports/text.hpp"

#include <cstdint>
#include <span>

#include <fmt/format.h>

#include "codec/utf8.hpp"

namespace wsspec::report {
namespace {

constexpr std::string_view replacement = "\xEF\xBF\xBD";

// Length of the well-formed UTF-8 sequence at s[i], or 0 (RFC 3629 §4 table).
std::size_t sequence_length(std::string_view s, std::size_t i) {
    auto b = [&](std::size_t k) { return static_cast<std::uint8_t>(s[i + k]); };
    auto cont = [&](std::size_t k) { return i + k < s.size() && (b(k) & 0xC0) == 0x80; };
    std::uint8_t c = b(0);
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (!cont(1) || !cont(2)) return 0;
        if (c == 0xE0 && b(1) < 0xA0) return 0; // overlong
        if (c == 0xED && b(1) > 0x9F) return 0; // surrogate
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (!cont(1) || !cont(2) || !cont(3)) return 0;
        if (c == 0xF0 && b(1) < 0x90) return 0; // overlong
        if (c == 0xF4 && b(1) > 0x8F) return 0; // above U+10FFFF
        return 4;
    }
    return 0;
}

} // namespace

std::string valid_utf8(std::string_view s) {
    if (is_valid_utf8(std::span(reinterpret_cast<const std::uint8_t*>(s.data()), s.size())))
        return std::string(s);
    std::string out;
    for (std::size_t i = 0; i < s.size();) {
        auto n = sequence_length(s, i);
        if (n == 0) {
            out += replacement;
            ++i;
        } else {
            out.append(s.substr(i, n));
            i += n;
        }
    }
    return out;
}

std::string markup_escape(std::string_view raw) {
    std::string s = valid_utf8(raw), out;
    out.reserve(s.size() + s.size() / 8);
    for (char ch : s) {
        switch (ch) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        case '\t':
        case '\n':
        case '\r': out += ch; break;
        default:
            if (static_cast<unsigned char>(ch) < 0x20)
                out += replacement;
            else
                out += ch;
        }
    }
    return out;
}

std::string markdown_line(std::string_view raw) {
    std::string s = valid_utf8(raw), out;
    for (char ch : s) {
        if (ch == '\n' || ch == '\r' || ch == '\t')
            out += ' ';
        else if (ch == '|')
            out += "\\|";
        else if (ch == '`')
            out += '\'';
        else if (ch == '<')
            out += "&lt;";
        else if (static_cast<unsigned char>(ch) >= 0x20)
            out += ch;
    }
    return out;
}

std::string human_ms(double ms) {
    if (ms >= 1000) return fmt::format("{:.2f} s", ms / 1000);
    if (ms >= 10) return fmt::format("{:.0f} ms", ms);
    return fmt::format("{:.1f} ms", ms);
}

} // namespace wsspec::report
