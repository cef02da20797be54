#include "harness/catalog/payload.hpp"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <openssl/evp.h>

#include "codec/utf8.hpp"

namespace wsspec::catalog {
namespace {

using nlohmann::json;

// Patterns are generated a block at a time when hashed or compared: never the whole payload.
constexpr std::size_t block = 64 * 1024;

EVP_MD_CTX* new_sha1() {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    EVP_DigestInit_ex(ctx, EVP_sha1(), nullptr);
    return ctx;
}

sha1_digest final_sha1(EVP_MD_CTX* ctx) {
    sha1_digest d{};
    unsigned int n = 0;
    EVP_DigestFinal_ex(ctx, d.data(), &n);
    EVP_MD_CTX_free(ctx);
    return d;
}

bool printable(std::span<const std::uint8_t> b) {
    return std::all_of(b.begin(), b.end(), [](std::uint8_t c) { return c >= 0x20 && c < 0x7f; });
}

} // namespace

payload payload::pattern(bytes unit, std::uint64_t size) {
    payload p;
    p.form_ = form::pattern;
    p.size_ = size;
    p.data_ = std::move(unit);
    return p;
}

payload payload::any(std::uint64_t size) {
    payload p;
    p.form_ = form::any;
    p.size_ = size;
    return p;
}

payload payload::digest(std::uint64_t size, const sha1_digest& sha1, bytes head) {
    payload p;
    p.form_ = form::digest;
    p.size_ = size;
    p.sha1_ = sha1;
    p.data_ = std::move(head);
    return p;
}

payload payload::compared(std::uint64_t size, bytes head, std::shared_ptr<const payload> with,
                          std::optional<difference> first_difference) {
    payload p;
    p.form_ = form::compared;
    p.size_ = size;
    p.data_ = std::move(head);
    p.reference_ = std::move(with);
    p.differs_ = first_difference;
    return p;
}

payload payload::corpus_window(corpus_kind k, std::uint64_t offset, std::uint64_t size) {
    payload p;
    p.form_ = form::corpus;
    p.corpus_ = k;
    p.offset_ = offset % catalog::corpus_size(k);
    p.size_ = size;
    return p;
}

payload payload::window_after(std::uint64_t n) const {
    if (form_ != form::corpus) return *this;
    return corpus_window(corpus_, offset_ + n * (size_ % catalog::corpus_size(corpus_)), size_);
}

void payload::generate(std::uint64_t offset, std::span<std::uint8_t> out) const {
    if (form_ == form::corpus) {
        const auto text = catalog::corpus(corpus_);
        std::size_t at = static_cast<std::size_t>((offset_ + offset) % text.size());
        for (std::size_t done = 0; done < out.size();) {
            const std::size_t n = std::min(out.size() - done, text.size() - at);
            std::memcpy(out.data() + done, text.data() + at, n);
            done += n;
            at = 0;
        }
        return;
    }
    if (form_ == form::literal || form_ == form::digest || form_ == form::compared) {
        // Past the bytes there are (a digest's head): zeros.
        const std::size_t have =
            offset < data_.size()
                ? std::min(out.size(), data_.size() - static_cast<std::size_t>(offset))
                : 0;
        if (have) std::memcpy(out.data(), data_.data() + offset, have);
        std::fill(out.begin() + static_cast<std::ptrdiff_t>(have), out.end(), std::uint8_t{0});
        return;
    }
    if (form_ == form::any || data_.empty()) {
        std::fill(out.begin(), out.end(), std::uint8_t{0});
        return;
    }
    // One period byte by byte, then doubling: a copy whose length is a multiple of the period
    // continues the pattern (category 9 generates over 100 MiB of it per run).
    const std::size_t unit = data_.size();
    std::size_t k = static_cast<std::size_t>(offset % unit);
    const std::size_t first = std::min(out.size(), unit);
    for (std::size_t i = 0; i < first; ++i) {
        out[i] = data_[k];
        if (++k == unit) k = 0;
    }
    for (std::size_t filled = first; filled < out.size();) {
        const std::size_t n = std::min(filled, out.size() - filled);
        std::memcpy(out.data() + filled, out.data(), n);
        filled += n;
    }
}

bytes payload::materialize() const {
    if (form_ == form::literal) return data_;
    bytes out(static_cast<std::size_t>(size_));
    generate(0, out);
    return out;
}

bytes& payload::edit() {
    if (form_ != form::literal) {
        data_ = materialize();
        form_ = form::literal;
    }
    return data_;
}

sha1_digest payload::sha1() const {
    if (form_ == form::digest) return sha1_;
    // Equal to its reference, it has the reference's digest; a difference leaves it unknown.
    if (form_ == form::compared) return reference_ && !differs_ ? reference_->sha1() : sha1_;
    EVP_MD_CTX* ctx = new_sha1();
    const std::uint64_t total = size();
    bytes buf(static_cast<std::size_t>(std::min<std::uint64_t>(total, block)));
    for (std::uint64_t at = 0; at < total; at += buf.size()) {
        auto n = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), total - at));
        generate(at, std::span(buf).first(n));
        EVP_DigestUpdate(ctx, buf.data(), n);
    }
    return final_sha1(ctx);
}

bool payload::matches(const payload& received) const {
    const std::uint64_t total = size();
    if (total != received.size()) return false;
    if (form_ == form::any || received.form_ == form::any) return true;
    if (received.form_ == form::compared || form_ == form::compared) {
        const payload& c = received.form_ == form::compared ? received : *this;
        const payload& other = received.form_ == form::compared ? *this : received;
        if (c.differs_ || !c.reference_) return false;
        // Equal to its reference: the content is the reference's.
        return *c.reference_ == other || c.reference_->matches(other);
    }
    if (form_ == form::digest || received.form_ == form::digest) return sha1() == received.sha1();
    if (form_ == form::literal && received.form_ == form::literal) return data_ == received.data_;
    // A pattern on either side: compare block by block.
    bytes a(static_cast<std::size_t>(std::min<std::uint64_t>(total, block))), b(a.size());
    for (std::uint64_t at = 0; at < total; at += a.size()) {
        auto n = static_cast<std::size_t>(std::min<std::uint64_t>(a.size(), total - at));
        generate(at, std::span(a).first(n));
        received.generate(at, std::span(b).first(n));
        if (!std::equal(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(n), b.begin()))
            return false;
    }
    return true;
}

payload_sink::payload_sink() = default;

payload_sink::~payload_sink() {
    if (sha_) EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(sha_));
}

void payload_sink::start_hashing() {
    auto* ctx = new_sha1();
    EVP_DigestUpdate(ctx, kept_.data(), kept_.size());
    sha_ = ctx;
}

void payload_sink::expect(std::shared_ptr<const payload> reference) {
    if (reference &&
        (reference->kind() == payload::form::literal ||
         reference->kind() == payload::form::pattern || reference->kind() == payload::form::corpus))
        reference_ = std::move(reference);
    else
        reference_.reset();
}

void payload_sink::compare(std::span<const std::uint8_t> chunk, std::uint64_t offset) {
    if (differs_ || offset >= reference_->size()) return; // a size mismatch says the rest
    std::uint8_t want[16 * 1024];
    chunk = chunk.first(static_cast<std::size_t>(
        std::min<std::uint64_t>(chunk.size(), reference_->size() - offset)));
    for (std::size_t at = 0; at < chunk.size(); at += sizeof want) {
        const std::size_t n = std::min(sizeof want, chunk.size() - at);
        reference_->generate(offset + at, std::span(want, n));
        if (std::memcmp(want, chunk.data() + at, n) == 0) continue;
        std::size_t i = 0;
        while (want[i] == chunk[at + i])
            ++i;
        differs_ = difference{offset + at + i, want[i], chunk[at + i]};
        return;
    }
}

void payload_sink::append(std::span<const std::uint8_t> chunk) {
    if (reference_) compare(chunk, size_);
    size_ += chunk.size();
    if (!past_kept_ && !sha_ && kept_.size() + chunk.size() <= kept_bytes) {
        kept_.insert(kept_.end(), chunk.begin(), chunk.end());
        return;
    }
    if (!past_kept_ && reference_) {
        // Compared as it streams: only the first bytes are kept, for previews.
        past_kept_ = true;
        kept_.resize(std::min<std::size_t>(kept_.size(), 64));
        auto head = chunk.first(std::min<std::size_t>(chunk.size(), 64 - kept_.size()));
        kept_.insert(kept_.end(), head.begin(), head.end());
        return;
    }
    if (past_kept_) return;
    if (!sha_) {
        // Keep the first bytes for previews, even when one chunk goes past kept_bytes.
        auto room = kept_bytes - std::min(kept_bytes, kept_.size());
        auto head = chunk.first(std::min(chunk.size(), std::min<std::size_t>(room, 64)));
        start_hashing();
        kept_.insert(kept_.end(), head.begin(), head.end());
        EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(sha_), chunk.data(), chunk.size());
        return;
    }
    EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(sha_), chunk.data(), chunk.size());
}

payload payload_sink::finish() {
    payload p;
    if (past_kept_) {
        p = payload::compared(size_, std::move(kept_), std::move(reference_), differs_);
    } else if (sha_) {
        auto d = final_sha1(static_cast<EVP_MD_CTX*>(sha_));
        sha_ = nullptr;
        kept_.resize(std::min<std::size_t>(kept_.size(), 64));
        p = payload::digest(size_, d, std::move(kept_));
    } else {
        p = payload(std::move(kept_));
    }
    kept_ = {};
    size_ = 0;
    reference_.reset();
    differs_.reset();
    past_kept_ = false;
    return p;
}

std::optional<difference> first_difference(const payload& expected, const payload& received) {
    if (expected.size() != received.size()) return std::nullopt;
    if (received.kind() == payload::form::compared)
        return received.reference() && *received.reference() == expected
                   ? received.first_difference()
                   : std::nullopt;
    auto known = [](const payload& p) {
        return p.kind() == payload::form::literal || p.kind() == payload::form::pattern ||
               p.kind() == payload::form::corpus;
    };
    if (!known(expected) || !known(received)) return std::nullopt;
    const std::uint64_t total = expected.size();
    bytes a(static_cast<std::size_t>(std::min<std::uint64_t>(total, block))), b(a.size());
    for (std::uint64_t at = 0; at < total; at += a.size()) {
        auto n = static_cast<std::size_t>(std::min<std::uint64_t>(a.size(), total - at));
        expected.generate(at, std::span(a).first(n));
        received.generate(at, std::span(b).first(n));
        for (std::size_t i = 0; i < n; ++i)
            if (a[i] != b[i]) return difference{at + i, a[i], b[i]};
    }
    return std::nullopt;
}

std::string to_hex(std::span<const std::uint8_t> b) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string s;
    s.reserve(b.size() * 2);
    for (auto c : b) {
        s += digits[c >> 4];
        s += digits[c & 0xf];
    }
    return s;
}

result<bytes> parse_hex(std::string_view hex) {
    bytes out;
    int hi = -1;
    for (std::size_t i = 0; i < hex.size(); ++i) {
        char c = hex[i];
        if (c == ' ') continue;
        int v = (c >= '0' && c <= '9')   ? c - '0'
                : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                         : -1;
        if (v < 0)
            return make_error("not a hex digit '" + std::string(1, c) + "' at position " +
                              std::to_string(i));
        if (hi < 0) {
            hi = v;
        } else {
            out.push_back(static_cast<std::uint8_t>(hi * 16 + v));
            hi = -1;
        }
    }
    if (hi >= 0) return make_error("odd number of hex digits");
    return out;
}

result<payload> parse_payload(const json& j, bool expectation) {
    if (j.is_string()) {
        const auto& s = j.get_ref<const std::string&>();
        return payload(bytes(s.begin(), s.end()));
    }
    const char* forms = expectation ? "expected a string, {\"hex\": ...}, {\"pattern\": ..., "
                                      "\"size\": N}, {\"pattern_hex\": ..., \"size\": N} or "
                                      "{\"size\": N}"
                                    : "expected a string, {\"hex\": ...}, {\"pattern\": ..., "
                                      "\"size\": N} or {\"pattern_hex\": ..., \"size\": N}";
    if (!j.is_object()) return make_error(forms);
    if (j.contains("hex")) {
        if (j.size() != 1 || !j["hex"].is_string())
            return make_error("expected {\"hex\": \"...\"}");
        auto b = parse_hex(j["hex"].get<std::string>());
        if (!b) return b.error();
        return payload(std::move(*b));
    }
    if (j.contains("corpus")) {
        const auto& name = j["corpus"];
        auto k = name.is_string() ? parse_corpus(name.get<std::string>()) : std::nullopt;
        if (!k)
            return make_error("corpus: expected one of \"json\", \"bitmap\", \"prose\", "
                              "\"html\", \"pdf\", got " +
                              name.dump());
        if (!j.contains("size") || !j["size"].is_number_unsigned())
            return make_error("a corpus window needs \"size\": N");
        std::uint64_t offset = 0;
        if (j.contains("offset")) {
            if (!j["offset"].is_number_unsigned())
                return make_error("corpus offset: expected a byte offset");
            offset = j["offset"].get<std::uint64_t>();
        }
        if (j.size() != (j.contains("offset") ? 3u : 2u))
            return make_error("a corpus window is {\"corpus\": NAME, \"size\": N, \"offset\": M}");
        return payload::corpus_window(*k, offset, j["size"].get<std::uint64_t>());
    }
    if (!j.contains("size") || !j["size"].is_number_unsigned())
        return make_error(std::string(forms) + ", got " + j.dump());
    std::uint64_t size = j["size"].get<std::uint64_t>();
    if (size > (std::uint64_t{1} << 31)) return make_error("size is over 2 GiB");
    if (j.size() == 1) {
        if (!expectation)
            return make_error("{\"size\": N} (any content) is only for expected events");
        return payload::any(size);
    }
    bool text = j.contains("pattern");
    if ((!text && !j.contains("pattern_hex")) || j.size() != 2) return make_error(forms);
    const auto& p = text ? j["pattern"] : j["pattern_hex"];
    if (!p.is_string()) return make_error("the pattern must be a string");
    bytes unit;
    if (text) {
        const auto& s = p.get_ref<const std::string&>();
        unit.assign(s.begin(), s.end());
    } else {
        auto h = parse_hex(p.get<std::string>());
        if (!h) return h.error();
        unit = std::move(*h);
    }
    if (unit.empty()) return make_error("the pattern is empty");
    return payload::pattern(std::move(unit), size);
}

json payload_to_json(const payload& p) {
    switch (p.kind()) {
    case payload::form::literal:
        if (printable(p.data())) return std::string(p.data().begin(), p.data().end());
        return {{"hex", to_hex(p.data())}};
    case payload::form::pattern:
        if (printable(p.data()))
            return {{"pattern", std::string(p.data().begin(), p.data().end())}, {"size", p.size()}};
        return {{"pattern_hex", to_hex(p.data())}, {"size", p.size()}};
    case payload::form::any:
    case payload::form::digest:
    case payload::form::compared: return {{"size", p.size()}};
    case payload::form::corpus: {
        json j = {{"corpus", std::string(to_string(p.corpus()))}, {"size", p.size()}};
        if (p.offset()) j["offset"] = p.offset();
        return j;
    }
    }
    return nullptr;
}

std::string preview(const payload& p, std::size_t max) {
    if (p.kind() == payload::form::any) return fmt::format("({} bytes, any content)", p.size());
    bytes head(static_cast<std::size_t>(std::min<std::uint64_t>(p.size(), max)));
    if (p.kind() == payload::form::digest || p.kind() == payload::form::compared)
        head.resize(std::min(head.size(), p.data().size()));
    p.generate(0, head);
    std::string s;
    // Text if it is UTF-8 so far: the cut may fall inside a character.
    if (utf8_validator{}.feed(head).status != utf8_status::invalid) {
        s = "\"" + std::string(head.begin(), head.end()) + "\"";
    } else {
        s = "0x" + to_hex(head);
    }
    if (head.size() < p.size()) s += "...";
    return s;
}

std::string describe(const payload& p, std::size_t max_preview) {
    switch (p.kind()) {
    case payload::form::any: return fmt::format("{} B (any content)", p.size());
    case payload::form::digest: {
        auto d = p.sha1();
        return fmt::format("{} B {} sha1 {}", p.size(), preview(p, max_preview),
                           to_hex(std::span(d).first(8)));
    }
    case payload::form::corpus:
        return fmt::format("{} B of the {} corpus from byte {}", p.size(), to_string(p.corpus()),
                           p.offset());
    case payload::form::compared:
        return fmt::format("{} B {} ({} the expected payload, compared as it arrived)", p.size(),
                           preview(p, max_preview),
                           p.first_difference() ? "differing from" : "equal to");
    case payload::form::pattern:
        if (p.size() > max_preview)
            return fmt::format("{} B pattern {}", p.size(), preview(payload(p.data()), 16));
        [[fallthrough]];
    case payload::form::literal: break;
    }
    return fmt::format("{} B {}", p.size(), preview(p, max_preview));
}

} // namespace wsspec::catalog
