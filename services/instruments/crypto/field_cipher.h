// The ciphertext format of one stored field (a PAN, an account number, a wallet token), sealed
// with AES-256-GCM under an application's data key. Version 1 (integers big-endian):
//   0x01 | data-key version (4 bytes) | nonce (12 bytes) | ciphertext | tag (16 bytes)
// The nonce is random per encryption (RAND_bytes). The AAD is the format byte and key version
// followed by the length-prefixed application id, resource id and field name, so a ciphertext
// copied to another row, application or field fails to decrypt. Stateless; thread-safe.
#ifndef PI_SERVICES_INSTRUMENTS_CRYPTO_FIELD_CIPHER_H_
#define PI_SERVICES_INSTRUMENTS_CRYPTO_FIELD_CIPHER_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/common/secret.h"
#include "services/instruments/domain/ports.h"

namespace pi::instruments::crypto {

// Seals `plaintext` under `key` (32 bytes) of `key_version`. INTERNAL if OpenSSL fails.
absl::StatusOr<std::string> SealField(absl::string_view key, uint32_t key_version,
                                      absl::string_view plaintext,
                                      const domain::SealContext& context);

// The data-key version a ciphertext names. DATA_LOSS for an unknown format.
absl::StatusOr<uint32_t> CiphertextKeyVersion(absl::string_view ciphertext);

// The plaintext. DATA_LOSS for a malformed or tampered ciphertext, another key or context.
absl::StatusOr<common::Secret> OpenField(absl::string_view key, absl::string_view ciphertext,
                                         const domain::SealContext& context);

}  // namespace pi::instruments::crypto

#endif  // PI_SERVICES_INSTRUMENTS_CRYPTO_FIELD_CIPHER_H_
