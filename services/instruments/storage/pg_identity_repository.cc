#include "services/instruments/storage/pg_identity_repository.h"

#include <optional>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "services/common/error.h"
#include "services/instruments/storage/pg_audit_log.h"
#include "services/instruments/storage/pg_errors.h"
#include "services/instruments/storage/pg_json_columns.h"

namespace pi::instruments::storage {
namespace {

constexpr char kInsert[] = "identity_insert";
constexpr char kFind[] = "identity_find";
constexpr char kFindByExternalId[] = "identity_find_by_external_id";

constexpr char kInsertSql[] =
    "INSERT INTO identities (application_id, id, external_id, first_name, last_name, email, "
    " phone, address, tags, created_at, updated_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, "
    " 'epoch'::timestamptz + $10::bigint * interval '1 microsecond', "
    " 'epoch'::timestamptz + $11::bigint * interval '1 microsecond')";

#define PI_IDENTITY_COLUMNS                                                                  \
  " id, coalesce(external_id, '') AS external_id, first_name, last_name, email, phone, "     \
  " address::text AS address, tags::text AS tags, "                                          \
  " (extract(epoch FROM created_at) * 1000000)::bigint AS created_us, "                      \
  " (extract(epoch FROM updated_at) * 1000000)::bigint AS updated_us "

constexpr char kFindSql[] =
    "SELECT" PI_IDENTITY_COLUMNS "FROM identities WHERE application_id = $1 AND id = $2";
constexpr char kFindByExternalIdSql[] =
    "SELECT" PI_IDENTITY_COLUMNS "FROM identities WHERE application_id = $1 AND external_id = $2";

#undef PI_IDENTITY_COLUMNS

domain::Identity IdentityFromRow(const std::string& application_id, const pqxx::row& row) {
  domain::Identity out;
  out.id = row["id"].as<std::string>();
  out.application_id = application_id;
  out.external_id = row["external_id"].as<std::string>();
  out.first_name = row["first_name"].as<std::string>();
  out.last_name = row["last_name"].as<std::string>();
  out.email = row["email"].as<std::string>();
  out.phone = row["phone"].as<std::string>();
  if (!row["address"].is_null()) out.address = AddressFromJson(row["address"].as<std::string>());
  out.tags = TagsFromJson(row["tags"].as<std::string>());
  out.create_time = absl::FromUnixMicros(row["created_us"].as<long long>());
  out.update_time = absl::FromUnixMicros(row["updated_us"].as<long long>());
  return out;
}

}  // namespace

std::vector<PreparedStatement> PgIdentityRepository::Statements() {
  return {{kInsert, kInsertSql}, {kFind, kFindSql}, {kFindByExternalId, kFindByExternalIdSql}};
}

void PgIdentityRepository::Insert(domain::Identity identity, domain::AuditEvent audit,
                                  InsertDone done) {
  pool_.Submit([identity = std::move(identity), audit = std::move(audit),
                done = std::move(done)](absl::StatusOr<PgSession*> session) mutable {
    if (!session.ok()) return std::move(done)(session.status());
    absl::Status status = RunPg(**session, [&](pqxx::connection& c) {
      const domain::Identity& i = identity;
      pqxx::work txn(c);
      std::optional<std::string> external_id;
      if (!i.external_id.empty()) external_id = i.external_id;
      txn.exec_prepared(kInsert, i.application_id, i.id, external_id, i.first_name, i.last_name,
                        i.email, i.phone, AddressToJson(i.address), TagsToJson(i.tags),
                        static_cast<long long>(absl::ToUnixMicros(i.create_time)),
                        static_cast<long long>(absl::ToUnixMicros(i.update_time)));
      InsertAuditEvent(txn, audit);
      txn.commit();
      return absl::OkStatus();
    });
    if (absl::IsAlreadyExists(status)) {
      // The only unique key a caller controls is the external id.
      status = common::MakeError(absl::StatusCode::kAlreadyExists, "ALREADY_EXISTS",
                                 "an identity with this external id already exists");
    }
    std::move(done)(std::move(status));
  });
}

void PgIdentityRepository::Find(std::string application_id, std::string id, FindDone done) {
  FindOne(kFind, std::move(application_id), std::move(id), std::move(done));
}

void PgIdentityRepository::FindByExternalId(std::string application_id, std::string external_id,
                                            FindDone done) {
  FindOne(kFindByExternalId, std::move(application_id), std::move(external_id), std::move(done));
}

void PgIdentityRepository::FindOne(const char* statement, std::string application_id,
                                   std::string key, FindDone done) {
  pool_.Submit([statement, application_id = std::move(application_id), key = std::move(key),
                done = std::move(done)](absl::StatusOr<PgSession*> session) mutable {
    if (!session.ok()) return std::move(done)(session.status());
    std::optional<domain::Identity> found;
    absl::Status status = RunPg(**session, [&](pqxx::connection& c) {
      pqxx::nontransaction txn(c);  // one statement: no BEGIN/COMMIT round trips
      pqxx::result rows = txn.exec_prepared(statement, application_id, key);
      if (!rows.empty()) found = IdentityFromRow(application_id, rows[0]);
      return absl::OkStatus();
    });
    if (!status.ok()) return std::move(done)(std::move(status));
    if (!found) {
      return std::move(done)(common::MakeError(absl::StatusCode::kNotFound, "RESOURCE_NOT_FOUND",
                                               "identity not found"));
    }
    std::move(done)(*std::move(found));
  });
}

}  // namespace pi::instruments::storage
