// Authenticates the `authorization` value of every RPC.
//
// Accepts HTTP Basic (`Basic base64(credential_id:secret)`); the tenancy issue adds bearer API
// keys, publishable keys and customer JWTs. The secret is hashed and compared in constant time
// with the stored hash. Every failure is UNAUTHENTICATED with reason UNAUTHENTICATED_CALLER and
// the same message, so a caller cannot tell an unknown id from a wrong secret; UNAVAILABLE when
// the credential store cannot be reached. `done` may run on the calling thread or a storage
// thread. Thread-safe.
#ifndef PI_SERVICES_INSTRUMENTS_DOMAIN_AUTHENTICATOR_H_
#define PI_SERVICES_INSTRUMENTS_DOMAIN_AUTHENTICATOR_H_

#include <optional>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "services/instruments/domain/caller.h"

namespace pi::instruments::domain {

struct StoredCredential {
  std::string id;
  std::string application_id;
  Role role = Role::kMerchant;
  std::string secret_hash;
  bool revoked = false;
};

// Where credentials live. NOT_FOUND for an unknown id. Thread-safe.
class CredentialStore {
 public:
  using FindDone = absl::AnyInvocable<void(absl::StatusOr<StoredCredential>) &&>;
  virtual ~CredentialStore() = default;
  virtual void FindCredential(std::string id, FindDone done) = 0;
};

// One-way hashing of secrets and constant-time comparison of hashes. Thread-safe.
class SecretHasher {
 public:
  virtual ~SecretHasher() = default;
  virtual std::string Hash(absl::string_view secret) const = 0;
  virtual bool Equals(absl::string_view a, absl::string_view b) const = 0;
};

class Authenticator {
 public:
  using Done = absl::AnyInvocable<void(absl::StatusOr<Caller>) &&>;

  // The references must outlive the authenticator.
  Authenticator(CredentialStore& store, const SecretHasher& hasher)
      : store_(store), hasher_(hasher) {}

  void Authenticate(absl::string_view authorization, Done done);

 private:
  CredentialStore& store_;
  const SecretHasher& hasher_;
};

// "merchant", "publishable", "processor", "admin".
absl::string_view RoleName(Role role);
// The role of a RoleName, or nullopt.
std::optional<Role> RoleFromName(absl::string_view name);

}  // namespace pi::instruments::domain

#endif  // PI_SERVICES_INSTRUMENTS_DOMAIN_AUTHENTICATOR_H_
