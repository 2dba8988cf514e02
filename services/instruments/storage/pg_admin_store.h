// Synchronous writes for the admin CLI: applications and their credentials, each with its audit
// event in the same transaction. Not for the serving path (it blocks). Each call opens its own
// connection.
#ifndef PI_SERVICES_INSTRUMENTS_STORAGE_PG_ADMIN_STORE_H_
#define PI_SERVICES_INSTRUMENTS_STORAGE_PG_ADMIN_STORE_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "services/instruments/domain/audit.h"
#include "services/instruments/domain/authenticator.h"

namespace pi::instruments::storage {

struct NewCredential {
  std::string credential_id;
  std::string application_id;
  domain::CredentialKind kind = domain::CredentialKind::kBasic;
  domain::Role role = domain::Role::kMerchant;
  std::string secret_hash;  // SHA-256 of the generated secret; empty for kJwtHs256
};

struct NewApplication {
  std::string application_id;
  std::string name;
  int max_instruments_per_identity = 10;
  // Canonical web origins (domain/web_origin.h) allowed to use the hosted fields.
  std::vector<std::string> allowed_origins;
};

// Creates the application and its first credential in one transaction. ALREADY_EXISTS for a
// taken id; UNAVAILABLE when the database is unreachable.
absl::Status CreateApplication(const std::string& conninfo, const NewApplication& application,
                               const NewCredential& credential);

// Adds a credential to an existing application. NOT_FOUND for an unknown application.
absl::Status CreateCredential(const std::string& conninfo, const NewCredential& credential);

// Revokes credential `credential_id` of `application_id` (it stops authenticating at once: there
// is no credential cache). NOT_FOUND when it does not exist or is already revoked.
absl::Status RevokeCredential(const std::string& conninfo, const std::string& application_id,
                              const std::string& credential_id);

// Replaces the allowed origins of `application_id` (canonical forms; empty clears them) and
// audits "application.set_allowed_origins" with the new list as detail, in one transaction.
// NOT_FOUND for an unknown application.
absl::Status SetAllowedOrigins(const std::string& conninfo, const std::string& application_id,
                               const std::vector<std::string>& origins);

// Appends one audit event in its own transaction (key operations, revocations).
absl::Status AppendAuditEvent(const std::string& conninfo, const domain::AuditEvent& event);

}  // namespace pi::instruments::storage

#endif  // PI_SERVICES_INSTRUMENTS_STORAGE_PG_ADMIN_STORE_H_
