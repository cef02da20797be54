#include "codec/handshake/extensions.hpp"

#include <cstdio>

#include "codec/handshake/http_head.hpp"

namespace wsspec::handshake {
namespace {

bool is_ows(char c) noexcept {
    return c == ' ' || c == '\t';
}

// RFC 7230 §3.2.6: qdtext = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text
bool is_qdtext(char c) noexcept {
    const auto u = static_cast<unsigned char>(c);
    return c == '\t' || c == ' ' || u == 0x21 || (u >= 0x23 && u <= 0x5B) ||
           (u >= 0x5D && u <= 0x7E) || u >= 0x80;
}

// quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text )
bool is_quotable(char c) noexcept {
    const auto u = static_cast<unsigned char>(c);
    return c == '\t' || c == ' ' || (u >= 0x21 && u != 0x7F);
}

std::string describe_at(std::string_view s, std::size_t i) {
    if (i >= s.size()) return "the end of the value";
    const auto u = static_cast<unsigned char>(s[i]);
    char buf[16];
    if (u > 0x20 && u < 0x7F)
        std::snprintf(buf, sizeof buf, "'%c'", s[i]);
    else
        std::snprintf(buf, sizeof buf, "0x%02x", static_cast<unsigned>(u));
    return buf;
}

class parser {
public:
    explicit parser(std::string_view s) : s_(s) {}

    result<std::vector<extension>, extension_error> run() {
        std::vector<extension> out;
        skip_ows();
        while (i_ < s_.size()) {
            // RFC 7230 §7: empty elements are parsed and ignored.
            if (s_[i_] == ',') {
                ++i_;
                skip_ows();
                continue;
            }
            extension e;
            if (!read_extension(e)) return std::move(*error_);
            out.push_back(std::move(e));
            if (i_ == s_.size()) break;
            if (s_[i_] != ',')
                return fail("extension-list", "expected ',' or ';' after extension '" +
                                                  out.back().name + "', found " + here());
            ++i_;
            skip_ows();
        }
        // 1#extension: at least one.
        if (out.empty()) return fail("extension-list", "no extension in the list");
        return out;
    }

private:
    void skip_ows() {
        while (i_ < s_.size() && is_ows(s_[i_]))
            ++i_;
    }
    std::string here() const { return describe_at(s_, i_); }

    extension_error fail(std::string_view rule, std::string what) {
        return fail_at(i_, rule, what);
    }
    extension_error fail_at(std::size_t at, std::string_view rule, const std::string& what) {
        return {at, rule, std::string(rule) + " at offset " + std::to_string(at) + ": " + what};
    }

    std::string_view token() {
        const std::size_t begin = i_;
        while (i_ < s_.size() && is_tchar(s_[i_]))
            ++i_;
        return s_.substr(begin, i_ - begin);
    }

    bool read_extension(extension& e) {
        const auto name = token();
        if (name.empty()) {
            error_ =
                fail("extension-token", "expected an extension name (a token), found " + here());
            return false;
        }
        e.name = name;
        skip_ows();
        while (i_ < s_.size() && s_[i_] == ';') {
            ++i_;
            skip_ows();
            extension_param p;
            if (!read_param(p)) return false;
            e.params.push_back(std::move(p));
        }
        return true;
    }

    bool read_param(extension_param& p) {
        const auto name = token();
        if (name.empty()) {
            error_ =
                fail("extension-param", "expected a parameter name after ';', found " + here());
            return false;
        }
        p.name = name;
        skip_ows();
        if (i_ == s_.size() || s_[i_] != '=') return true;
        ++i_;
        skip_ows();
        if (i_ < s_.size() && s_[i_] == '"') {
            const std::size_t open = i_;
            std::string v;
            if (!quoted_string(v)) return false;
            // §9.1: "the value after quoted-string unescaping MUST conform to the 'token' ABNF".
            if (!is_token(v)) {
                error_ = fail_at(open, "extension-param",
                                 "quoted value of '" + p.name + "' is not a token once unescaped");
                return false;
            }
            p.value = std::move(v);
        } else {
            const auto v = token();
            if (v.empty()) {
                error_ = fail("extension-param", "expected a token or quoted-string after '" +
                                                     p.name + "=', found " + here());
                return false;
            }
            p.value = std::string(v);
        }
        skip_ows();
        return true;
    }

    // RFC 7230 §3.2.6: quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE
    bool quoted_string(std::string& out) {
        const std::size_t open = i_++;
        while (i_ < s_.size()) {
            const char c = s_[i_];
            if (c == '"') {
                ++i_;
                return true;
            }
            if (c == '\\') {
                if (i_ + 1 == s_.size()) break;
                if (!is_quotable(s_[i_ + 1])) {
                    error_ = fail_at(i_ + 1, "quoted-string",
                                     "cannot escape " + describe_at(s_, i_ + 1));
                    return false;
                }
                out += s_[i_ + 1];
                i_ += 2;
                continue;
            }
            if (!is_qdtext(c)) {
                error_ = fail("quoted-string", "invalid character " + here());
                return false;
            }
            out += c;
            ++i_;
        }
        error_ = fail_at(s_.size(), "quoted-string",
                         "no closing '\"' for the quote at offset " + std::to_string(open));
        return false;
    }

    std::string_view s_;
    std::size_t i_ = 0;
    std::optional<extension_error> error_;
};

} // namespace

result<std::vector<extension>, extension_error> parse_extensions(std::string_view value) {
    return parser(value).run();
}

std::string format_extensions(std::span<const extension> list) {
    std::string out;
    for (const auto& e : list) {
        if (!out.empty()) out += ", ";
        out += e.name;
        for (const auto& p : e.params) {
            out.append("; ").append(p.name);
            if (p.value) out.append("=").append(*p.value);
        }
    }
    return out;
}

} // namespace wsspec::handshake
