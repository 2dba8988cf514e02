// Customer JWTs (Rebilly's CustomerJWT): HS256 tokens a merchant's server signs for one of its
// customers, verified here with cpp-jwt.
//
// Keys: credential C (kind jwt_hs256) of application A signs with
//   K = HKDF-SHA256(root key, salt "pi-customer-jwt-v1", info "A/C"),
// derived on demand and never stored, so the database holds nothing that could sign a token.
// The admin CLI prints K once (base64url) when it creates the credential.
//
// A token is accepted only if: the header says alg HS256 and kid C; the signature verifies under
// K (checked first here in constant time, then again by cpp-jwt, whose own comparison is not
// constant-time and so never sees a forged signature); `exp` is present and in the future; `aud`
// is A; `sub` is a non-empty identity id. Thread-safe.
#ifndef PI_SERVICES_INSTRUMENTS_CRYPTO_CUSTOMER_JWT_H_
#define PI_SERVICES_INSTRUMENTS_CRYPTO_CUSTOMER_JWT_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/common/secret.h"
#include "services/instruments/domain/authenticator.h"
#include "services/instruments/domain/customer_signup.h"

namespace pi::instruments::crypto {

class CustomerJwtVerifier : public domain::CustomerTokenVerifier {
 public:
  // Copies `root_key`.
  explicit CustomerJwtVerifier(const common::Secret& root_key) : root_key_(root_key.Clone()) {}

  // K for credential `credential_id` of `application_id` (32 raw bytes).
  common::Secret SigningKey(absl::string_view application_id,
                            absl::string_view credential_id) const;

  absl::StatusOr<std::string> KeyIdOf(absl::string_view token) const override;
  absl::StatusOr<std::string> VerifiedSubject(absl::string_view token,
                                              const domain::StoredCredential& credential,
                                              absl::Time now) const override;

 private:
  common::Secret root_key_;
};

// Signs customer JWTs for storefront sign-ups with the keys `verifier` checks them with.
class CustomerJwtIssuer : public domain::CustomerTokenIssuer {
 public:
  // `verifier` must outlive the issuer.
  explicit CustomerJwtIssuer(const CustomerJwtVerifier& verifier) : verifier_(verifier) {}

  std::string Issue(absl::string_view application_id, absl::string_view credential_id,
                    absl::string_view identity_id, absl::Time expires) const override;

 private:
  const CustomerJwtVerifier& verifier_;
};

// An HS256 token with header kid `key_id` and claims sub, aud, iat (now) and exp, signed with
// `key`: what a merchant's server does, for the admin CLI and tests.
std::string SignCustomerJwt(const common::Secret& key, absl::string_view key_id,
                            absl::string_view audience, absl::string_view subject,
                            absl::Time expires);

}  // namespace pi::instruments::crypto

#endif  // PI_SERVICES_INSTRUMENTS_CRYPTO_CUSTOMER_JWT_H_
