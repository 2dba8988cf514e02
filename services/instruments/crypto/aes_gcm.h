// AES-256-GCM through OpenSSL 3 EVP: the one primitive every ciphertext of the vault uses.
// Stateless and thread-safe. Keys are 32 bytes, nonces 12 bytes, tags 16 bytes.
#ifndef PI_SERVICES_INSTRUMENTS_CRYPTO_AES_GCM_H_
#define PI_SERVICES_INSTRUMENTS_CRYPTO_AES_GCM_H_

#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"
#include "services/common/secret.h"

namespace pi::instruments::crypto {

inline constexpr size_t kAesKeySize = 32;
inline constexpr size_t kGcmNonceSize = 12;
inline constexpr size_t kGcmTagSize = 16;

// ciphertext || tag. INVALID_ARGUMENT for a wrong key or nonce size; INTERNAL if OpenSSL fails.
absl::StatusOr<std::string> AesGcmSeal(absl::string_view key, absl::string_view nonce,
                                       absl::string_view aad, absl::string_view plaintext);

// The plaintext of `sealed` (ciphertext || tag). DATA_LOSS when authentication fails (wrong key,
// nonce or AAD, or tampered bytes): no partial plaintext is ever returned.
absl::StatusOr<common::Secret> AesGcmOpen(absl::string_view key, absl::string_view nonce,
                                          absl::string_view aad, absl::string_view sealed);

}  // namespace pi::instruments::crypto

#endif  // PI_SERVICES_INSTRUMENTS_CRYPTO_AES_GCM_H_
