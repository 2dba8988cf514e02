// The audit trail in PostgreSQL (table audit_events, append-only by trigger). Events that belong
// to a write are inserted inside that write's transaction with InsertAuditEvent; the rest go
// through PgAuditLog, on the worker pool. Nothing here updates or deletes an event. Thread-safe.
#ifndef PI_SERVICES_INSTRUMENTS_STORAGE_PG_AUDIT_LOG_H_
#define PI_SERVICES_INSTRUMENTS_STORAGE_PG_AUDIT_LOG_H_

#include <vector>

#include <pqxx/pqxx>

#include "services/instruments/domain/audit.h"
#include "services/instruments/storage/pg_worker_pool.h"

namespace pi::instruments::storage {

// Inserts `event` in `txn` (which must be on a pool connection that prepared Statements()).
void InsertAuditEvent(pqxx::transaction_base& txn, const domain::AuditEvent& event);

// Inserts `event` in `txn` with an unprepared statement: for the admin CLI's own connections.
void InsertAuditEventUnprepared(pqxx::transaction_base& txn, const domain::AuditEvent& event);

class PgAuditLog : public domain::AuditLog {
 public:
  static std::vector<PreparedStatement> Statements();

  // `pool` must outlive the log and prepare Statements().
  explicit PgAuditLog(PgWorkerPool& pool) : pool_(pool) {}

  // Queued on the pool in its own transaction; a failure is logged (without the event's ids
  // beyond action and outcome), since the audited call already happened.
  void Append(domain::AuditEvent event) override;

 private:
  PgWorkerPool& pool_;
};

}  // namespace pi::instruments::storage

#endif  // PI_SERVICES_INSTRUMENTS_STORAGE_PG_AUDIT_LOG_H_
