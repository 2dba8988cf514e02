// Where wrapped data keys live: the port the key manager uses and the storage layer implements.
// Calls return at once; `done` runs later, exactly once, possibly on a storage thread.
// Thread-safe.
#ifndef PI_SERVICES_INSTRUMENTS_CRYPTO_DATA_KEY_STORE_H_
#define PI_SERVICES_INSTRUMENTS_CRYPTO_DATA_KEY_STORE_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"

namespace pi::instruments::crypto {

enum class DataKeyState { kActive, kDecryptOnly, kRetired };

struct WrappedDataKey {
  std::string application_id;
  uint32_t version = 0;
  std::string wrapped_key;
  uint32_t kek_version = 0;
  DataKeyState state = DataKeyState::kActive;
  int64_t encryptions = 0;
};

// The key state an encryption needs: the application's active DEK (if any) and the KEKs.
struct ActiveKeyLookup {
  std::optional<WrappedDataKey> active;  // nullopt: the application has no DEK yet
  uint32_t active_kek_version = 0;
  uint32_t min_kek_version = 0;
};

class DataKeyStore {
 public:
  template <typename T>
  using Done = absl::AnyInvocable<void(absl::StatusOr<T>) &&>;

  virtual ~DataKeyStore() = default;
  virtual void FindActive(std::string application_id, Done<ActiveKeyLookup> done) = 0;
  // DEK `version` of the application in any state, and the minimum KEK version. NOT_FOUND when
  // it does not exist.
  virtual void Find(std::string application_id, uint32_t version,
                    Done<std::pair<WrappedDataKey, uint32_t>> done) = 0;
  // Stores `key` as the application's first DEK unless one exists already (another replica won
  // the race); answers with whichever active DEK exists afterwards.
  virtual void CreateFirst(WrappedDataKey key, Done<WrappedDataKey> done) = 0;
  // Adds to a DEK's encryption count; best effort, errors are only logged.
  virtual void AddEncryptions(std::string application_id, uint32_t version, int64_t count) = 0;
};

}  // namespace pi::instruments::crypto

#endif  // PI_SERVICES_INSTRUMENTS_CRYPTO_DATA_KEY_STORE_H_
