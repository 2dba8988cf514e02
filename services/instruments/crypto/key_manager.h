// The key hierarchy at work: seals and opens fields under each application's data key (DEK),
// creating the first DEK on first use (RAND_bytes, wrapped under the active KEK and stored) and
// keeping unwrapped DEKs in memory.
//
// Sealing uses the cached active DEK on the calling thread (microseconds); a cache miss, or an
// entry older than `active_key_ttl`, loads the active DEK through the store and finishes on a
// storage thread. A rotation is seen within the TTL, or at once when the repository reports the
// key rotated and the caller calls ForgetActiveKey. Opening accepts any DEK that is not retired
// and whose KEK is not below the minimum version (re-checked once a cached key is older than the
// TTL); otherwise FAILED_PRECONDITION with reason KEY_RETIRED. A KEK the database names but this replica's key file lacks gives UNAVAILABLE
// (logged as an error). Unwrapped keys are Secrets, wiped when dropped.
//
// Encryptions are counted per DEK in memory and added to the store by FlushEncryptionCounts();
// past kRotationAdvisedEncryptions (2^31, far below GCM's 2^32 random-nonce limit) a warning is
// logged once per DEK. Thread-safe.
#ifndef PI_SERVICES_INSTRUMENTS_CRYPTO_KEY_MANAGER_H_
#define PI_SERVICES_INSTRUMENTS_CRYPTO_KEY_MANAGER_H_

#include <atomic>
#include <memory>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/instruments/crypto/data_key_store.h"
#include "services/instruments/crypto/key_provider.h"
#include "services/instruments/domain/ports.h"

namespace pi::instruments::crypto {

inline constexpr int64_t kRotationAdvisedEncryptions = int64_t{1} << 31;

// The context a DEK is wrapped under: its application and version.
std::string DataKeyContext(absl::string_view application_id, uint32_t version);

class KeyManager : public domain::FieldSealer, public domain::FieldOpener {
 public:
  struct Options {
    absl::Duration active_key_ttl = absl::Seconds(5);
  };

  // `provider` and `store` must outlive the manager.
  KeyManager(const KeyProvider& provider, DataKeyStore& store, Options options);
  KeyManager(const KeyManager&) = delete;
  KeyManager& operator=(const KeyManager&) = delete;

  void Seal(common::Secret plaintext, domain::SealContext context, SealDone done) override;
  void ForgetActiveKey(absl::string_view application_id) override;
  void Open(std::string ciphertext, domain::SealContext context, OpenDone done) override;

  void FlushEncryptionCounts();

 private:
  struct Key {
    uint32_t version = 0;
    std::shared_ptr<const common::Secret> material;
    // Shared by every cached copy of this key, so counts are neither lost nor doubled.
    std::shared_ptr<std::atomic<int64_t>> unflushed = std::make_shared<std::atomic<int64_t>>(0);
    std::shared_ptr<std::atomic<int64_t>> flushed = std::make_shared<std::atomic<int64_t>>(0);
    std::shared_ptr<std::atomic<bool>> warned = std::make_shared<std::atomic<bool>>(false);
  };
  struct ActiveEntry {
    Key key;
    absl::Time fetched;
  };

  // Seals with `key` and counts the encryption.
  void SealWith(const Key& key, common::Secret plaintext, const domain::SealContext& context,
                SealDone done);
  // Unwraps `wrapped` and caches it as the application's active key (when `active`) and by
  // version.
  absl::StatusOr<Key> Install(const WrappedDataKey& wrapped, bool active);
  void CreateFirstKey(const ActiveKeyLookup& lookup, common::Secret plaintext,
                      domain::SealContext context, SealDone done);

  const KeyProvider& provider_;
  DataKeyStore& store_;
  const Options options_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, ActiveEntry> active_ ABSL_GUARDED_BY(mu_);
  // Keys by version for Open, with when their state was last read: an entry older than the TTL
  // is looked up again, so a key retired since is refused.
  absl::flat_hash_map<std::pair<std::string, uint32_t>, std::pair<Key, absl::Time>> by_version_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace pi::instruments::crypto

#endif  // PI_SERVICES_INSTRUMENTS_CRYPTO_KEY_MANAGER_H_
