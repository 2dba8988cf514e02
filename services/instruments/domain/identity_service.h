// The identity use cases: create an owner (validated, `ID...` id, optional merchant-chosen
// external id) and fetch one by id or by external id. A customer caller sees only its own
// identity; any other answers NOT_FOUND. `done` runs exactly once, usually on a storage thread.
// Every create is audited (with the row when it succeeds). Thread-safe.
#ifndef PI_SERVICES_INSTRUMENTS_DOMAIN_IDENTITY_SERVICE_H_
#define PI_SERVICES_INSTRUMENTS_DOMAIN_IDENTITY_SERVICE_H_

#include <functional>
#include <string>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/instruments/domain/audit.h"
#include "services/instruments/domain/caller.h"
#include "services/instruments/domain/identity.h"
#include "services/instruments/domain/ports.h"

namespace pi::instruments::domain {

class IdentityService {
 public:
  using Done = absl::AnyInvocable<void(absl::StatusOr<Identity>) &&>;
  using Clock = std::function<absl::Time()>;

  // Every reference must outlive the service.
  IdentityService(IdentityRepository& repository, AuditLog& audit, const IdGenerator& ids,
                  Clock clock)
      : repository_(repository), audit_(audit), ids_(ids), clock_(std::move(clock)) {}

  // `identity`'s id, application and times are assigned here.
  void Create(const Caller& caller, Identity identity, Done done);
  void Get(const Caller& caller, std::string id, Done done);
  void GetByExternalId(const Caller& caller, std::string external_id, Done done);

 private:
  // Wraps `done` so a customer caller gets NOT_FOUND for any identity but its own.
  Done OwnOnly(const Caller& caller, Done done) const;

  IdentityRepository& repository_;
  AuditLog& audit_;
  const IdGenerator& ids_;
  Clock clock_;
};

}  // namespace pi::instruments::domain

#endif  // PI_SERVICES_INSTRUMENTS_DOMAIN_IDENTITY_SERVICE_H_
