// Synchronous writes for the admin CLI: applications and their credentials. Not for the serving
// path (it blocks). Each call opens its own connection.
#ifndef PI_SERVICES_INSTRUMENTS_STORAGE_PG_ADMIN_STORE_H_
#define PI_SERVICES_INSTRUMENTS_STORAGE_PG_ADMIN_STORE_H_

#include <string>

#include "absl/status/status.h"
#include "services/instruments/domain/caller.h"

namespace pi::instruments::storage {

struct NewApplication {
  std::string application_id;
  std::string name;
  std::string credential_id;
  domain::Role role = domain::Role::kMerchant;
  std::string secret_hash;  // SHA-256 of the generated secret, never the secret
};

// Creates the application and its first credential in one transaction. ALREADY_EXISTS for a
// taken id; UNAVAILABLE when the database is unreachable.
absl::Status CreateApplication(const std::string& conninfo, const NewApplication& application);

}  // namespace pi::instruments::storage

#endif  // PI_SERVICES_INSTRUMENTS_STORAGE_PG_ADMIN_STORE_H_
