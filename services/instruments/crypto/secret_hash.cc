#include "services/instruments/crypto/secret_hash.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstdlib>

#include "services/instruments/crypto/random_id_generator.h"

namespace pi::instruments::crypto {

common::Secret GenerateCredentialSecret() {
  unsigned char raw[16];
  if (RAND_bytes(raw, sizeof(raw)) != 1) std::abort();  // no entropy: nothing safe to do
  common::Secret secret(Base62Encode(absl::string_view(reinterpret_cast<char*>(raw), 16)));
  OPENSSL_cleanse(raw, sizeof(raw));
  return secret;
}

std::string Sha256(absl::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    std::abort();  // SHA-256 unavailable: the library is broken
  }
  return std::string(reinterpret_cast<char*>(digest), length);
}

std::string HashCredentialSecret(absl::string_view secret) { return Sha256(secret); }

bool ConstantTimeEquals(absl::string_view a, absl::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace pi::instruments::crypto
