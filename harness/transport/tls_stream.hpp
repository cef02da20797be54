#pragma once
// TLS over a connected, non-blocking TCP socket (OpenSSL 3). Each OpenSSL call is retried after
// poll() on SSL_ERROR_WANT_READ / WANT_WRITE until it completes or the deadline passes.
//
// After a write that ended in `timeout`, OpenSSL may hold a partly sent record; the stream should
// then only be closed or aborted, not written again.
#include <memory>
#include <string>

#include "codec/result.hpp"
#include "harness/transport/detail/openssl.hpp"
#include "harness/transport/detail/socket.hpp"
#include "harness/transport/stream.hpp"
#include "harness/transport/tls_options.hpp"

namespace wsspec::transport {

class tls_stream final : public stream {
public:
    // Client side: sets SNI and, unless opts.insecure, the name or IP the certificate must match.
    // `label` names the server in messages ("host:port"). The handshake is not run yet.
    static result<std::unique_ptr<tls_stream>> make_client(detail::unique_fd fd, SSL_CTX* ctx,
                                                           const std::string& host,
                                                           const tls_client_options& opts,
                                                           std::string label);
    // Server side; the handshake runs on the first handshake()/read_some()/write_all().
    static result<std::unique_ptr<tls_stream>> make_server(detail::unique_fd fd, SSL_CTX* ctx);

    io_result handshake(deadline dl) override;
    io_result read_some(std::span<std::uint8_t> buf, deadline dl) override;
    io_result write_all(std::span<const std::uint8_t> data, deadline dl) override;
    void shutdown_write() override;
    void close() override;
    void abort() override;
    std::string describe_peer() const override { return peer_; }
    bool is_tls() const override { return true; }

    // The negotiated protocol, e.g. "TLSv1.3"; empty before the handshake.
    std::string protocol_version() const;

private:
    tls_stream(detail::unique_fd fd, detail::ssl_ptr ssl, std::string label);
    void send_close_notify() noexcept;

    detail::unique_fd fd_;
    detail::ssl_ptr ssl_;
    std::string peer_;
    std::string label_;
    bool handshake_done_ = false;
    bool fatal_ = false; // OpenSSL forbids SSL_shutdown after a fatal error
    bool write_shut_ = false;
};

} // namespace wsspec::transport
