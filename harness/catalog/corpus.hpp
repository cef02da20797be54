#pragma once
// Test corpora for the permessage-deflate cases (Autobahn 12.x and 13.x). Autobahn sends slices
// of five files it ships (a JSON data file, a 512x512 grayscale bitmap, Goethe's Faust as text,
// an HTML page, a PDF); those files cannot be copied, so wsspec generates five of the same sizes
// and kinds, deterministically (the same bytes on every machine and run), with compression
// ratios in the same range: structured text compresses well, the bitmap and the PDF's binary
// streams barely. Each is generated once per process, on first use.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace wsspec::catalog {

enum class corpus_kind : std::uint8_t {
    json,   // 194,056 B, records of ids, names, numbers and tags (ASCII, sent as text)
    bitmap, // 263,222 B, a BMP: 512x512 8-bit grayscale, smooth shapes and noise (binary)
    prose,  // 222,218 B, German verse in UTF-8 (sent as binary, as Autobahn sends Faust)
    html,   // 263,647 B, a page of nested markup, tables and text (ASCII, sent as text)
    pdf,    // 1,042,328 B, PDF-like: objects and text streams around incompressible ones
};

std::span<const std::uint8_t> corpus(corpus_kind k);
// corpus(k).size(), without generating it: loading the catalog places windows in the corpora,
// and a run that sends none of them should not pay for making them.
std::size_t corpus_size(corpus_kind k) noexcept;
std::optional<corpus_kind> parse_corpus(std::string_view name) noexcept;
std::string_view to_string(corpus_kind k) noexcept;

} // namespace wsspec::catalog
