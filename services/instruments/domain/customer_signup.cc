#include "services/instruments/domain/customer_signup.h"

#include <memory>
#include <utility>

#include "services/common/error.h"

namespace pi::instruments::domain {
namespace {

constexpr absl::string_view kSignupAction = "customer.signup";

}  // namespace

void CustomerSignup::SignUp(const Caller& caller, TokenAssociation association, Done done) {
  auto fail = [this, caller](Done& answer, absl::Status status) {
    deps_.audit.Append(MakeAuditEvent(caller, kSignupAction, "", status));
    std::move(answer)(std::move(status));
  };
  deps_.credentials.FindSigningCredential(
      caller.application_id,
      [this, caller, fail, association = std::move(association),
       done = std::move(done)](absl::StatusOr<std::string> credential) mutable {
        if (absl::IsNotFound(credential.status())) {
          return fail(done, common::MakeError(
                                absl::StatusCode::kFailedPrecondition,
                                "CUSTOMER_JWT_NOT_CONFIGURED",
                                "the application has no customer-JWT credential to sign with"));
        }
        if (!credential.ok()) return fail(done, credential.status());
        absl::Time now = deps_.clock();
        Identity identity;
        identity.id = deps_.ids.NewId("ID");
        identity.application_id = caller.application_id;
        identity.create_time = now;
        identity.update_time = now;
        association.identity_id = identity.id;
        AuditEvent created =
            MakeAuditEvent(caller, "identity.create", identity.id, absl::OkStatus());
        deps_.identities.Insert(
            identity, std::move(created),
            [this, caller, fail, association = std::move(association),
             signer = *std::move(credential),
             done = std::move(done)](absl::Status inserted) mutable {
              if (!inserted.ok()) return fail(done, inserted);
              std::string identity_id = association.identity_id;
              deps_.associate(
                  caller, std::move(association),
                  [this, caller, fail, signer = std::move(signer),
                   identity_id = std::move(identity_id),
                   done = std::move(done)](absl::StatusOr<Instrument> instrument) mutable {
                    if (!instrument.ok()) return fail(done, instrument.status());
                    SignedUpCustomer out;
                    out.customer_token_expire_time = deps_.clock() + deps_.customer_token_ttl;
                    out.customer_token = deps_.issuer.Issue(caller.application_id, signer,
                                                            identity_id,
                                                            out.customer_token_expire_time);
                    out.instrument = *std::move(instrument);
                    deps_.audit.Append(
                        MakeAuditEvent(caller, kSignupAction, identity_id, absl::OkStatus()));
                    std::move(done)(std::move(out));
                  });
            });
      });
}

}  // namespace pi::instruments::domain
