// Encrypts and decrypts single fields (a PAN, an account number) for storage.
//
// Ciphertext format, version 1 (all integers big-endian):
//   0x01 | key version (4 bytes) | nonce (12 bytes) | AES-256-GCM ciphertext | tag (16 bytes)
// The nonce is random per encryption (RAND_bytes). The AAD is the format byte and key version
// followed by the length-prefixed application id, resource id and field name, so a ciphertext
// copied to another row, application or field fails to decrypt. Thread-safe.
#ifndef PI_SERVICES_INSTRUMENTS_CRYPTO_FIELD_CIPHER_H_
#define PI_SERVICES_INSTRUMENTS_CRYPTO_FIELD_CIPHER_H_

#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"
#include "services/common/secret.h"
#include "services/instruments/crypto/key_ring.h"
#include "services/instruments/domain/ports.h"

namespace pi::instruments::crypto {

class FieldCipher : public domain::FieldSealer {
 public:
  // `keys` must outlive the cipher.
  explicit FieldCipher(const KeyRing& keys) : keys_(keys) {}

  absl::StatusOr<std::string> Seal(absl::string_view plaintext,
                                   const domain::SealContext& context) const override;

  // DATA_LOSS for a malformed or tampered ciphertext or a different context;
  // FAILED_PRECONDITION when the key version it names is not in the ring.
  absl::StatusOr<common::Secret> Open(absl::string_view ciphertext,
                                      const domain::SealContext& context) const;

 private:
  const KeyRing& keys_;
};

}  // namespace pi::instruments::crypto

#endif  // PI_SERVICES_INSTRUMENTS_CRYPTO_FIELD_CIPHER_H_
