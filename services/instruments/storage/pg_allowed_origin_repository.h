// PostgreSQL implementation of domain::AllowedOriginStore (reads only; the admin store writes:
// SetAllowedOrigins in pg_admin_store.h). Thread-safe.
#ifndef PI_SERVICES_INSTRUMENTS_STORAGE_PG_ALLOWED_ORIGIN_REPOSITORY_H_
#define PI_SERVICES_INSTRUMENTS_STORAGE_PG_ALLOWED_ORIGIN_REPOSITORY_H_

#include <string>
#include <vector>

#include "services/instruments/domain/origin_policy.h"
#include "services/instruments/storage/pg_worker_pool.h"

namespace pi::instruments::storage {

class PgAllowedOriginRepository : public domain::AllowedOriginStore {
 public:
  static std::vector<PreparedStatement> Statements();

  // `pool` must outlive the repository and prepare Statements().
  explicit PgAllowedOriginRepository(PgWorkerPool& pool) : pool_(pool) {}

  void FindAllowedOrigins(std::string application_id, FindDone done) override;

 private:
  PgWorkerPool& pool_;
};

}  // namespace pi::instruments::storage

#endif  // PI_SERVICES_INSTRUMENTS_STORAGE_PG_ALLOWED_ORIGIN_REPOSITORY_H_
