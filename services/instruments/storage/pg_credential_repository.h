// PostgreSQL implementation of domain::CredentialStore and domain::CustomerJwtCredentials (reads
// only; the admin store writes).
// Thread-safe.
#ifndef PI_SERVICES_INSTRUMENTS_STORAGE_PG_CREDENTIAL_REPOSITORY_H_
#define PI_SERVICES_INSTRUMENTS_STORAGE_PG_CREDENTIAL_REPOSITORY_H_

#include <vector>

#include "services/instruments/domain/authenticator.h"
#include "services/instruments/domain/customer_signup.h"
#include "services/instruments/storage/pg_worker_pool.h"

namespace pi::instruments::storage {

class PgCredentialRepository : public domain::CredentialStore,
                               public domain::CustomerJwtCredentials {
 public:
  static std::vector<PreparedStatement> Statements();

  // `pool` must outlive the repository and prepare Statements().
  explicit PgCredentialRepository(PgWorkerPool& pool) : pool_(pool) {}

  void FindCredential(std::string id, CredentialStore::FindDone done) override;
  void FindSigningCredential(std::string application_id,
                             CustomerJwtCredentials::FindDone done) override;

 private:
  PgWorkerPool& pool_;
};

}  // namespace pi::instruments::storage

#endif  // PI_SERVICES_INSTRUMENTS_STORAGE_PG_CREDENTIAL_REPOSITORY_H_
