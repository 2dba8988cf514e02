#include "services/instruments/storage/pg_data_key_repository.h"

#include <optional>

#include <pqxx/pqxx>

#include "services/common/json_log.h"
#include "services/instruments/storage/pg_errors.h"

namespace pi::instruments::storage {
namespace {

constexpr char kFindActive[] = "data_key_find_active";
constexpr char kFind[] = "data_key_find";
constexpr char kCreateFirst[] = "data_key_create_first";
constexpr char kAddEncryptions[] = "data_key_add_encryptions";

constexpr char kFindActiveSql[] =
    "SELECT s.active_kek_version, s.min_kek_version, d.version, d.wrapped_key, d.kek_version, "
    " d.state, d.encryptions "
    "FROM key_state s LEFT JOIN data_keys d ON d.application_id = $1 AND d.state = 'active'";
constexpr char kFindSql[] =
    "SELECT d.version, d.wrapped_key, d.kek_version, d.state, d.encryptions, s.min_kek_version "
    "FROM data_keys d CROSS JOIN key_state s WHERE d.application_id = $1 AND d.version = $2";
// Conflicts on the primary key or on the one-active-key index both mean another replica won.
constexpr char kCreateFirstSql[] =
    "INSERT INTO data_keys (application_id, version, wrapped_key, kek_version, state) "
    "VALUES ($1, 1, $2, $3, 'active') ON CONFLICT DO NOTHING";
constexpr char kAddEncryptionsSql[] =
    "UPDATE data_keys SET encryptions = encryptions + $3 WHERE application_id = $1 AND "
    "version = $2";

absl::StatusOr<crypto::ActiveKeyLookup> LookupActive(pqxx::transaction_base& txn,
                                                     const std::string& application_id) {
  pqxx::result rows = txn.exec_prepared(kFindActive, application_id);
  if (rows.empty()) return absl::FailedPreconditionError("key_state is empty: run migrations");
  crypto::ActiveKeyLookup lookup;
  lookup.active_kek_version = rows[0]["active_kek_version"].as<uint32_t>();
  lookup.min_kek_version = rows[0]["min_kek_version"].as<uint32_t>();
  if (!rows[0]["version"].is_null()) lookup.active = WrappedDataKeyFromRow(application_id, rows[0]);
  return lookup;
}

}  // namespace

crypto::WrappedDataKey WrappedDataKeyFromRow(const std::string& application_id,
                                             const pqxx::row& row) {
  crypto::WrappedDataKey key;
  key.application_id = application_id;
  key.version = row["version"].as<uint32_t>();
  key.wrapped_key = pqxx::binarystring(row["wrapped_key"]).str();
  key.kek_version = row["kek_version"].as<uint32_t>();
  key.state = DataKeyStateFromName(row["state"].as<std::string>());
  key.encryptions = row["encryptions"].as<int64_t>();
  return key;
}

std::string DataKeyStateName(crypto::DataKeyState state) {
  switch (state) {
    case crypto::DataKeyState::kActive:
      return "active";
    case crypto::DataKeyState::kDecryptOnly:
      return "decrypt_only";
    case crypto::DataKeyState::kRetired:
      return "retired";
  }
  return "retired";
}

crypto::DataKeyState DataKeyStateFromName(const std::string& name) {
  if (name == "active") return crypto::DataKeyState::kActive;
  if (name == "decrypt_only") return crypto::DataKeyState::kDecryptOnly;
  return crypto::DataKeyState::kRetired;
}

std::vector<PreparedStatement> PgDataKeyRepository::Statements() {
  return {{kFindActive, kFindActiveSql},
          {kFind, kFindSql},
          {kCreateFirst, kCreateFirstSql},
          {kAddEncryptions, kAddEncryptionsSql}};
}

void PgDataKeyRepository::FindActive(std::string application_id,
                                     Done<crypto::ActiveKeyLookup> done) {
  pool_.Submit([application_id = std::move(application_id),
                done = std::move(done)](absl::StatusOr<PgSession*> session) mutable {
    if (!session.ok()) return std::move(done)(session.status());
    absl::StatusOr<crypto::ActiveKeyLookup> result;
    absl::Status status = RunPg(**session, [&](pqxx::connection& c) {
      pqxx::read_transaction txn(c);
      result = LookupActive(txn, application_id);
      return absl::OkStatus();
    });
    if (!status.ok()) return std::move(done)(status);
    std::move(done)(std::move(result));
  });
}

void PgDataKeyRepository::Find(std::string application_id, uint32_t version,
                               Done<std::pair<crypto::WrappedDataKey, uint32_t>> done) {
  pool_.Submit([application_id = std::move(application_id), version,
                done = std::move(done)](absl::StatusOr<PgSession*> session) mutable {
    if (!session.ok()) return std::move(done)(session.status());
    std::optional<std::pair<crypto::WrappedDataKey, uint32_t>> found;
    absl::Status status = RunPg(**session, [&](pqxx::connection& c) {
      pqxx::read_transaction txn(c);
      pqxx::result rows = txn.exec_prepared(kFind, application_id, version);
      if (!rows.empty()) {
        found.emplace(WrappedDataKeyFromRow(application_id, rows[0]),
                      rows[0]["min_kek_version"].as<uint32_t>());
      }
      return absl::OkStatus();
    });
    if (!status.ok()) return std::move(done)(status);
    if (!found) return std::move(done)(absl::NotFoundError("no such data key version"));
    std::move(done)(*std::move(found));
  });
}

void PgDataKeyRepository::CreateFirst(crypto::WrappedDataKey key,
                                      Done<crypto::WrappedDataKey> done) {
  pool_.Submit([key = std::move(key),
                done = std::move(done)](absl::StatusOr<PgSession*> session) mutable {
    if (!session.ok()) return std::move(done)(session.status());
    absl::StatusOr<crypto::ActiveKeyLookup> after;
    absl::Status status = RunPg(**session, [&](pqxx::connection& c) {
      pqxx::work txn(c);
      txn.exec_prepared(kCreateFirst, key.application_id, pqxx::binarystring(key.wrapped_key),
                        key.kek_version);
      after = LookupActive(txn, key.application_id);
      txn.commit();
      return absl::OkStatus();
    });
    if (!status.ok()) return std::move(done)(status);
    if (!after.ok()) return std::move(done)(after.status());
    if (!after->active) return std::move(done)(absl::InternalError("no active data key"));
    std::move(done)(*std::move(after->active));
  });
}

void PgDataKeyRepository::AddEncryptions(std::string application_id, uint32_t version,
                                         int64_t count) {
  pool_.Submit([application_id = std::move(application_id), version,
                count](absl::StatusOr<PgSession*> session) {
    if (!session.ok()) return;
    absl::Status status = RunPg(**session, [&](pqxx::connection& c) {
      pqxx::work txn(c);
      txn.exec_prepared(kAddEncryptions, application_id, version, count);
      txn.commit();
      return absl::OkStatus();
    });
    if (!status.ok()) {
      common::LogJson("warn", "encryption count not stored", {{"application", application_id}});
    }
  });
}

}  // namespace pi::instruments::storage
