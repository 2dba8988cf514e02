#include "services/instruments/crypto/aes_gcm.h"

#include <openssl/evp.h>

#include <cstdlib>
#include <memory>

namespace pi::instruments::crypto {
namespace {

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

// Fetched once: Aes256Gcm() would make OpenSSL 3 look the implementation up on every
// init, which costs about as much as the encryption itself.
const EVP_CIPHER* Aes256Gcm() {
  static const EVP_CIPHER* cipher = [] {
    EVP_CIPHER* fetched = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
    if (fetched == nullptr) std::abort();  // AES-GCM unavailable: the library is broken
    return fetched;
  }();
  return cipher;
}

const unsigned char* Bytes(absl::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

absl::Status CheckSizes(absl::string_view key, absl::string_view nonce) {
  if (key.size() != kAesKeySize) return absl::InvalidArgumentError("AES-256 key must be 32 bytes");
  if (nonce.size() != kGcmNonceSize) return absl::InvalidArgumentError("GCM nonce must be 12 bytes");
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> AesGcmSeal(absl::string_view key, absl::string_view nonce,
                                       absl::string_view aad, absl::string_view plaintext) {
  if (absl::Status s = CheckSizes(key, nonce); !s.ok()) return s;
  CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  std::string out(plaintext.size() + kGcmTagSize, '\0');
  auto* dst = reinterpret_cast<unsigned char*>(out.data());
  int len = 0;
  int total = 0;
  if (!ctx || EVP_EncryptInit_ex2(ctx.get(), Aes256Gcm(), Bytes(key), Bytes(nonce),
                                  nullptr) != 1 ||
      (!aad.empty() &&
       EVP_EncryptUpdate(ctx.get(), nullptr, &len, Bytes(aad), static_cast<int>(aad.size())) != 1) ||
      EVP_EncryptUpdate(ctx.get(), dst, &len, Bytes(plaintext),
                        static_cast<int>(plaintext.size())) != 1) {
    return absl::InternalError("AES-GCM encryption failed");
  }
  total = len;
  if (EVP_EncryptFinal_ex(ctx.get(), dst + total, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kGcmTagSize, dst + plaintext.size()) !=
          1) {
    return absl::InternalError("AES-GCM encryption failed");
  }
  return out;
}

absl::StatusOr<common::Secret> AesGcmOpen(absl::string_view key, absl::string_view nonce,
                                          absl::string_view aad, absl::string_view sealed) {
  if (absl::Status s = CheckSizes(key, nonce); !s.ok()) return s;
  if (sealed.size() < kGcmTagSize) return absl::DataLossError("ciphertext is truncated");
  size_t body = sealed.size() - kGcmTagSize;
  CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  std::string plain(body, '\0');
  auto* dst = reinterpret_cast<unsigned char*>(plain.data());
  // The tag is passed as non-const by OpenSSL's API; it only reads it.
  std::string tag(sealed.substr(body));
  int len = 0;
  bool ok =
      ctx &&
      EVP_DecryptInit_ex2(ctx.get(), Aes256Gcm(), Bytes(key), Bytes(nonce), nullptr) == 1 &&
      (aad.empty() ||
       EVP_DecryptUpdate(ctx.get(), nullptr, &len, Bytes(aad), static_cast<int>(aad.size())) ==
           1) &&
      EVP_DecryptUpdate(ctx.get(), dst, &len, Bytes(sealed), static_cast<int>(body)) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kGcmTagSize, tag.data()) == 1 &&
      EVP_DecryptFinal_ex(ctx.get(), dst + len, &len) == 1;
  common::Secret result(std::move(plain));
  if (!ok) return absl::DataLossError("ciphertext failed authentication");
  return result;
}

}  // namespace pi::instruments::crypto
