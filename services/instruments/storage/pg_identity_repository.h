// PostgreSQL implementation of domain::IdentityRepository (table identities). Thread-safe.
#ifndef PI_SERVICES_INSTRUMENTS_STORAGE_PG_IDENTITY_REPOSITORY_H_
#define PI_SERVICES_INSTRUMENTS_STORAGE_PG_IDENTITY_REPOSITORY_H_

#include <string>
#include <vector>

#include "services/instruments/domain/ports.h"
#include "services/instruments/storage/pg_worker_pool.h"

namespace pi::instruments::storage {

class PgIdentityRepository : public domain::IdentityRepository {
 public:
  static std::vector<PreparedStatement> Statements();

  // `pool` must outlive the repository and prepare Statements() and PgAuditLog::Statements().
  explicit PgIdentityRepository(PgWorkerPool& pool) : pool_(pool) {}

  void Insert(domain::Identity identity, domain::AuditEvent audit, InsertDone done) override;
  void Find(std::string application_id, std::string id, FindDone done) override;
  void FindByExternalId(std::string application_id, std::string external_id,
                        FindDone done) override;

 private:
  // Runs prepared statement `statement` with (application_id, key) and answers with its row.
  void FindOne(const char* statement, std::string application_id, std::string key,
               FindDone done);

  PgWorkerPool& pool_;
};

}  // namespace pi::instruments::storage

#endif  // PI_SERVICES_INSTRUMENTS_STORAGE_PG_IDENTITY_REPOSITORY_H_
