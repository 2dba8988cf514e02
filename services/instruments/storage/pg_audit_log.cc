#include "services/instruments/storage/pg_audit_log.h"

#include <optional>
#include <string>

#include "services/common/json_log.h"
#include "services/instruments/storage/pg_errors.h"

namespace pi::instruments::storage {
namespace {

constexpr char kInsert[] = "audit_insert";
constexpr char kInsertSql[] =
    "INSERT INTO audit_events (application_id, credential_id, action, resource_id, outcome, "
    " request_id, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)";

std::optional<std::string> NullIfEmpty(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return s;
}

}  // namespace

void InsertAuditEvent(pqxx::transaction_base& txn, const domain::AuditEvent& e) {
  txn.exec_prepared(kInsert, NullIfEmpty(e.application_id), NullIfEmpty(e.credential_id),
                    e.action, e.resource_id, e.outcome, e.request_id, e.detail);
}

void InsertAuditEventUnprepared(pqxx::transaction_base& txn, const domain::AuditEvent& e) {
  txn.exec_params(kInsertSql, NullIfEmpty(e.application_id), NullIfEmpty(e.credential_id),
                  e.action, e.resource_id, e.outcome, e.request_id, e.detail);
}

std::vector<PreparedStatement> PgAuditLog::Statements() { return {{kInsert, kInsertSql}}; }

void PgAuditLog::Append(domain::AuditEvent event) {
  pool_.Submit([event = std::move(event)](absl::StatusOr<PgSession*> session) mutable {
    absl::Status status = session.status();
    if (status.ok()) {
      status = RunPg(**session, [&](pqxx::connection& c) {
        pqxx::work txn(c);
        InsertAuditEvent(txn, event);
        txn.commit();
        return absl::OkStatus();
      });
    }
    if (!status.ok()) {
      common::LogJson("error", "audit event not recorded",
                      {{"action", event.action},
                       {"outcome", event.outcome},
                       {"request_id", event.request_id},
                       {"error", std::string(status.message())}});
    }
  });
}

}  // namespace pi::instruments::storage
