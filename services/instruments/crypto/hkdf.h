// HKDF-SHA256 (RFC 5869) through OpenSSL's EVP_KDF: the one way this service derives keys from
// a root key, each use with its own salt so derived keys of different purposes are unrelated.
#ifndef PI_SERVICES_INSTRUMENTS_CRYPTO_HKDF_H_
#define PI_SERVICES_INSTRUMENTS_CRYPTO_HKDF_H_

#include "absl/strings/string_view.h"
#include "services/common/secret.h"

namespace pi::instruments::crypto {

// `length` bytes of HKDF-SHA256(ikm = key, salt, info). Aborts if OpenSSL lacks HKDF (a broken
// crypto library is not a condition to serve through).
common::Secret HkdfSha256(absl::string_view key, absl::string_view salt, absl::string_view info,
                          size_t length = 32);

}  // namespace pi::instruments::crypto

#endif  // PI_SERVICES_INSTRUMENTS_CRYPTO_HKDF_H_
