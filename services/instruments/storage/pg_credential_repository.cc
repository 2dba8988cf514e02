#include "services/instruments/storage/pg_credential_repository.h"

#include <optional>

#include <pqxx/pqxx>

#include "services/instruments/storage/pg_errors.h"

namespace pi::instruments::storage {
namespace {

constexpr char kFind[] = "credential_find";
constexpr char kFindSql[] =
    "SELECT id, application_id, kind, role, secret_sha256, revoked_at IS NOT NULL "
    "FROM credentials WHERE id = $1";

constexpr char kFindSigning[] = "credential_find_jwt_signing";
constexpr char kFindSigningSql[] =
    "SELECT id FROM credentials WHERE application_id = $1 AND kind = 'jwt_hs256' "
    " AND revoked_at IS NULL ORDER BY created_at DESC, id DESC LIMIT 1";

}  // namespace

std::vector<PreparedStatement> PgCredentialRepository::Statements() {
  return {{kFind, kFindSql}, {kFindSigning, kFindSigningSql}};
}

void PgCredentialRepository::FindCredential(std::string id, CredentialStore::FindDone done) {
  pool_.Submit([id = std::move(id),
                done = std::move(done)](absl::StatusOr<PgSession*> session) mutable {
    if (!session.ok()) {
      std::move(done)(session.status());
      return;
    }
    std::optional<domain::StoredCredential> found;
    absl::Status status = RunPg(**session, [&](pqxx::connection& c) {
      pqxx::nontransaction txn(c);  // one statement: no BEGIN/COMMIT round trips
      pqxx::result rows = txn.exec_prepared(kFind, id);
      if (rows.empty()) return absl::OkStatus();
      const pqxx::row& row = rows[0];
      domain::StoredCredential credential;
      credential.id = row[0].as<std::string>();
      credential.application_id = row[1].as<std::string>();
      std::optional<domain::CredentialKind> kind =
          domain::CredentialKindFromName(row[2].as<std::string>());
      std::optional<domain::Role> role = domain::RoleFromName(row[3].as<std::string>());
      // A row this build does not understand authenticates nobody.
      if (!kind || !role) return absl::OkStatus();
      credential.kind = *kind;
      credential.role = *role;
      if (!row[4].is_null()) credential.secret_hash = pqxx::binarystring(row[4]).str();
      credential.revoked = row[5].as<bool>();
      found = std::move(credential);
      return absl::OkStatus();
    });
    if (!status.ok()) {
      std::move(done)(std::move(status));
    } else if (!found) {
      std::move(done)(absl::NotFoundError("no such credential"));
    } else {
      std::move(done)(*std::move(found));
    }
  });
}

void PgCredentialRepository::FindSigningCredential(std::string application_id,
                                                   CustomerJwtCredentials::FindDone done) {
  pool_.Submit([application_id = std::move(application_id),
                done = std::move(done)](absl::StatusOr<PgSession*> session) mutable {
    if (!session.ok()) return std::move(done)(session.status());
    std::optional<std::string> found;
    absl::Status status = RunPg(**session, [&](pqxx::connection& c) {
      pqxx::nontransaction txn(c);  // one statement: no BEGIN/COMMIT round trips
      pqxx::result rows = txn.exec_prepared(kFindSigning, application_id);
      if (!rows.empty()) found = rows[0][0].as<std::string>();
      return absl::OkStatus();
    });
    if (!status.ok()) return std::move(done)(std::move(status));
    if (!found) return std::move(done)(absl::NotFoundError("no customer-JWT credential"));
    std::move(done)(*std::move(found));
  });
}

}  // namespace pi::instruments::storage
