#include "harness/catalog/payload.hpp"

#include <nlohmann/json.hpp>

namespace wsspec::catalog {

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

result<bytes> parse_payload(const nlohmann::json& j) {
    if (j.is_string()) {
        const auto& s = j.get_ref<const std::string&>();
        return bytes(s.begin(), s.end());
    }
    if (!j.is_object())
        return make_error("expected a string, {\"hex\": ...}, {\"pattern\": ..., \"size\": N} or "
                          "{\"pattern_hex\": ..., \"size\": N}");
    if (j.contains("hex")) {
        if (j.size() != 1 || !j["hex"].is_string())
            return make_error("expected {\"hex\": \"...\"}");
        return parse_hex(j["hex"].get<std::string>());
    }
    bool text = j.contains("pattern");
    if (!text && !j.contains("pattern_hex")) return make_error("unknown payload " + j.dump());
    const auto& p = text ? j["pattern"] : j["pattern_hex"];
    if (!p.is_string()) return make_error("the pattern must be a string");
    if (!j.contains("size") || !j["size"].is_number_unsigned() || j.size() != 2)
        return make_error("a pattern needs \"size\": N");
    std::uint64_t size = j["size"].get<std::uint64_t>();
    if (size > (std::uint64_t{1} << 30)) return make_error("size is over 1 GiB");
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
    bytes out(size);
    for (std::size_t i = 0; i < size; ++i)
        out[i] = unit[i % unit.size()];
    return out;
}

} // namespace wsspec::catalog
