#include "codec/handshake/http_head.hpp"

#include <algorithm>
#include <cstdio>

namespace wsspec::handshake {
namespace {

// Every check below reads a line left to right and reports the first bad position, and when it
// runs out of bytes in the middle of a line (`partial`) it says "fine so far". The verdict for a
// position therefore depends only on the bytes up to it, which is what makes the parser's result
// independent of how the input was split.
struct line_check {
    bool ok = true;
    std::size_t column = 0;
    std::string what;
};

line_check pass() {
    return {};
}
line_check fail(std::size_t column, std::string what) {
    return {false, column, std::move(what)};
}

std::string char_name(char c) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "0x%02x", static_cast<unsigned>(static_cast<unsigned char>(c)));
    return buf;
}

bool is_vchar(char c) noexcept {
    return c >= 0x21 && c <= 0x7e;
}
bool is_obs_text(char c) noexcept {
    return static_cast<unsigned char>(c) >= 0x80;
}
bool is_ows(char c) noexcept {
    return c == ' ' || c == '\t';
}
bool is_digit(char c) noexcept {
    return c >= '0' && c <= '9';
}

// RFC 7230 §2.6: HTTP-version = "HTTP/" DIGIT "." DIGIT, always 8 characters.
constexpr std::size_t version_len = 8;

// Checks the up to 8 characters at s[i...] against the HTTP-version pattern.
line_check check_version(std::string_view s, std::size_t i, bool partial, http_head* out) {
    constexpr std::string_view prefix = "HTTP/";
    for (std::size_t k = 0; k < version_len; ++k) {
        if (i + k == s.size()) return partial ? pass() : fail(i + k, "truncated HTTP version");
        const char c = s[i + k];
        const bool good = k < prefix.size() ? c == prefix[k] : k == 6 ? c == '.' : is_digit(c);
        if (!good) return fail(i + k, "invalid HTTP version (expected HTTP/x.y)");
    }
    if (out) {
        out->version = s.substr(i, version_len);
        out->version_major = static_cast<std::uint8_t>(s[i + 5] - '0');
        out->version_minor = static_cast<std::uint8_t>(s[i + 7] - '0');
    }
    return pass();
}

// RFC 7230 §3.1.1: request-line = method SP request-target SP HTTP-version CRLF
line_check check_request_line(std::string_view s, bool partial, http_head* out) {
    std::size_t i = 0;
    while (i < s.size() && is_tchar(s[i]))
        ++i;
    if (i == s.size()) return partial ? pass() : fail(i, "request line without a request-target");
    if (s[i] != ' ') {
        return fail(i, i == 0 ? "request line does not start with a method token (found " +
                                    char_name(s[i]) + ")"
                              : "invalid character " + char_name(s[i]) + " in method");
    }
    const std::size_t method_end = i++;
    const std::size_t target_begin = i;
    while (i < s.size() && is_vchar(s[i]))
        ++i;
    if (i == s.size()) return partial ? pass() : fail(i, "request line without an HTTP version");
    if (i == target_begin) return fail(i, "empty request-target");
    if (s[i] != ' ') return fail(i, "invalid character " + char_name(s[i]) + " in request-target");
    const std::size_t target_end = i++;
    if (auto v = check_version(s, i, partial, out); !v.ok || i + version_len > s.size()) return v;
    if (s.size() > i + version_len) return fail(i + version_len, "text after the HTTP version");
    if (out) {
        out->method = s.substr(0, method_end);
        out->target = s.substr(target_begin, target_end - target_begin);
    }
    return pass();
}

// RFC 7230 §3.1.2: status-line = HTTP-version SP status-code SP reason-phrase CRLF
// (the SP and reason may be missing, see the header comment).
line_check check_status_line(std::string_view s, bool partial, http_head* out) {
    if (auto v = check_version(s, 0, partial, out); !v.ok || s.size() < version_len) return v;
    std::size_t i = version_len;
    if (i == s.size()) return partial ? pass() : fail(i, "status line without a status code");
    if (s[i] != ' ') return fail(i, "expected SP after the HTTP version");
    ++i;
    std::uint16_t code = 0;
    for (std::size_t k = 0; k < 3; ++k, ++i) {
        if (i == s.size()) return partial ? pass() : fail(i, "truncated status code");
        if (!is_digit(s[i])) return fail(i, "status code is not 3 digits");
        code = static_cast<std::uint16_t>(code * 10 + (s[i] - '0'));
    }
    std::size_t reason_begin = i;
    if (i < s.size()) {
        if (s[i] != ' ') return fail(i, "expected SP after the status code");
        reason_begin = ++i;
        for (; i < s.size(); ++i) {
            if (!is_vchar(s[i]) && !is_ows(s[i]) && !is_obs_text(s[i]))
                return fail(i, "invalid character " + char_name(s[i]) + " in reason phrase");
        }
    }
    if (out) {
        out->status_code = code;
        out->reason = s.substr(reason_begin);
    }
    return pass();
}

std::string_view trim_ows(std::string_view v) noexcept {
    while (!v.empty() && is_ows(v.front()))
        v.remove_prefix(1);
    while (!v.empty() && is_ows(v.back()))
        v.remove_suffix(1);
    return v;
}

// RFC 7230 §3.2: header-field = field-name ":" OWS field-value OWS
line_check check_field_line(std::string_view s, bool partial, header_field* out) {
    // §3.2.4: obs-fold is deprecated; a server MUST either reject it or replace it, and we have
    // no reason to let a peer rely on it.
    if (is_ows(s[0])) return fail(0, "obs-fold (line starts with whitespace)");
    std::size_t i = 0;
    while (i < s.size() && is_tchar(s[i]))
        ++i;
    if (i == s.size()) return partial ? pass() : fail(i, "header field without ':'");
    if (is_ows(s[i]))
        return fail(i, "whitespace after the field name (RFC 7230 §3.2.4 requires a 400)");
    if (s[i] != ':') return fail(i, "invalid character " + char_name(s[i]) + " in field name");
    if (i == 0) return fail(0, "header field with an empty name");
    const std::size_t colon = i++;
    for (; i < s.size(); ++i) {
        if (!is_vchar(s[i]) && !is_ows(s[i]) && !is_obs_text(s[i]))
            return fail(i, "invalid character " + char_name(s[i]) + " in field value");
    }
    if (out) *out = header_field{s.substr(0, colon), trim_ows(s.substr(colon + 1))};
    return pass();
}

struct head_parser {
    std::string_view bytes;
    head_kind kind;
    const head_options& opts;
    head_result r;

    head_result& fail_at(std::size_t offset, std::size_t line_no, std::string_view what,
                         head_error e = head_error::malformed) {
        r.status = handshake_status::error;
        r.error = e;
        r.error_offset = offset;
        r.message = line_no == 0 ? std::string(what)
                                 : "line " + std::to_string(line_no) + ": " + std::string(what);
        r.head = http_head{};
        return r;
    }

    line_check check_line(std::string_view content, bool partial, std::size_t line_no) {
        if (line_no == 1) {
            http_head* out = partial ? nullptr : &r.head;
            return kind == head_kind::request ? check_request_line(content, partial, out)
                                              : check_status_line(content, partial, out);
        }
        header_field f;
        auto c = check_field_line(content, partial, partial ? nullptr : &f);
        if (c.ok && !partial) r.head.fields.push_back(f);
        return c;
    }

    head_result& run() {
        r.head.kind = kind;
        const std::string_view window = bytes.substr(0, std::min(bytes.size(), opts.max_head_size));
        std::size_t pos = 0;
        for (std::size_t line_no = 1;; ++line_no) {
            const std::size_t lf = window.find('\n', pos);
            const bool partial = lf == std::string_view::npos;
            std::string_view content = partial ? window.substr(pos) : window.substr(pos, lf - pos);
            const bool had_cr = !content.empty() && content.back() == '\r';
            if (had_cr) content.remove_suffix(1);
            if (content.empty()) {
                if (partial) break;
                if (line_no == 1) return fail_at(pos, line_no, "empty line before the start line");
                if (!had_cr && !opts.allow_bare_lf)
                    return fail_at(lf, line_no, "line ends in LF without CR");
                r.head.bare_lf = r.head.bare_lf || !had_cr;
                r.status = handshake_status::complete;
                r.head_size = lf + 1;
                return r;
            }
            if (auto c = check_line(content, partial, line_no); !c.ok)
                return fail_at(pos + c.column, line_no, c.what);
            if (partial) break;
            if (!had_cr) {
                if (!opts.allow_bare_lf) return fail_at(lf, line_no, "line ends in LF without CR");
                r.head.bare_lf = true;
            }
            if (r.head.fields.size() > opts.max_fields) {
                return fail_at(pos, line_no,
                               "more than " + std::to_string(opts.max_fields) + " header fields",
                               head_error::too_large);
            }
            pos = lf + 1;
        }
        if (bytes.size() > opts.max_head_size) {
            return fail_at(opts.max_head_size, 0,
                           "head exceeds " + std::to_string(opts.max_head_size) +
                               " bytes without an empty line",
                           head_error::too_large);
        }
        r.head = http_head{};
        r.status = handshake_status::need_more;
        return r;
    }
};

} // namespace

head_result parse_http_head(std::string_view bytes, head_kind kind, const head_options& opts) {
    head_parser p{bytes, kind, opts, {}};
    return std::move(p.run());
}

bool is_tchar(char c) noexcept {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~': return true;
    default: return false;
    }
}

bool is_token(std::string_view s) noexcept {
    return !s.empty() && std::all_of(s.begin(), s.end(), is_tchar);
}

bool iequals(std::string_view a, std::string_view b) noexcept {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                              [&](char x, char y) { return lower(x) == lower(y); });
}

} // namespace wsspec::handshake
