#include "harness/catalog/corpus.hpp"

#include <array>
#include <cmath>
#include <mutex>
#include <string>
#include <vector>

namespace wsspec::catalog {
namespace {

using bytes = std::vector<std::uint8_t>;

// splitmix64: one fixed seed per corpus, so every machine generates the same bytes.
struct rng {
    std::uint64_t s;
    std::uint64_t next() {
        std::uint64_t z = (s += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }
    std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
    template <class T, std::size_t N>
    const T& pick(const std::array<T, N>& a) {
        return a[below(N)];
    }
};

void put(bytes& b, std::string_view s) {
    b.insert(b.end(), s.begin(), s.end());
}

bytes cut(bytes b, std::size_t size) {
    b.resize(size, ' ');
    return b;
}

constexpr std::array<std::string_view, 16> first_names{
    "Anna", "Ben",   "Clara", "David", "Emma", "Felix", "Greta", "Hugo",
    "Ida",  "Jonas", "Karla", "Lukas", "Mia",  "Noah",  "Olga",  "Paul"};
constexpr std::array<std::string_view, 12> last_names{"Schmidt", "Meyer",  "Fischer",  "Weber",
                                                      "Wagner",  "Becker", "Hoffmann", "Koch",
                                                      "Richter", "Klein",  "Wolf",     "Neumann"};
constexpr std::array<std::string_view, 10> cities{"Berlin",  "Hamburg", "Munich", "Cologne",
                                                  "Leipzig", "Dresden", "Bremen", "Hanover",
                                                  "Essen",   "Bonn"};
constexpr std::array<std::string_view, 8> tags{"alpha", "beta",  "gamma", "delta",
                                               "red",   "green", "blue",  "archived"};

bytes make_json() {
    rng r{0x6a736f6e};
    bytes b;
    put(b, "[\n");
    for (int id = 1; b.size() < 194056; ++id) {
        const auto first = r.pick(first_names), last = r.pick(last_names);
        std::string rec =
            "  {\"id\": " + std::to_string(id) + ", \"name\": \"" + std::string(first) + " " +
            std::string(last) + "\", \"email\": \"" + std::string(first) + "." + std::string(last) +
            "@example.org\", " + "\"age\": " + std::to_string(18 + r.below(60)) +
            ", \"score\": " + std::to_string(r.below(100)) + "." + std::to_string(r.below(100)) +
            ", \"active\": " + (r.below(2) ? "true" : "false") + ", \"tags\": [\"" +
            std::string(r.pick(tags)) + "\", \"" + std::string(r.pick(tags)) +
            "\"], \"address\": {\"city\": \"" + std::string(r.pick(cities)) + "\", \"zip\": \"" +
            std::to_string(10000 + r.below(89999)) + "\"}},\n";
        put(b, rec);
    }
    return cut(std::move(b), 194056);
}

bytes make_bitmap() {
    constexpr std::uint32_t w = 512, h = 512, palette = 256 * 4, offset = 14 + 40 + palette;
    constexpr std::uint32_t file_size = offset + w * h; // 263,222
    bytes b;
    auto u16 = [&](std::uint32_t v) {
        b.push_back(static_cast<std::uint8_t>(v));
        b.push_back(static_cast<std::uint8_t>(v >> 8));
    };
    auto u32 = [&](std::uint32_t v) {
        u16(v & 0xffff);
        u16(v >> 16);
    };
    put(b, "BM");
    u32(file_size);
    u32(0);
    u32(offset);
    u32(40); // BITMAPINFOHEADER
    u32(w);
    u32(h);
    u16(1);
    u16(8);
    u32(0);
    u32(w * h);
    u32(2835);
    u32(2835);
    u32(256);
    u32(0);
    for (std::uint32_t i = 0; i < 256; ++i) {
        for (int c = 0; c < 3; ++c)
            b.push_back(static_cast<std::uint8_t>(i));
        b.push_back(0);
    }
    // A photograph compresses poorly: smooth shapes under sensor noise.
    rng r{0x626d70};
    for (std::uint32_t y = 0; y < h; ++y)
        for (std::uint32_t x = 0; x < w; ++x) {
            const double dx = double(x) - 260, dy = double(y) - 240;
            double v = 120 + 55 * std::sin(x * 0.031 + y * 0.017) +
                       45 * std::cos(std::sqrt(dx * dx + dy * dy) * 0.045) + double(r.below(25)) -
                       12;
            b.push_back(static_cast<std::uint8_t>(v < 0 ? 0 : v > 255 ? 255 : v));
        }
    return b;
}

constexpr std::array<std::string_view, 48> words{
    "Habe",    "nun",       "ach",      "Philosophie", "Juristerei", "und",    "Medizin", "leider",
    "auch",    "Theologie", "durchaus", "studiert",    "mit",        "heißem", "Bemühn",  "da",
    "steh",    "ich",       "armer",    "Tor",         "bin",        "so",     "klug",    "als",
    "wie",     "zuvor",     "heiße",    "Magister",    "Doktor",     "gar",    "schon",   "an",
    "die",     "zehen",     "Jahr",     "herauf",      "herab",      "quer",   "krumm",   "meine",
    "Schüler", "Nase",      "sehe",     "daß",         "wir",        "nichts", "wissen",  "können"};
constexpr std::array<std::string_view, 4> speakers{"FAUST.", "MEPHISTOPHELES.", "WAGNER.",
                                                   "MARGARETE."};

bytes make_prose() {
    rng r{0x6661757374};
    bytes b;
    while (b.size() < 222218) {
        put(b, r.pick(speakers));
        put(b, "\n");
        for (std::size_t line = 0, lines = 2 + r.below(6); line < lines; ++line) {
            for (std::size_t i = 0, n = 4 + r.below(5); i < n; ++i) {
                auto word = r.pick(words);
                if (i == 0) {
                    put(b, std::string(1, static_cast<char>(std::toupper(word[0]))));
                    put(b, word.substr(1));
                } else {
                    put(b, word);
                }
                put(b, i + 1 < n ? (r.below(7) == 0 ? ", " : " ") : (r.below(3) == 0 ? "!" : ","));
            }
            put(b, "\n");
        }
        put(b, "\n");
    }
    // Cut on a character boundary (the umlauts are two bytes).
    std::size_t end = 222218;
    while ((b[end] & 0xc0) == 0x80)
        --end;
    b.resize(end);
    return cut(std::move(b), 222218);
}

bytes make_html() {
    rng r{0x68746d6c};
    bytes b;
    put(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<title>Inventory</title>\n<link rel=\"stylesheet\" href=\"/static/site.css\">\n"
           "</head>\n<body>\n<div id=\"main\" class=\"container\">\n");
    for (int row = 1; b.size() < 263647; ++row) {
        if (row % 25 == 1)
            put(b, "<table class=\"grid\">\n<tr><th>Id</th><th>Name</th><th>City</th>"
                   "<th>Status</th></tr>\n");
        std::string tr =
            "<tr class=\"" + std::string(row % 2 ? "odd" : "even") + "\"><td><a href=\"/item/" +
            std::to_string(row) + "\">" + std::to_string(row) + "</a></td><td>" +
            std::string(r.pick(first_names)) + " " + std::string(r.pick(last_names)) + "</td><td>" +
            std::string(r.pick(cities)) + "</td><td><span class=\"tag " +
            std::string(r.pick(tags)) + "\">" + std::string(r.pick(tags)) + "</span></td></tr>\n";
        put(b, tr);
        if (row % 25 == 0) put(b, "</table>\n<p class=\"note\">Page generated for testing.</p>\n");
    }
    return cut(std::move(b), 263647);
}

bytes make_pdf() {
    rng r{0x706466};
    bytes b;
    put(b, "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n");
    for (int obj = 1; b.size() < 1042328; ++obj) {
        if (obj % 6 == 0) {
            std::string text =
                std::to_string(obj) + " 0 obj\n<< /Length 220 >>\nstream\nBT /F1 " +
                std::to_string(9 + r.below(6)) + " Tf 72 " + std::to_string(100 + r.below(600)) +
                " Td (" + std::string(r.pick(first_names)) + " " + std::string(r.pick(last_names)) +
                ", " + std::string(r.pick(cities)) + ") Tj ET\nendstream\nendobj\n";
            put(b, text);
            continue;
        }
        const std::size_t len = 2000 + r.below(14000);
        put(b, std::to_string(obj) + " 0 obj\n<< /Length " + std::to_string(len) +
                   " /Filter /FlateDecode >>\nstream\n");
        for (std::size_t i = 0; i < len; ++i)
            b.push_back(static_cast<std::uint8_t>(r.next()));
        put(b, "\nendstream\nendobj\n");
    }
    return cut(std::move(b), 1042328);
}

} // namespace

std::span<const std::uint8_t> corpus(corpus_kind k) {
    // In enum order; each generated once, on first use, whichever thread asks first.
    using maker = bytes (*)();
    static constexpr std::array<maker, 5> makers{make_json, make_bitmap, make_prose, make_html,
                                                 make_pdf};
    static std::array<std::once_flag, makers.size()> once;
    static std::array<bytes, makers.size()> made;
    const auto i = static_cast<std::size_t>(k);
    if (i >= makers.size()) return {};
    std::call_once(once[i], [i] { made[i] = makers[i](); });
    return made[i];
}

std::size_t corpus_size(corpus_kind k) noexcept {
    switch (k) {
    case corpus_kind::json: return 194056;
    case corpus_kind::bitmap: return 263222;
    case corpus_kind::prose: return 222218;
    case corpus_kind::html: return 263647;
    case corpus_kind::pdf: return 1042328;
    }
    return 0;
}

std::optional<corpus_kind> parse_corpus(std::string_view name) noexcept {
    for (auto k : {corpus_kind::json, corpus_kind::bitmap, corpus_kind::prose, corpus_kind::html,
                   corpus_kind::pdf})
        if (to_string(k) == name) return k;
    return std::nullopt;
}

std::string_view to_string(corpus_kind k) noexcept {
    switch (k) {
    case corpus_kind::json: return "json";
    case corpus_kind::bitmap: return "bitmap";
    case corpus_kind::prose: return "prose";
    case corpus_kind::html: return "html";
    case corpus_kind::pdf: return "pdf";
    }
    return "?";
}

} // namespace wsspec::catalog
