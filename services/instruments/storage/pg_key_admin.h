// Synchronous key administration for the admin CLI and the rotation drill: KEK state, data keys,
// and batches of rows to re-encrypt. Not for the serving path (it blocks). One connection per
// object; not thread-safe. Every statement is parameterised.
#ifndef PI_SERVICES_INSTRUMENTS_STORAGE_PG_KEY_ADMIN_H_
#define PI_SERVICES_INSTRUMENTS_STORAGE_PG_KEY_ADMIN_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/connection>

#include "absl/status/statusor.h"
#include "services/instruments/crypto/data_key_store.h"


namespace pi::instruments::storage {

struct KekState {
  uint32_t active_version = 0;
  uint32_t min_version = 0;
};

// One instrument secret awaiting re-encryption.
struct SealedRow {
  std::string id;
  std::string type;  // InstrumentTypeName
  std::string ciphertext;
  uint32_t key_version = 0;
};

// The new ciphertext of a row, produced by the caller's crypto.
struct ResealedRow {
  std::string ciphertext;
  uint32_t key_version = 0;
};

class PgKeyAdmin {
 public:
  // UNAVAILABLE when the database cannot be reached.
  static absl::StatusOr<std::unique_ptr<PgKeyAdmin>> Connect(const std::string& conninfo);
  ~PgKeyAdmin();

  absl::StatusOr<KekState> GetKekState();
  // FAILED_PRECONDITION below the minimum version.
  absl::Status SetActiveKek(uint32_t version);
  // FAILED_PRECONDITION while any data key is still wrapped under an older KEK, or when
  // `version` is above the active one.
  absl::Status SetMinKek(uint32_t version);

  // Every data key, or one application's.
  absl::StatusOr<std::vector<crypto::WrappedDataKey>> ListDataKeys(
      const std::optional<std::string>& application_id = std::nullopt);
  // Replaces a key's wrapping if it is still wrapped under `old_kek_version`; false if another
  // rewrap got there first.
  absl::StatusOr<bool> Rewrap(const crypto::WrappedDataKey& key, uint32_t old_kek_version);
  // The version a rotation of the application's keys would create (highest + 1), or
  // FAILED_PRECONDITION when it has no key yet.
  absl::StatusOr<uint32_t> NextDataKeyVersion(const std::string& application_id);
  // In one transaction: demotes the application's active key to decrypt-only and stores `key`
  // (wrapped for its version, which must be NextDataKeyVersion: ABORTED if another rotation
  // came first) as the active key. Waits for in-flight inserts under the old key (they hold it
  // FOR SHARE) to commit first.
  absl::Status RotateDataKey(const crypto::WrappedDataKey& key);
  // Rows of the application sealed under a version older than `active_version`.
  absl::StatusOr<int64_t> CountRowsToReencrypt(const std::string& application_id,
                                               uint32_t active_version);
  // Locks up to `limit` such rows (SKIP LOCKED), replaces each with `reseal(row)` and commits;
  // returns how many rows changed. A reseal error aborts the batch.
  absl::StatusOr<int> ReencryptBatch(
      const std::string& application_id, uint32_t active_version, int limit,
      const std::function<absl::StatusOr<ResealedRow>(const SealedRow&)>& reseal);
  // Marks decrypt-only keys that no row uses any more as retired; returns their versions.
  absl::StatusOr<std::vector<uint32_t>> RetireUnusedDataKeys(const std::string& application_id);

 private:
  explicit PgKeyAdmin(std::unique_ptr<pqxx::connection> connection);
  std::unique_ptr<pqxx::connection> connection_;
};

}  // namespace pi::instruments::storage

#endif  // PI_SERVICES_INSTRUMENTS_STORAGE_PG_KEY_ADMIN_H_
