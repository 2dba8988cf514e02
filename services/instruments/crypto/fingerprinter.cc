#include "services/instruments/crypto/fingerprinter.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "services/instruments/crypto/hkdf.h"
#include "services/instruments/crypto/random_id_generator.h"

namespace pi::instruments::crypto {
namespace {

constexpr char kSalt[] = "pi-fingerprint-v1";
constexpr size_t kFingerprintBytes = 16;

// HKDF-SHA256(master, salt, info = application id) -> 32 bytes.
common::Secret DeriveAppKey(absl::string_view master, absl::string_view application_id) {
  return HkdfSha256(master, kSalt, application_id);
}

}  // namespace

// A prepared HMAC context keyed with K_app; each fingerprint duplicates it, so the algorithm is
// fetched and keyed once per application, not per call.
struct Fingerprinter::AppKey {
  EVP_MAC_CTX* prepared = nullptr;
  ~AppKey() { EVP_MAC_CTX_free(prepared); }
};

Fingerprinter::Fingerprinter(const common::Secret& master_key)
    : master_key_(master_key.Clone()) {}

Fingerprinter::~Fingerprinter() = default;

const Fingerprinter::AppKey& Fingerprinter::KeyFor(absl::string_view application_id) const {
  {
    absl::ReaderMutexLock lock(&mu_);
    auto it = keys_.find(application_id);
    if (it != keys_.end()) return *it->second;
  }
  common::Secret key = DeriveAppKey(master_key_.Reveal(), application_id);
  auto app_key = std::make_unique<AppKey>();
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  app_key->prepared = mac ? EVP_MAC_CTX_new(mac) : nullptr;
  EVP_MAC_free(mac);
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>("SHA256"), 0),
      OSSL_PARAM_construct_end()};
  if (app_key->prepared == nullptr ||
      EVP_MAC_init(app_key->prepared, reinterpret_cast<const unsigned char*>(key.Reveal().data()),
                   key.size(), params) != 1) {
    std::abort();  // HMAC-SHA256 unavailable: the crypto library is broken
  }
  absl::MutexLock lock(&mu_);
  auto [it, inserted] = keys_.try_emplace(std::string(application_id), std::move(app_key));
  return *it->second;
}

std::string Fingerprinter::Fingerprint(absl::string_view application_id,
                                       absl::string_view material) const {
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_dup(KeyFor(application_id).prepared);
  unsigned char mac[EVP_MAX_MD_SIZE];
  size_t length = 0;
  bool ok = ctx != nullptr &&
            EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(material.data()),
                           material.size()) == 1 &&
            EVP_MAC_final(ctx, mac, &length, sizeof(mac)) == 1 && length >= kFingerprintBytes;
  EVP_MAC_CTX_free(ctx);
  if (!ok) std::abort();  // HMAC failed: the crypto library is broken
  return absl::StrCat("FPR", Base62Encode(absl::string_view(reinterpret_cast<char*>(mac),
                                                            kFingerprintBytes)));
}

}  // namespace pi::instruments::crypto
