#include "services/instruments/crypto/hkdf.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

#include <cstdlib>
#include <string>

namespace pi::instruments::crypto {
namespace {

// OpenSSL rejects an octet-string parameter with a null pointer even when it is empty, and an
// empty absl::string_view may have one.
char* Octets(absl::string_view s) { return const_cast<char*>(s.empty() ? "" : s.data()); }

}  // namespace

common::Secret HkdfSha256(absl::string_view key, absl::string_view salt, absl::string_view info,
                          size_t length) {
  EVP_KDF* kdf = EVP_KDF_fetch(nullptr, "HKDF", nullptr);
  EVP_KDF_CTX* ctx = kdf ? EVP_KDF_CTX_new(kdf) : nullptr;
  EVP_KDF_free(kdf);
  std::string out(length, '\0');
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, const_cast<char*>("SHA256"), 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, Octets(key), key.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, Octets(salt), salt.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, Octets(info), info.size()),
      OSSL_PARAM_construct_end()};
  bool ok = ctx != nullptr &&
            EVP_KDF_derive(ctx, reinterpret_cast<unsigned char*>(out.data()), out.size(),
                           params) == 1;
  EVP_KDF_CTX_free(ctx);
  if (!ok) std::abort();
  return common::Secret(std::move(out));
}

}  // namespace pi::instruments::crypto
