// Keyed fingerprints: "FPR" + base62 of the first 128 bits of HMAC-SHA256(K_app, material), where
// K_app = HKDF-SHA256(fingerprint master key, salt "pi-fingerprint-v1", info application id).
// The same card in one application always has one fingerprint, whatever its expiry, name or
// address; across applications fingerprints are unrelated; no unkeyed hash of a PAN exists.
// Stable across restarts and across KEK/DEK rotation (the master key never rotates).
// Derived keys are cached per application. Thread-safe.
#ifndef PI_SERVICES_INSTRUMENTS_CRYPTO_FINGERPRINTER_H_
#define PI_SERVICES_INSTRUMENTS_CRYPTO_FINGERPRINTER_H_

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "services/common/secret.h"
#include "services/instruments/domain/ports.h"

namespace pi::instruments::crypto {

class Fingerprinter : public domain::Fingerprinter {
 public:
  // Copies `master_key` (32 bytes).
  explicit Fingerprinter(const common::Secret& master_key);
  ~Fingerprinter() override;

  std::string Fingerprint(absl::string_view application_id,
                          absl::string_view material) const override;

 private:
  struct AppKey;
  const AppKey& KeyFor(absl::string_view application_id) const;

  common::Secret master_key_;
  mutable absl::Mutex mu_;
  mutable absl::flat_hash_map<std::string, std::unique_ptr<AppKey>> keys_ ABSL_GUARDED_BY(mu_);
};

}  // namespace pi::instruments::crypto

#endif  // PI_SERVICES_INSTRUMENTS_CRYPTO_FINGERPRINTER_H_
