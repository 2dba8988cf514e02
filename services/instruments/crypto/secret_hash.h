// Credential secrets: generation, one-way hashing for storage, constant-time comparison.
// Generated secrets carry 128 random bits, so an unsalted SHA-256 resists offline guessing;
// human-chosen passwords are never accepted as credentials. Thread-safe.
#ifndef PI_SERVICES_INSTRUMENTS_CRYPTO_SECRET_HASH_H_
#define PI_SERVICES_INSTRUMENTS_CRYPTO_SECRET_HASH_H_

#include <string>
#include "absl/strings/string_view.h"

#include "services/common/secret.h"
#include "services/instruments/domain/authenticator.h"

namespace pi::instruments::crypto {

// A new secret of 128 random bits, base62 (22 characters).
common::Secret GenerateCredentialSecret();

// SHA-256 of `data` (32 raw bytes).
std::string Sha256(absl::string_view data);

// SHA-256 of `secret` (32 raw bytes), the only form in which secrets are stored.
std::string HashCredentialSecret(absl::string_view secret);

// Compares in time that depends only on the lengths, never on where the inputs differ.
bool ConstantTimeEquals(absl::string_view a, absl::string_view b);

// The SecretHasher port over the two functions above.
class Sha256SecretHasher : public domain::SecretHasher {
 public:
  std::string Hash(absl::string_view secret) const override { return HashCredentialSecret(secret); }
  bool Equals(absl::string_view a, absl::string_view b) const override {
    return ConstantTimeEquals(a, b);
  }
};

}  // namespace pi::instruments::crypto

#endif  // PI_SERVICES_INSTRUMENTS_CRYPTO_SECRET_HASH_H_
