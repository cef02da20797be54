#pragma once
// A payload as a case gives it. Literal bytes, or a pattern repeated to a size that is generated
// only when it is sent or compared, so a catalog with 16 MiB messages costs nothing to load or
// list. Received messages larger than `kept_bytes` are held as size + SHA-1 (a digest), hashed
// as they stream in, never buffered whole.
//
// Case-file forms (cases/README.md, PAYLOAD): "text", {"hex": ...}, {"pattern": ..., "size": N},
// {"pattern_hex": ..., "size": N}, {"corpus": "json", "size": N} (a window of a generated test
// corpus, corpus.hpp), and in expectations only {"size": N} (any content).
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "codec/result.hpp"
#include "harness/catalog/corpus.hpp"

namespace wsspec::catalog {

using bytes = std::vector<std::uint8_t>;
using sha1_digest = std::array<std::uint8_t, 20>;

// Where two payloads of the same size first differ.
struct difference {
    std::uint64_t offset = 0;
    std::uint8_t expected = 0, received = 0;
};

class payload {
public:
    enum class form : std::uint8_t {
        literal, // bytes()
        pattern, // unit repeated and cut to size()
        any,     // expectations: any content of size()
        digest,  // received and too large to keep: size() and sha1() only
        // received, too large to keep, and compared with the expected payload as it streamed
        // in: size(), the first bytes, reference() and the first difference (none: equal)
        compared,
        corpus, // size() bytes of a test corpus from offset(), cyclically
    };

    payload() = default;
    payload(bytes literal)
        : form_(form::literal), size_(literal.size()), data_(std::move(literal)) {}
    static payload pattern(bytes unit, std::uint64_t size);
    static payload any(std::uint64_t size);
    static payload digest(std::uint64_t size, const sha1_digest& sha1, bytes head);
    static payload compared(std::uint64_t size, bytes head, std::shared_ptr<const payload> with,
                            std::optional<difference> first_difference);
    static payload corpus_window(corpus_kind k, std::uint64_t offset, std::uint64_t size);
    // corpus: the window `n` windows further on (Autobahn 12.x/13.x cut consecutive messages).
    payload window_after(std::uint64_t n) const;
    corpus_kind corpus() const noexcept { return corpus_; }
    std::uint64_t offset() const noexcept { return offset_; }

    form kind() const noexcept { return form_; }
    std::uint64_t size() const noexcept { return form_ == form::literal ? data_.size() : size_; }
    bool empty() const noexcept { return size() == 0; }
    // literal: the bytes; pattern: the unit; digest, compared: the first bytes (for previews);
    // any: empty.
    const bytes& data() const noexcept { return data_; }
    // Every byte (literal or pattern); a digest or `any` yields what it has.
    bytes materialize() const;
    // The bytes, to change them in place (the live fuzzer mutates and shrinks payloads); a
    // pattern becomes its literal bytes first.
    bytes& edit();
    // Bytes [offset, offset + out.size()) of a literal or pattern payload.
    void generate(std::uint64_t offset, std::span<std::uint8_t> out) const;
    sha1_digest sha1() const;
    // compared: what it was compared with, and where it first differed from it.
    const payload* reference() const noexcept { return reference_.get(); }
    const std::optional<difference>& first_difference() const noexcept { return differs_; }

    // The same content (for `any`: the same size). Either side may be any form; a `compared`
    // payload that differed from its reference matches nothing but `any`.
    bool matches(const payload& received) const;
    // Exact identity of the description (the writer's round trip), not of the content.
    bool operator==(const payload& o) const {
        return form_ == o.form_ && size() == o.size() && data_ == o.data_ && sha1_ == o.sha1_ &&
               corpus_ == o.corpus_ && offset_ == o.offset_;
    }

private:
    form form_ = form::literal;
    std::uint64_t size_ = 0; // not for literals, whose bytes edit() may resize: use size()
    bytes data_;
    sha1_digest sha1_{};
    std::shared_ptr<const payload> reference_; // compared
    corpus_kind corpus_ = corpus_kind::json;   // corpus
    std::uint64_t offset_ = 0;                 // corpus
    std::optional<difference> differs_;        // compared
};

// Where `received` first differs from `expected`, when both are known byte by byte (literal,
// pattern, or `compared` against `expected`) and have the same size; none otherwise.
std::optional<difference> first_difference(const payload& expected, const payload& received);

// Streams a message's bytes in: keeps them up to `kept_bytes`; past that keeps only the first
// bytes and either compares the rest with the payload the case expects (expect()) or hashes it.
// A 16 MiB echo costs a few bytes, not 16 MiB, and its first wrong byte is still named.
class payload_sink {
public:
    static constexpr std::size_t kept_bytes = 64 * 1024;
    payload_sink();
    ~payload_sink();
    payload_sink(const payload_sink&) = delete;
    payload_sink& operator=(const payload_sink&) = delete;

    // For the message now starting: compare it with `reference` (literal or pattern) as it
    // streams in, instead of hashing it. Null: hash. Reset by finish().
    void expect(std::shared_ptr<const payload> reference);
    void append(std::span<const std::uint8_t> chunk);
    payload finish(); // and start over
    std::uint64_t size() const noexcept { return size_; }

private:
    void start_hashing();
    void compare(std::span<const std::uint8_t> chunk, std::uint64_t offset);
    bytes kept_;
    std::uint64_t size_ = 0;
    void* sha_ = nullptr; // EVP_MD_CTX, once past kept_bytes without a reference
    std::shared_ptr<const payload> reference_;
    std::optional<difference> differs_;
    bool past_kept_ = false;
};

result<payload> parse_payload(const nlohmann::json& j, bool expectation = false);
result<bytes> parse_hex(std::string_view hex);
std::string to_hex(std::span<const std::uint8_t> b);

// The most readable form that loads back to the same payload: printable ASCII as a string,
// else {"hex": ...}; patterns and sizes as objects.
nlohmann::json payload_to_json(const payload& p);

// "5 B "Hello"" / "16777216 B pattern "BAsd7&jh23"" / "1048576 B sha1 3f2a…": for reasons.
std::string describe(const payload& p, std::size_t max_preview = 40);
// Autobahn's report form: text if valid UTF-8, else 0x-hex, cut at `max` bytes.
std::string preview(const payload& p, std::size_t max);

} // namespace wsspec::catalog
