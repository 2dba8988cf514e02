// PostgreSQL implementation of crypto::DataKeyStore (tables data_keys and key_state). All SQL for
// the serving path's key lookups lives in the .cc. Thread-safe.
#ifndef PI_SERVICES_INSTRUMENTS_STORAGE_PG_DATA_KEY_REPOSITORY_H_
#define PI_SERVICES_INSTRUMENTS_STORAGE_PG_DATA_KEY_REPOSITORY_H_

#include <vector>

#include <pqxx/row>

#include "services/instruments/crypto/data_key_store.h"
#include "services/instruments/storage/pg_worker_pool.h"

namespace pi::instruments::storage {

class PgDataKeyRepository : public crypto::DataKeyStore {
 public:
  static std::vector<PreparedStatement> Statements();

  // `pool` must outlive the repository and prepare Statements().
  explicit PgDataKeyRepository(PgWorkerPool& pool) : pool_(pool) {}

  void FindActive(std::string application_id, Done<crypto::ActiveKeyLookup> done) override;
  void Find(std::string application_id, uint32_t version,
            Done<std::pair<crypto::WrappedDataKey, uint32_t>> done) override;
  void CreateFirst(crypto::WrappedDataKey key, Done<crypto::WrappedDataKey> done) override;
  void AddEncryptions(std::string application_id, uint32_t version, int64_t count) override;

 private:
  PgWorkerPool& pool_;
};

// A data_keys row (columns version, wrapped_key, kek_version, state, encryptions) of
// `application_id`.
crypto::WrappedDataKey WrappedDataKeyFromRow(const std::string& application_id,
                                             const pqxx::row& row);

// "active", "decrypt_only", "retired" and back; unknown text reads as retired (never usable).
std::string DataKeyStateName(crypto::DataKeyState state);
crypto::DataKeyState DataKeyStateFromName(const std::string& name);

}  // namespace pi::instruments::storage

#endif  // PI_SERVICES_INSTRUMENTS_STORAGE_PG_DATA_KEY_REPOSITORY_H_
