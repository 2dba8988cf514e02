// PostgreSQL implementation of domain::TokenRepository (table tokens) and of
// domain::IdempotencyKeyStore (table idempotency_keys), plus the sweeper that deletes what has
// expired. Thread-safe.
#ifndef PI_SERVICES_INSTRUMENTS_STORAGE_PG_TOKEN_REPOSITORY_H_
#define PI_SERVICES_INSTRUMENTS_STORAGE_PG_TOKEN_REPOSITORY_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/instruments/domain/ports.h"
#include "services/instruments/storage/pg_worker_pool.h"

namespace pi::instruments::storage {

class PgTokenRepository : public domain::TokenRepository {
 public:
  static std::vector<PreparedStatement> Statements();

  // `pool` must outlive the repository and prepare Statements() and PgAuditLog::Statements().
  explicit PgTokenRepository(PgWorkerPool& pool) : pool_(pool) {}

  void Insert(domain::TokenRecord record, InsertDone done) override;
  void Find(std::string application_id, std::string id, FindDone done) override;

 private:
  PgWorkerPool& pool_;
};

class PgIdempotencyKeyStore : public domain::IdempotencyKeyStore {
 public:
  static std::vector<PreparedStatement> Statements();
  explicit PgIdempotencyKeyStore(PgWorkerPool& pool) : pool_(pool) {}

  // Unexpired keys only.
  void Find(std::string application_id, std::string key, FindDone done) override;

 private:
  PgWorkerPool& pool_;
};

struct SweepResult {
  int64_t token_payloads_deleted = 0;  // payloads of expired, unused tokens
  int64_t tokens_deleted = 0;          // token rows expired more than kTokenRowRetention ago
  int64_t idempotency_keys_deleted = 0;
};

// Token rows outlive their payloads this long, so a late association still hears
// TOKEN_EXPIRED or TOKEN_ALREADY_USED rather than NOT_FOUND.
inline constexpr absl::Duration kTokenRowRetention = absl::Hours(24 * 7);

// Deletes expired token payloads, old token rows and expired idempotency keys, as of `now`, in
// one transaction on its own connection. For the admin command and the server's sweeper.
absl::StatusOr<SweepResult> SweepExpired(const std::string& conninfo, absl::Time now);

}  // namespace pi::instruments::storage

#endif  // PI_SERVICES_INSTRUMENTS_STORAGE_PG_TOKEN_REPOSITORY_H_
