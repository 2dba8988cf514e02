#include "services/instruments/crypto/key_provider.h"

#include <openssl/rand.h>

#include "absl/strings/str_cat.h"
#include "services/instruments/crypto/aes_gcm.h"

namespace pi::instruments::crypto {
namespace {

std::string Aad(absl::string_view context) { return absl::StrCat("pi-dek-v1", context); }

absl::Status MissingVersion(uint32_t version) {
  return absl::FailedPreconditionError(
      absl::StrCat("KEK version ", version, " is not in the key file"));
}

}  // namespace

bool FileKeyProvider::HasVersion(uint32_t kek_version) const {
  return ring_.Find(kek_version) != nullptr;
}

absl::StatusOr<std::string> FileKeyProvider::WrapKey(uint32_t kek_version, absl::string_view key,
                                                     absl::string_view context) const {
  const common::Secret* kek = ring_.Find(kek_version);
  if (kek == nullptr) return MissingVersion(kek_version);
  std::string nonce(kGcmNonceSize, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(nonce.data()), kGcmNonceSize) != 1) {
    return absl::InternalError("no randomness for a nonce");
  }
  absl::StatusOr<std::string> sealed = AesGcmSeal(kek->Reveal(), nonce, Aad(context), key);
  if (!sealed.ok()) return sealed.status();
  return nonce + *sealed;
}

absl::StatusOr<common::Secret> FileKeyProvider::UnwrapKey(uint32_t kek_version,
                                                          absl::string_view wrapped,
                                                          absl::string_view context) const {
  const common::Secret* kek = ring_.Find(kek_version);
  if (kek == nullptr) return MissingVersion(kek_version);
  if (wrapped.size() < kGcmNonceSize + kGcmTagSize) {
    return absl::DataLossError("wrapped key is truncated");
  }
  return AesGcmOpen(kek->Reveal(), wrapped.substr(0, kGcmNonceSize), Aad(context),
                    wrapped.substr(kGcmNonceSize));
}

}  // namespace pi::instruments::crypto
