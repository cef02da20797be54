#include "codec/frame_encoder.hpp"

#include <cstring>

#include "codec/mask.hpp"

namespace wsspec {
namespace {

std::size_t put_length(std::uint8_t* p, std::uint8_t b1_mask_bit, std::uint64_t len,
                       length_encoding enc) noexcept {
    if (enc == length_encoding::minimal)
        enc = len < 126       ? length_encoding::force_7
              : len <= 0xFFFF ? length_encoding::force_16
                              : length_encoding::force_64;
    switch (enc) {
    case length_encoding::minimal:
    case length_encoding::force_7:
        p[1] = static_cast<std::uint8_t>(b1_mask_bit | (len & 0x7F));
        return 2;
    case length_encoding::force_16:
        p[1] = static_cast<std::uint8_t>(b1_mask_bit | 126);
        p[2] = static_cast<std::uint8_t>(len >> 8);
        p[3] = static_cast<std::uint8_t>(len);
        return 4;
    case length_encoding::force_64:
        p[1] = static_cast<std::uint8_t>(b1_mask_bit | 127);
        for (int i = 0; i < 8; ++i)
            p[2 + i] = static_cast<std::uint8_t>(len >> (56 - 8 * i));
        return 10;
    }
    return 2;
}

std::size_t put_header(std::uint8_t* p, bool fin, std::uint8_t rsv, std::uint8_t op,
                       const std::optional<mask_key>& mask, std::uint64_t len,
                       length_encoding enc) noexcept {
    p[0] = static_cast<std::uint8_t>((fin ? 0x80 : 0) | ((rsv & 0x7) << 4) | (op & 0x0F));
    std::size_t n = put_length(p, mask ? 0x80 : 0, len, enc);
    if (mask) {
        std::memcpy(p + n, mask->data(), 4);
        n += 4;
    }
    return n;
}

} // namespace

std::size_t encode_header(const frame_options& f, std::uint64_t payload_length,
                          std::uint8_t* out) noexcept {
    return put_header(out, f.fin, f.rsv, static_cast<std::uint8_t>(f.op), f.mask, payload_length,
                      length_encoding::minimal);
}

encode_result encode_frame(const frame_options& f, std::span<const std::uint8_t> payload,
                           std::span<std::uint8_t> out, std::uint8_t allowed_rsv) noexcept {
    if (is_reserved(f.op)) return {codec_error::reserved_opcode, 0};
    if ((f.rsv & ~allowed_rsv & 0x7) != 0) return {codec_error::reserved_bits_set, 0};
    if (is_control(f.op)) {
        if (!f.fin) return {codec_error::control_frame_fragmented, 0};
        if (payload.size() > max_control_payload) return {codec_error::control_payload_too_long, 0};
    }
    std::size_t total = encoded_size(payload.size(), f.mask.has_value());
    if (out.size() < total) return {codec_error::frame_too_large, 0};
    std::size_t h = encode_header(f, payload.size(), out.data());
    if (f.mask)
        copy_masked(payload, out.data() + h, *f.mask, 0);
    else if (!payload.empty())
        std::memcpy(out.data() + h, payload.data(), payload.size());
    return {codec_error::none, total};
}

std::size_t write_frame_header(const frame_spec& spec, std::uint64_t payload_length,
                               std::uint8_t* out) noexcept {
    return put_header(out, spec.fin, spec.rsv, spec.opcode_nibble, spec.mask,
                      spec.declared_length.value_or(payload_length), spec.encoding);
}

std::size_t write_frame(std::vector<std::uint8_t>& out, const frame_spec& spec,
                        std::span<const std::uint8_t> payload) {
    std::uint8_t header[max_header_size];
    std::size_t h = write_frame_header(spec, payload.size(), header);
    std::size_t start = out.size();
    out.insert(out.end(), header, header + h);
    out.insert(out.end(), payload.begin(), payload.end());
    if (spec.mask)
        apply_mask(std::span<std::uint8_t>(out.data() + start + h, payload.size()), *spec.mask, 0);
    return out.size() - start;
}

} // namespace wsspec
