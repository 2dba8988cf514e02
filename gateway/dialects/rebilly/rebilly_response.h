// Canonical resources -> Rebilly bodies (seed 004 and Rebilly's public token schema). Never
// renders a card number or a security code: only bin, last4, brand and expiry. Pure functions:
// thread-safe.
//
// Choices where pi-server has no matching data:
// - status: "deactivated" when disabled, "expired" when the card's expiry month has passed,
//   otherwise "active" (the vault sees no transactions, so Rebilly's "inactive", "never used for
//   an approved transaction", is never produced).
// - brand: Rebilly's names (Visa, MasterCard, American Express, Discover, Maestro, Electron, JCB,
//   Diners Club, China UnionPay); V PAY is "Visa"; Elo, Hipercard and unknown brands are null.
// - billingAddress: firstName/lastName split from holder_name at the first space; organization,
//   dob, jobTitle null and phoneNumbers, emails empty (not stored).
// - useAsBackup false; billingPortalUrl omitted; bankCountry alpha-2 (or null), bankName or null.
// - Tokens: isUsed false (a token is answered only when just created), expirationTime from
//   pi-server (30 minutes), `_links` [{href, rel: "self"}] like the instruments'.
// Times are RFC 3339 UTC seconds ("2019-08-24T14:15:22Z"), as in the seed.
#ifndef PI_GATEWAY_DIALECTS_REBILLY_REBILLY_RESPONSE_H_
#define PI_GATEWAY_DIALECTS_REBILLY_REBILLY_RESPONSE_H_

#include <nlohmann/json.hpp>
#include <string>

#include "absl/time/time.h"
#include "payments/instruments/v1/payment_instrument_service.pb.h"

namespace pi::gateway::rebilly {

namespace v1 = ::payments::instruments::v1;

// Rebilly's brand name, or "" when Rebilly's enumeration has none.
std::string RebillyBrand(v1::CardBrand brand);

// A payment card instrument. `self_href` is its absolute URL. `include_token` adds "token" (the
// storefront create answer): `customer_token`, the new customer JWT of a sign-up, or null when
// the customer was already authenticated.
nlohmann::ordered_json RenderPaymentInstrument(const v1::PaymentInstrument& instrument,
                                               const std::string& self_href, absl::Time now,
                                               bool include_token = false,
                                               const std::string& customer_token = "");

// A FramePay token, just created.
nlohmann::ordered_json RenderToken(const v1::Token& token, const std::string& self_href);

}  // namespace pi::gateway::rebilly

#endif  // PI_GATEWAY_DIALECTS_REBILLY_REBILLY_RESPONSE_H_
