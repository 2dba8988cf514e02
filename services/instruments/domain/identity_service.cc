#include "services/instruments/domain/identity_service.h"

#include <utility>

#include "services/common/error.h"

namespace pi::instruments::domain {
namespace {

constexpr absl::string_view kCreateAction = "identity.create";

absl::Status IdentityNotFound() {
  return common::MakeError(absl::StatusCode::kNotFound, "RESOURCE_NOT_FOUND",
                           "identity not found");
}

}  // namespace

void IdentityService::Create(const Caller& caller, Identity identity, Done done) {
  if (absl::Status valid = ValidateNewIdentity(identity); !valid.ok()) {
    audit_.Append(MakeAuditEvent(caller, kCreateAction, "", valid));
    return std::move(done)(std::move(valid));
  }
  absl::Time now = clock_();
  identity.id = ids_.NewId("ID");
  identity.application_id = caller.application_id;
  identity.create_time = now;
  identity.update_time = now;
  AuditEvent event = MakeAuditEvent(caller, kCreateAction, identity.id, absl::OkStatus());
  repository_.Insert(identity, std::move(event),
                     [this, caller, identity, done = std::move(done)](absl::Status status) mutable {
                       if (!status.ok()) {
                         audit_.Append(MakeAuditEvent(caller, kCreateAction, "", status));
                         return std::move(done)(std::move(status));
                       }
                       std::move(done)(std::move(identity));
                     });
}

void IdentityService::Get(const Caller& caller, std::string id, Done done) {
  repository_.Find(caller.application_id, std::move(id), OwnOnly(caller, std::move(done)));
}

void IdentityService::GetByExternalId(const Caller& caller, std::string external_id, Done done) {
  repository_.FindByExternalId(caller.application_id, std::move(external_id),
                               OwnOnly(caller, std::move(done)));
}

IdentityService::Done IdentityService::OwnOnly(const Caller& caller, Done done) const {
  if (caller.role != Role::kCustomer) return done;
  return [own = caller.customer_identity_id,
          done = std::move(done)](absl::StatusOr<Identity> found) mutable {
    if (found.ok() && found->id != own) return std::move(done)(IdentityNotFound());
    std::move(done)(std::move(found));
  };
}

}  // namespace pi::instruments::domain
