#include "services/instruments/storage/pg_admin_store.h"

#include <pqxx/pqxx>

#include "absl/strings/str_join.h"

#include "services/instruments/storage/pg_audit_log.h"
#include "services/instruments/storage/pg_errors.h"

namespace pi::instruments::storage {
namespace {

// The admin CLI acts as this credential in the audit trail.
constexpr char kAdminCredential[] = "admin-cli";

void InsertCredential(pqxx::work& txn, const NewCredential& credential) {
  // An empty hash (jwt_hs256, whose key is derived) is stored as NULL.
  txn.exec_params(
      "INSERT INTO credentials (id, application_id, kind, role, secret_sha256) "
      "VALUES ($1, $2, $3, $4, NULLIF($5, ''::bytea))",
      credential.credential_id, credential.application_id,
      std::string(domain::CredentialKindName(credential.kind)),
      std::string(domain::RoleName(credential.role)),
      pqxx::binarystring(credential.secret_hash));
  InsertAuditEventUnprepared(txn, {credential.application_id, kAdminCredential, "credential.create",
                                   credential.credential_id, "OK", ""});
}

// Inserts `origins` for the application and audits the new list.
void ReplaceAllowedOrigins(pqxx::work& txn, const std::string& application_id,
                           const std::vector<std::string>& origins) {
  txn.exec_params("DELETE FROM allowed_origins WHERE application_id = $1", application_id);
  for (const std::string& origin : origins) {
    txn.exec_params("INSERT INTO allowed_origins (application_id, origin) VALUES ($1, $2)",
                    application_id, origin);
  }
  domain::AuditEvent event{application_id, kAdminCredential, "application.set_allowed_origins",
                           application_id, "OK", ""};
  event.detail = absl::StrJoin(origins, ",");
  InsertAuditEventUnprepared(txn, event);
}

template <typename Fn>
absl::Status InTransaction(const std::string& conninfo, Fn&& fn) {
  try {
    pqxx::connection c(conninfo);
    pqxx::work txn(c);
    absl::Status status = fn(txn);
    if (status.ok()) txn.commit();
    return status;
  } catch (const std::exception& e) {
    return StatusFromException(e);
  }
}

}  // namespace

absl::Status CreateApplication(const std::string& conninfo, const NewApplication& application,
                               const NewCredential& credential) {
  return InTransaction(conninfo, [&](pqxx::work& txn) {
    txn.exec_params(
        "INSERT INTO applications (id, name, max_instruments_per_identity) VALUES ($1, $2, $3)",
        application.application_id, application.name, application.max_instruments_per_identity);
    InsertAuditEventUnprepared(txn, {application.application_id, kAdminCredential,
                                     "application.create", application.application_id, "OK", ""});
    InsertCredential(txn, credential);
    if (!application.allowed_origins.empty()) {
      ReplaceAllowedOrigins(txn, application.application_id, application.allowed_origins);
    }
    return absl::OkStatus();
  });
}

absl::Status SetAllowedOrigins(const std::string& conninfo, const std::string& application_id,
                               const std::vector<std::string>& origins) {
  return InTransaction(conninfo, [&](pqxx::work& txn) {
    // Locked, so two concurrent replacements serialize instead of interleaving their rows.
    if (txn.exec_params("SELECT 1 FROM applications WHERE id = $1 FOR UPDATE", application_id)
            .empty()) {
      return absl::NotFoundError("no such application");
    }
    ReplaceAllowedOrigins(txn, application_id, origins);
    return absl::OkStatus();
  });
}

absl::Status CreateCredential(const std::string& conninfo, const NewCredential& credential) {
  return InTransaction(conninfo, [&](pqxx::work& txn) {
    if (txn.exec_params("SELECT 1 FROM applications WHERE id = $1", credential.application_id)
            .empty()) {
      return absl::NotFoundError("no such application");
    }
    InsertCredential(txn, credential);
    return absl::OkStatus();
  });
}

absl::Status RevokeCredential(const std::string& conninfo, const std::string& application_id,
                              const std::string& credential_id) {
  return InTransaction(conninfo, [&](pqxx::work& txn) {
    pqxx::result revoked = txn.exec_params(
        "UPDATE credentials SET revoked_at = now() "
        "WHERE id = $1 AND application_id = $2 AND revoked_at IS NULL RETURNING id",
        credential_id, application_id);
    if (revoked.empty()) return absl::NotFoundError("no such active credential");
    InsertAuditEventUnprepared(txn, {application_id, kAdminCredential, "credential.revoke",
                                     credential_id, "OK", ""});
    return absl::OkStatus();
  });
}

absl::Status AppendAuditEvent(const std::string& conninfo, const domain::AuditEvent& event) {
  return InTransaction(conninfo, [&](pqxx::work& txn) {
    InsertAuditEventUnprepared(txn, event);
    return absl::OkStatus();
  });
}

}  // namespace pi::instruments::storage
