// Storefront sign-up: a browser that holds only the application's publishable key and a token
// (Rebilly's "create a payment instrument" with a PublishableApiKey) becomes a customer.
//
// SignUp, for a publishable caller: finds the application's newest customer-JWT credential
// (FAILED_PRECONDITION with reason CUSTOMER_JWT_NOT_CONFIGURED when it has none: nothing could
// verify the JWT later), creates a new identity, associates the token with it through
// `associate` (the token rules apply unchanged), and only when that succeeded issues a customer
// JWT naming the identity, valid for `customer_token_ttl`. The identity and the sign-up are
// audited ("identity.create", "customer.signup"). If the association fails, the identity stays,
// empty: identities are never deleted, and an empty one owns nothing.
//
// `done` runs exactly once, usually on a storage thread. Thread-safe.
#ifndef PI_SERVICES_INSTRUMENTS_DOMAIN_CUSTOMER_SIGNUP_H_
#define PI_SERVICES_INSTRUMENTS_DOMAIN_CUSTOMER_SIGNUP_H_

#include <functional>
#include <string>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/instruments/domain/audit.h"
#include "services/instruments/domain/caller.h"
#include "services/instruments/domain/instrument_service.h"
#include "services/instruments/domain/ports.h"
#include "services/instruments/domain/token_service.h"

namespace pi::instruments::domain {

// The id of the credential that signs an application's customer JWTs. Thread-safe.
class CustomerJwtCredentials {
 public:
  using FindDone = absl::AnyInvocable<void(absl::StatusOr<std::string>) &&>;
  virtual ~CustomerJwtCredentials() = default;
  // The newest unrevoked jwt_hs256 credential of `application_id`; NOT_FOUND when none.
  virtual void FindSigningCredential(std::string application_id, FindDone done) = 0;
};

// Signs customer JWTs (the crypto layer implements it). Thread-safe.
class CustomerTokenIssuer {
 public:
  virtual ~CustomerTokenIssuer() = default;
  // A token that CustomerTokenVerifier accepts for credential `credential_id` of
  // `application_id`, with subject `identity_id`, until `expires`.
  virtual std::string Issue(absl::string_view application_id, absl::string_view credential_id,
                            absl::string_view identity_id, absl::Time expires) const = 0;
};

struct SignedUpCustomer {
  Instrument instrument;
  std::string customer_token;
  absl::Time customer_token_expire_time;
};

class CustomerSignup {
 public:
  using Done = absl::AnyInvocable<void(absl::StatusOr<SignedUpCustomer>) &&>;
  using Associate =
      std::function<void(const Caller&, TokenAssociation, InstrumentService::Done)>;
  using Clock = std::function<absl::Time()>;

  // Every reference must outlive the service.
  struct Dependencies {
    CustomerJwtCredentials& credentials;
    IdentityRepository& identities;
    const CustomerTokenIssuer& issuer;
    AuditLog& audit;
    const IdGenerator& ids;
    Associate associate;  // TokenService::Associate in production
    Clock clock;
    absl::Duration customer_token_ttl = absl::Hours(1);
  };

  explicit CustomerSignup(Dependencies deps) : deps_(std::move(deps)) {}

  // `association.identity_id` is ignored: the new identity owns the instrument.
  void SignUp(const Caller& caller, TokenAssociation association, Done done);

 private:
  Dependencies deps_;
};

}  // namespace pi::instruments::domain

#endif  // PI_SERVICES_INSTRUMENTS_DOMAIN_CUSTOMER_SIGNUP_H_
