#include "services/instruments/crypto/field_cipher.h"

#include <openssl/rand.h>

#include "absl/strings/str_cat.h"
#include "services/instruments/crypto/aes_gcm.h"

namespace pi::instruments::crypto {
namespace {

constexpr char kFormatVersion = 0x01;
constexpr size_t kHeaderSize = 1 + 4 + kGcmNonceSize;

void AppendU32(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xff));
}

void AppendLengthPrefixed(std::string& out, absl::string_view part) {
  AppendU32(out, static_cast<uint32_t>(part.size()));
  out.append(part.data(), part.size());
}

std::string Aad(absl::string_view header_prefix, const domain::SealContext& context) {
  std::string aad(header_prefix.data(), header_prefix.size());
  AppendLengthPrefixed(aad, context.application_id);
  AppendLengthPrefixed(aad, context.resource_id);
  AppendLengthPrefixed(aad, context.field);
  return aad;
}

}  // namespace

absl::StatusOr<std::string> FieldCipher::Seal(absl::string_view plaintext,
                                              const domain::SealContext& context) const {
  uint32_t version = keys_.active_version();
  const common::Secret* key = keys_.Find(version);
  if (key == nullptr) return absl::InternalError("active key missing from the key ring");

  std::string out;
  out.push_back(kFormatVersion);
  AppendU32(out, version);
  std::string nonce(kGcmNonceSize, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(nonce.data()), kGcmNonceSize) != 1) {
    return absl::InternalError("no randomness for a nonce");
  }
  std::string aad = Aad(out, context);
  out.append(nonce);
  absl::StatusOr<std::string> sealed = AesGcmSeal(key->Reveal(), nonce, aad, plaintext);
  if (!sealed.ok()) return sealed.status();
  out.append(*sealed);
  return out;
}

absl::StatusOr<common::Secret> FieldCipher::Open(absl::string_view ciphertext,
                                                 const domain::SealContext& context) const {
  if (ciphertext.size() < kHeaderSize + kGcmTagSize || ciphertext[0] != kFormatVersion) {
    return absl::DataLossError("ciphertext has an unknown format");
  }
  uint32_t version = 0;
  for (int i = 1; i <= 4; ++i) version = (version << 8) | static_cast<unsigned char>(ciphertext[i]);
  const common::Secret* key = keys_.Find(version);
  if (key == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("ciphertext needs key version ", version, ", which is not loaded"));
  }
  std::string aad = Aad(ciphertext.substr(0, 5), context);
  return AesGcmOpen(key->Reveal(), ciphertext.substr(5, kGcmNonceSize), aad,
                    ciphertext.substr(kHeaderSize));
}

}  // namespace pi::instruments::crypto
