// Which web origins may use an application's hosted fields and browser tokenization: the
// application's allowed origins (set by the admin CLI, stored per application).
//
// Check(caller, action, origin) answers the canonical form of `origin` when it is in the caller's
// application's list. Otherwise PERMISSION_DENIED with reason ORIGIN_NOT_ALLOWED (a malformed
// origin, "null" included, is refused the same way: it cannot be in the list), audited as
// `action` with that outcome. An application with no allowed origins allows none. UNAVAILABLE
// when the list cannot be read. The list is read on every check (one indexed query): removing an
// origin takes effect at once on every replica.
//
// This is a browser protection, not authentication: a browser cannot forge its Origin header, so
// another site's page cannot use the application's (public) publishable key; a non-browser client
// can send any Origin, or none.
//
// `done` runs exactly once, on the calling thread or a storage thread. Thread-safe.
#ifndef PI_SERVICES_INSTRUMENTS_DOMAIN_ORIGIN_POLICY_H_
#define PI_SERVICES_INSTRUMENTS_DOMAIN_ORIGIN_POLICY_H_

#include <string>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/instruments/domain/audit.h"
#include "services/instruments/domain/caller.h"

namespace pi::instruments::domain {

// Where the allowed origins live (canonical forms). An unknown application has none.
// Asynchronous like the repositories of ports.h. Thread-safe.
class AllowedOriginStore {
 public:
  using FindDone = absl::AnyInvocable<void(absl::StatusOr<std::vector<std::string>>) &&>;
  virtual ~AllowedOriginStore() = default;
  virtual void FindAllowedOrigins(std::string application_id, FindDone done) = 0;
};

class OriginPolicy {
 public:
  using Done = absl::AnyInvocable<void(absl::StatusOr<std::string>) &&>;

  // The references must outlive the policy.
  OriginPolicy(AllowedOriginStore& store, AuditLog& audit) : store_(store), audit_(audit) {}

  void Check(const Caller& caller, absl::string_view action, std::string origin, Done done);

 private:
  AllowedOriginStore& store_;
  AuditLog& audit_;
};

}  // namespace pi::instruments::domain

#endif  // PI_SERVICES_INSTRUMENTS_DOMAIN_ORIGIN_POLICY_H_
