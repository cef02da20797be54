#include "harness/transport/test_cert.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <cerrno>

#include <fmt/format.h>

#include "harness/transport/detail/openssl.hpp"
#include "harness/transport/io_result.hpp"
#include "harness/transport/unique_fd.hpp"
#include "harness/transport/url.hpp"

namespace wsspec::transport {
namespace {

using detail::bio_ptr;
using detail::evp_pkey_ptr;
using detail::x509_ptr;

error_info fail(std::string_view what) {
    return make_error(
        fmt::format("cannot generate a test certificate: {}: {}", what, detail::openssl_errors()));
}

bool add_extension(X509* cert, int nid, const std::string& value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
    if (!ext) return false;
    const bool ok = X509_add_ext(cert, ext, -1) == 1;
    X509_EXTENSION_free(ext);
    return ok;
}

std::string san_list(const std::vector<std::string>& sans) {
    std::string out;
    for (const auto& name : sans) {
        if (!out.empty()) out += ',';
        out += (is_ip_literal(name) ? "IP:" : "DNS:") + name;
    }
    return out;
}

// A random positive 127-bit serial (RFC 5280 §4.1.2.2: positive, at most 20 octets).
bool set_random_serial(X509* cert) {
    unsigned char bytes[16];
    if (RAND_bytes(bytes, sizeof bytes) != 1) return false;
    bytes[0] &= 0x7f;
    BIGNUM* bn = BN_bin2bn(bytes, sizeof bytes, nullptr);
    const bool ok = bn && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert)) != nullptr;
    BN_free(bn);
    return ok;
}

result<std::string> to_pem(auto write) {
    bio_ptr bio(BIO_new(BIO_s_mem()));
    if (!bio || write(bio.get()) != 1) return fail("PEM encoding");
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(len));
}

result<void> write_file(const std::string& path, const std::string& text, mode_t mode) {
    unique_fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode));
    if (!fd.valid())
        return make_error(fmt::format("cannot write '{}': {}", path, errno_text(errno)));
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd.get(), text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return make_error(fmt::format("cannot write '{}': {}", path, errno_text(errno)));
        done += static_cast<std::size_t>(n);
    }
    return {};
}

} // namespace

result<self_signed_cert> generate_self_signed(const std::string& common_name,
                                              const std::vector<std::string>& sans) {
    evp_pkey_ptr key(EVP_EC_gen("P-256"));
    if (!key) return fail("EC key generation");
    x509_ptr cert(X509_new());
    if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1 ||
        !set_random_serial(cert.get()))
        return fail("certificate setup");

    // Valid from a minute ago, so a peer whose clock is slightly behind accepts it.
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24L * 60 * 60);
    X509_NAME* name = X509_get_subject_name(cert.get());
    const auto* cn = reinterpret_cast<const unsigned char*>(common_name.c_str());
    if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, cn, -1, -1, 0) != 1 ||
        X509_set_issuer_name(cert.get(), name) != 1 || X509_set_pubkey(cert.get(), key.get()) != 1)
        return fail("subject");

    if (!add_extension(cert.get(), NID_basic_constraints, "critical,CA:TRUE") ||
        !add_extension(cert.get(), NID_subject_key_identifier, "hash") ||
        (!sans.empty() && !add_extension(cert.get(), NID_subject_alt_name, san_list(sans))))
        return fail("extensions");
    if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) return fail("signing");

    auto cert_pem = to_pem([&](BIO* b) { return PEM_write_bio_X509(b, cert.get()); });
    if (!cert_pem) return cert_pem.error();
    auto key_pem = to_pem([&](BIO* b) {
        return PEM_write_bio_PrivateKey(b, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    });
    if (!key_pem) return key_pem.error();
    return self_signed_cert{std::move(cert_pem).value(), std::move(key_pem).value()};
}

result<void> self_signed_cert::write_to(const std::string& dir) const {
    if (auto r = write_file(dir + "/" + cert_file_name, cert_pem, 0644); !r) return r;
    return write_file(dir + "/" + key_file_name, key_pem, 0600);
}

} // namespace wsspec::transport
