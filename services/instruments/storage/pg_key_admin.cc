#include "services/instruments/storage/pg_key_admin.h"

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "services/instruments/storage/pg_data_key_repository.h"
#include "services/instruments/storage/pg_errors.h"

namespace pi::instruments::storage {
namespace {

// Runs `fn` and turns libpqxx exceptions into Status.
template <typename T, typename Fn>
absl::StatusOr<T> Guarded(Fn&& fn) {
  try {
    return fn();
  } catch (const std::exception& e) {
    return StatusFromException(e);
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<PgKeyAdmin>> PgKeyAdmin::Connect(const std::string& conninfo) {
  return Guarded<std::unique_ptr<PgKeyAdmin>>([&] {
    return std::unique_ptr<PgKeyAdmin>(
        new PgKeyAdmin(std::make_unique<pqxx::connection>(conninfo)));
  });
}

PgKeyAdmin::PgKeyAdmin(std::unique_ptr<pqxx::connection> connection)
    : connection_(std::move(connection)) {}

PgKeyAdmin::~PgKeyAdmin() = default;

absl::StatusOr<KekState> PgKeyAdmin::GetKekState() {
  return Guarded<KekState>([&] {
    pqxx::read_transaction txn(*connection_);
    pqxx::row row = txn.exec1("SELECT active_kek_version, min_kek_version FROM key_state");
    return KekState{row[0].as<uint32_t>(), row[1].as<uint32_t>()};
  });
}

absl::Status PgKeyAdmin::SetActiveKek(uint32_t version) {
  return Guarded<bool>([&]() -> absl::StatusOr<bool> {
           pqxx::work txn(*connection_);
           pqxx::result r = txn.exec_params(
               "UPDATE key_state SET active_kek_version = $1 WHERE min_kek_version <= $1",
               version);
           if (r.affected_rows() == 0) {
             return absl::FailedPreconditionError(
                 absl::StrCat("KEK version ", version, " is below the minimum version"));
           }
           txn.commit();
           return true;
         })
      .status();
}

absl::Status PgKeyAdmin::SetMinKek(uint32_t version) {
  return Guarded<bool>([&]() -> absl::StatusOr<bool> {
           pqxx::work txn(*connection_);
           pqxx::row state = txn.exec1("SELECT active_kek_version FROM key_state FOR UPDATE");
           if (version > state[0].as<uint32_t>()) {
             return absl::FailedPreconditionError(
                 "the minimum KEK version cannot exceed the active one");
           }
           pqxx::row older = txn.exec_params1(
               "SELECT count(*) FROM data_keys WHERE kek_version < $1 AND state <> 'retired'",
               version);
           if (older[0].as<int64_t>() > 0) {
             return absl::FailedPreconditionError(absl::StrCat(
                 older[0].as<int64_t>(), " data keys are still wrapped under a KEK older than ",
                 version, ": run rewrap-deks first"));
           }
           txn.exec_params("UPDATE key_state SET min_kek_version = $1", version);
           txn.commit();
           return true;
         })
      .status();
}

absl::StatusOr<std::vector<crypto::WrappedDataKey>> PgKeyAdmin::ListDataKeys(
    const std::optional<std::string>& application_id) {
  return Guarded<std::vector<crypto::WrappedDataKey>>([&] {
    pqxx::read_transaction txn(*connection_);
    pqxx::result rows =
        application_id
            ? txn.exec_params("SELECT * FROM data_keys WHERE application_id = $1 ORDER BY version",
                              *application_id)
            : txn.exec("SELECT * FROM data_keys ORDER BY application_id, version");
    std::vector<crypto::WrappedDataKey> keys;
    for (const pqxx::row& row : rows) keys.push_back(WrappedDataKeyFromRow(row["application_id"].as<std::string>(), row));
    return keys;
  });
}

absl::StatusOr<bool> PgKeyAdmin::Rewrap(const crypto::WrappedDataKey& key,
                                        uint32_t old_kek_version) {
  return Guarded<bool>([&] {
    pqxx::work txn(*connection_);
    pqxx::result r = txn.exec_params(
        "UPDATE data_keys SET wrapped_key = $3, kek_version = $4 "
        "WHERE application_id = $1 AND version = $2 AND kek_version = $5",
        key.application_id, key.version, pqxx::binarystring(key.wrapped_key), key.kek_version,
        old_kek_version);
    txn.commit();
    return r.affected_rows() == 1;
  });
}

absl::StatusOr<uint32_t> PgKeyAdmin::NextDataKeyVersion(const std::string& application_id) {
  return Guarded<uint32_t>([&]() -> absl::StatusOr<uint32_t> {
    pqxx::read_transaction txn(*connection_);
    pqxx::row row = txn.exec_params1(
        "SELECT max(version) FROM data_keys WHERE application_id = $1", application_id);
    if (row[0].is_null()) {
      return absl::FailedPreconditionError(
          "the application has no data key yet; it gets one with its first instrument");
    }
    return row[0].as<uint32_t>() + 1;
  });
}

absl::Status PgKeyAdmin::RotateDataKey(const crypto::WrappedDataKey& key) {
  return Guarded<bool>([&]() -> absl::StatusOr<bool> {
           pqxx::work txn(*connection_);
           // Locks every version of the application's keys, so two rotations serialise.
           pqxx::result versions = txn.exec_params(
               "SELECT version FROM data_keys WHERE application_id = $1 ORDER BY version "
               "FOR UPDATE",
               key.application_id);
           if (versions.empty() ||
               versions[versions.size() - 1][0].as<uint32_t>() + 1 != key.version) {
             return absl::AbortedError("another rotation changed the data keys; try again");
           }
           txn.exec_params(
               "UPDATE data_keys SET state = 'decrypt_only' WHERE application_id = $1 AND "
               "state = 'active'",
               key.application_id);
           txn.exec_params(
               "INSERT INTO data_keys (application_id, version, wrapped_key, kek_version, state) "
               "VALUES ($1, $2, $3, $4, 'active')",
               key.application_id, key.version, pqxx::binarystring(key.wrapped_key),
               key.kek_version);
           txn.commit();
           return true;
         })
      .status();
}

absl::StatusOr<int64_t> PgKeyAdmin::CountRowsToReencrypt(const std::string& application_id,
                                                         uint32_t active_version) {
  return Guarded<int64_t>([&] {
    pqxx::read_transaction txn(*connection_);
    return txn
        .exec_params1(
            "SELECT count(*) FROM payment_instruments WHERE application_id = $1 AND "
            "secret_key_version < $2",
            application_id, active_version)[0]
        .as<int64_t>();
  });
}

absl::StatusOr<int> PgKeyAdmin::ReencryptBatch(
    const std::string& application_id, uint32_t active_version, int limit,
    const std::function<absl::StatusOr<ResealedRow>(const SealedRow&)>& reseal) {
  return Guarded<int>([&]() -> absl::StatusOr<int> {
    pqxx::work txn(*connection_);
    pqxx::result rows = txn.exec_params(
        "SELECT id, type, secret_ciphertext, secret_key_version FROM payment_instruments "
        "WHERE application_id = $1 AND secret_key_version < $2 ORDER BY id LIMIT $3 "
        "FOR UPDATE SKIP LOCKED",
        application_id, active_version, limit);
    int changed = 0;
    for (const pqxx::row& row : rows) {
      SealedRow sealed{row["id"].as<std::string>(), row["type"].as<std::string>(),
                       pqxx::binarystring(row["secret_ciphertext"]).str(),
                       row["secret_key_version"].as<uint32_t>()};
      absl::StatusOr<ResealedRow> resealed = reseal(sealed);
      if (!resealed.ok()) return resealed.status();  // rolls back the batch
      txn.exec_params(
          "UPDATE payment_instruments SET secret_ciphertext = $3, secret_key_version = $4 "
          "WHERE application_id = $1 AND id = $2",
          application_id, sealed.id, pqxx::binarystring(resealed->ciphertext),
          resealed->key_version);
      ++changed;
    }
    txn.commit();
    return changed;
  });
}

absl::StatusOr<std::vector<uint32_t>> PgKeyAdmin::RetireUnusedDataKeys(
    const std::string& application_id) {
  return Guarded<std::vector<uint32_t>>([&] {
    pqxx::work txn(*connection_);
    pqxx::result rows = txn.exec_params(
        "UPDATE data_keys d SET state = 'retired' WHERE d.application_id = $1 AND "
        "d.state = 'decrypt_only' AND NOT EXISTS (SELECT 1 FROM payment_instruments p WHERE "
        "p.application_id = d.application_id AND p.secret_key_version = d.version) "
        // A live token payload (at most the token TTL old) keeps its key too.
        "AND NOT EXISTS (SELECT 1 FROM tokens t WHERE t.application_id = d.application_id AND "
        "t.payload_key_version = d.version AND t.payload_ciphertext IS NOT NULL) "
        "RETURNING d.version",
        application_id);
    txn.commit();
    std::vector<uint32_t> retired;
    for (const pqxx::row& row : rows) retired.push_back(row[0].as<uint32_t>());
    return retired;
  });
}

}  // namespace pi::instruments::storage
