#pragma once
// Quirks: deliberate RFC 6455 violations of the reference server and the reference client, one
// rule each, switched on by name (`wsspec serve --quirk ignore-rsv`, `wsspec client --quirk
// no-mask`). They exist so the suite can prove that every case can
// fail (design.md, "Self-validation"): a case that stays OK against every quirk tests nothing.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "codec/result.hpp"

namespace wsspec::server {

// Numeric values are append-only: baselines and regression files may store them.
enum class quirk : std::uint8_t {
    accept_unmasked,
    ignore_rsv,
    ignore_reserved_opcodes,
    fragmented_control,
    long_control_frames,
    no_pong,
    late_pong,
    pong_empty,
    no_close_reply,
    no_tcp_close,
    wrong_close_code,
    fragments_as_messages,
    allow_interleaving,
    binary_as_text,
    max_message_64k,
    skip_utf8,
    utf8_at_end,
    no_close_validation,
    crash_on_ping,
    hang_on_ping,
    accept_any_version,
    corrupt_large_echo,
    message_quota_500,
    deflate_rsv1_uncompressed,
    deflate_keeps_context,
    deflate_rsv1_control,
    deflate_rsv1_continuation,
    deflate_drop_invalid,
    deflate_no_inflate_limit,
    deflate_accepts_any_offer,
    deflate_client_bits_unasked,
    reject_zero_mask,
    reject_repeated_mask,
    accept_non_minimal_length,
    length_msb_ignored,
    no_message_limit,
    accept_any_request,
    refuse_without_426,
    literal_fields,
    refuse_unknown_fields,
    one_read_handshake,
    drop_early_frames,
    echo_subprotocol_list,
    echo_extensions,
    wrong_accept_key,
    no_head_limit,
    wait_for_blank_line,
    no_handshake_timeout,
    max_connections_64,
    // The reference client's (wsspec client): RFC 6455 §4.1 and §5.3 are the client's rules.
    client_no_mask,
    client_accept_masked,
    client_reuse_mask,
    client_zero_mask,
    client_same_key,
    client_ignore_accept,
    client_accept_any_status,
    client_ignore_upgrade,
    client_accept_unoffered,
    client_close_tcp_first,
    client_no_host,
    client_version_8,
};

// Which peer a quirk can be switched on for: the reference server (`wsspec serve`, `run`), the
// reference client (`wsspec client`), or both (the frame, message and close rules hold for
// either role).
enum class quirk_role : std::uint8_t { server, client, both };

struct quirk_info {
    quirk id;
    std::string_view name;        // "accept-unmasked", as given to --quirk
    std::string_view breaks;      // one line: what the server does wrong
    std::string_view rfc_section; // "5.1"; empty for the crash/hang test aids
    // Aborts the whole process: run such a server out of process only.
    bool needs_own_process = false;
};

quirk_role role_of(quirk q) noexcept;

// Every quirk, in enum order (for `wsspec list --quirks`).
std::span<const quirk_info> all_quirks() noexcept;
const quirk_info& info(quirk q) noexcept;
std::optional<quirk> parse_quirk(std::string_view name) noexcept;
// "a,b, c" (also accepts repeats); the error names the unknown quirk and lists the known ones,
// or names a quirk of the other reference peer.
result<std::vector<quirk>> parse_quirk_list(std::string_view list,
                                            quirk_role peer = quirk_role::server);

// A set of quirks as bits, for the connection's hot path.
class quirk_set {
public:
    quirk_set() = default;
    explicit quirk_set(std::span<const quirk> qs) noexcept {
        for (quirk q : qs)
            add(q);
    }
    void add(quirk q) noexcept { bits_ |= bit(q); }
    bool has(quirk q) const noexcept { return (bits_ & bit(q)) != 0; }
    bool empty() const noexcept { return bits_ == 0; }

private:
    static constexpr std::uint64_t bit(quirk q) noexcept {
        return std::uint64_t{1} << static_cast<unsigned>(q);
    }
    std::uint64_t bits_ = 0;
};

} // namespace wsspec::server
