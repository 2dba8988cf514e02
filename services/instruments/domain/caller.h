// Who is calling: the authenticated application and credential, the credential's role, and the
// request the call belongs to.
#ifndef PI_SERVICES_INSTRUMENTS_DOMAIN_CALLER_H_
#define PI_SERVICES_INSTRUMENTS_DOMAIN_CALLER_H_

#include <string>

namespace pi::instruments::domain {

// merchant: the application's server side, every instrument and identity operation.
// publishable: browsers and apps; tokenize and create from a token (storefront) only.
// customer: the subject of a customer JWT; its own identity's instruments only.
// processor: internal payment processing; read and reveal.
// admin: every operation except reveal.
enum class Role { kMerchant, kPublishable, kCustomer, kProcessor, kAdmin };

struct Caller {
  std::string application_id;  // AP...
  std::string credential_id;   // the credential's public id (never its secret)
  Role role = Role::kMerchant;
  // For kCustomer: the identity (ID...) named by the JWT's subject; empty otherwise.
  std::string customer_identity_id;
  // The request id from `x-request-id` (or one the server made), for the audit trail.
  std::string request_id;
  // Mutating calls: the request's idempotency key ("" for none) and a SHA-256 of the request's
  // content, so a reused key can be told from a retry.
  std::string idempotency_key;
  std::string request_hash;
};

}  // namespace pi::instruments::domain

#endif  // PI_SERVICES_INSTRUMENTS_DOMAIN_CALLER_H_
