// Wraps and unwraps data keys (DEKs) under versioned key-encryption keys (KEKs). This is where a
// KMS plugs in: FileKeyProvider uses the key file's KEKs locally; a KMS-backed provider would
// send the same calls to the KMS. Thread-safe.
#ifndef PI_SERVICES_INSTRUMENTS_CRYPTO_KEY_PROVIDER_H_
#define PI_SERVICES_INSTRUMENTS_CRYPTO_KEY_PROVIDER_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/common/secret.h"
#include "services/instruments/crypto/key_ring.h"

namespace pi::instruments::crypto {

class KeyProvider {
 public:
  virtual ~KeyProvider() = default;
  virtual bool HasVersion(uint32_t kek_version) const = 0;
  // `key` wrapped under KEK `kek_version`, bound to `context` (e.g. application and DEK
  // version). FAILED_PRECONDITION when the version is not available.
  virtual absl::StatusOr<std::string> WrapKey(uint32_t kek_version, absl::string_view key,
                                              absl::string_view context) const = 0;
  // The key inside `wrapped`. FAILED_PRECONDITION for an unavailable version; DATA_LOSS when
  // authentication fails (another KEK or context, or tampered bytes).
  virtual absl::StatusOr<common::Secret> UnwrapKey(uint32_t kek_version,
                                                   absl::string_view wrapped,
                                                   absl::string_view context) const = 0;
};

// AES-256-GCM under the key file's KEKs: wrapped = nonce (12) | ciphertext | tag (16), AAD =
// "pi-dek-v1" followed by `context`.
class FileKeyProvider : public KeyProvider {
 public:
  // `ring` must outlive the provider.
  explicit FileKeyProvider(const KeyRing& ring) : ring_(ring) {}

  bool HasVersion(uint32_t kek_version) const override;
  absl::StatusOr<std::string> WrapKey(uint32_t kek_version, absl::string_view key,
                                      absl::string_view context) const override;
  absl::StatusOr<common::Secret> UnwrapKey(uint32_t kek_version, absl::string_view wrapped,
                                           absl::string_view context) const override;

 private:
  const KeyRing& ring_;
};

}  // namespace pi::instruments::crypto

#endif  // PI_SERVICES_INSTRUMENTS_CRYPTO_KEY_PROVIDER_H_
