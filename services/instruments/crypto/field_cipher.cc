#include "services/instruments/crypto/field_cipher.h"

#include "services/instruments/crypto/aes_gcm.h"
#include "services/instruments/crypto/byte_encoding.h"
#include "services/instruments/crypto/public_random.h"

namespace pi::instruments::crypto {
namespace {

constexpr char kFormatVersion = 0x01;
constexpr size_t kHeaderSize = 1 + 4;

std::string Aad(absl::string_view header, const domain::SealContext& context) {
  std::string aad(header.data(), header.size());
  AppendLengthPrefixed(aad, context.application_id);
  AppendLengthPrefixed(aad, context.resource_id);
  AppendLengthPrefixed(aad, context.field);
  return aad;
}

}  // namespace

absl::StatusOr<std::string> SealField(absl::string_view key, uint32_t key_version,
                                      absl::string_view plaintext,
                                      const domain::SealContext& context) {
  std::string out;
  out.reserve(kHeaderSize + kGcmNonceSize + plaintext.size() + kGcmTagSize);
  out.push_back(kFormatVersion);
  AppendU32(out, key_version);
  std::string nonce(kGcmNonceSize, '\0');
  FillPublicRandom(reinterpret_cast<unsigned char*>(nonce.data()), kGcmNonceSize);
  absl::StatusOr<std::string> sealed = AesGcmSeal(key, nonce, Aad(out, context), plaintext);
  if (!sealed.ok()) return sealed.status();
  out.append(nonce);
  out.append(*sealed);
  return out;
}

absl::StatusOr<uint32_t> CiphertextKeyVersion(absl::string_view ciphertext) {
  if (ciphertext.size() < kHeaderSize + kGcmNonceSize + kGcmTagSize ||
      ciphertext[0] != kFormatVersion) {
    return absl::DataLossError("ciphertext has an unknown format");
  }
  uint32_t version = 0;
  for (size_t i = 1; i < kHeaderSize; ++i) {
    version = (version << 8) | static_cast<unsigned char>(ciphertext[i]);
  }
  return version;
}

absl::StatusOr<common::Secret> OpenField(absl::string_view key, absl::string_view ciphertext,
                                         const domain::SealContext& context) {
  absl::StatusOr<uint32_t> version = CiphertextKeyVersion(ciphertext);
  if (!version.ok()) return version.status();
  return AesGcmOpen(key, ciphertext.substr(kHeaderSize, kGcmNonceSize),
                    Aad(ciphertext.substr(0, kHeaderSize), context),
                    ciphertext.substr(kHeaderSize + kGcmNonceSize));
}

}  // namespace pi::instruments::crypto
