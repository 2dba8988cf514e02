// Authenticates the `authorization` value of every RPC, in each vendor's credential scheme:
//
//   Basic base64(<credential id>:<secret>)   HTTP Basic pairs (Finix, Ahrvo)       kind basic
//   Bearer <credential id>_<secret>          secret API keys (SumUp)               kind api_key
//                                            publishable keys (Rebilly, browsers)  kind publishable
//   Bearer <header>.<payload>.<signature>    HS256 customer JWTs (Rebilly)          kind jwt_hs256
//
// Secrets are hashed and compared in constant time with the stored hash. A customer JWT names
// its signing credential in the header's `kid`; it must be HS256 (never `alg: none`), carry an
// `exp` in the future, an `aud` equal to that credential's application and a `sub` (the
// identity it acts for), and verify under that credential's key. The caller gets the
// credential's application and role; a JWT caller gets the customer role and its subject.
//
// Every failure is UNAUTHENTICATED with reason UNAUTHENTICATED_CALLER and the same message, so a
// caller cannot tell an unknown id from a wrong secret, and is appended to the audit trail.
// UNAVAILABLE when the credential store cannot be reached: an outage, not a failed
// authentication, so it is not audited as one (the audit write would fail the same way). `done` may run on the calling thread
// or a storage thread. Thread-safe.
#ifndef PI_SERVICES_INSTRUMENTS_DOMAIN_AUTHENTICATOR_H_
#define PI_SERVICES_INSTRUMENTS_DOMAIN_AUTHENTICATOR_H_

#include <functional>
#include <optional>
#include <string>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/instruments/domain/audit.h"
#include "services/instruments/domain/caller.h"

namespace pi::instruments::domain {

enum class CredentialKind { kBasic, kApiKey, kPublishable, kJwtHs256 };

struct StoredCredential {
  std::string id;
  std::string application_id;
  CredentialKind kind = CredentialKind::kBasic;
  Role role = Role::kMerchant;
  std::string secret_hash;  // empty for kJwtHs256 (its key is derived, never stored)
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

// Customer JWT verification (the crypto layer implements it). Thread-safe.
class CustomerTokenVerifier {
 public:
  virtual ~CustomerTokenVerifier() = default;
  // The header's `kid`, read without verifying anything; INVALID_ARGUMENT when the token is
  // malformed or names no key.
  virtual absl::StatusOr<std::string> KeyIdOf(absl::string_view token) const = 0;
  // Verifies `token` against `credential` (signature, alg, exp against `now`, aud) and returns
  // its subject; an error when anything does not hold.
  virtual absl::StatusOr<std::string> VerifiedSubject(absl::string_view token,
                                                      const StoredCredential& credential,
                                                      absl::Time now) const = 0;
};

class Authenticator {
 public:
  using Done = absl::AnyInvocable<void(absl::StatusOr<Caller>) &&>;
  using Clock = std::function<absl::Time()>;

  // The references must outlive the authenticator.
  Authenticator(CredentialStore& store, const SecretHasher& hasher,
                const CustomerTokenVerifier& tokens, AuditLog& audit, Clock clock)
      : store_(store), hasher_(hasher), tokens_(tokens), audit_(audit), clock_(std::move(clock)) {}

  // `request_id` goes into the audit event of a failure.
  void Authenticate(absl::string_view authorization, std::string request_id, Done done);

 private:
  void AuthenticateJwt(absl::string_view token, std::string request_id, Done done);
  // Finishes `done` with UNAUTHENTICATED and audits the failure.
  void Fail(const std::string& credential_id, const std::string& application_id,
            const std::string& request_id, Done done);

  CredentialStore& store_;
  const SecretHasher& hasher_;
  const CustomerTokenVerifier& tokens_;
  AuditLog& audit_;
  Clock clock_;
};

// "merchant", "publishable", "customer", "processor", "admin".
absl::string_view RoleName(Role role);
// The role of a RoleName, or nullopt.
std::optional<Role> RoleFromName(absl::string_view name);
// "basic", "api_key", "publishable", "jwt_hs256".
absl::string_view CredentialKindName(CredentialKind kind);
std::optional<CredentialKind> CredentialKindFromName(absl::string_view name);

}  // namespace pi::instruments::domain

#endif  // PI_SERVICES_INSTRUMENTS_DOMAIN_AUTHENTICATOR_H_
