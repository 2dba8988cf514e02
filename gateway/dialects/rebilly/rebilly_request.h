// Rebilly request bodies and headers -> canonical requests. Shape only (JSON types, required
// fields, enumerations, the schema's length limits); pi-server judges the values (Luhn, expiry,
// security code per brand) and reports every violation. Shape errors name Rebilly's fields in
// camelCase dot notation ("paymentInstrument.expMonth", "billingAddress.postalCode").
//
// billingAddress <-> canonical: firstName + " " + lastName -> holder_name (rendered back by
// splitting at the first space), address -> line1, address2 -> line2, city, region, postalCode,
// country (alpha-2 -> alpha-3). organization, phoneNumbers, emails, dob and jobTitle have no
// canonical field: they are accepted and not stored. customFields <-> tags (string values only).
#ifndef PI_GATEWAY_DIALECTS_REBILLY_REBILLY_REQUEST_H_
#define PI_GATEWAY_DIALECTS_REBILLY_REBILLY_REQUEST_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "gateway/core/json_reader.h"
#include "payments/instruments/v1/payment_instrument_service.pb.h"

namespace pi::gateway::rebilly {

namespace v1 = ::payments::instruments::v1;

// The `authorization` forwarded to pi-server. Rebilly's FramePay sends the publishable key with
// no scheme (`Authorization: <id>_<secret>`), which becomes `Bearer <id>_<secret>`; a value with
// a scheme (`Bearer <JWT>`, `Bearer null`) is forwarded untouched, so pi-server decides. Without
// an Authorization header, Rebilly's secret-key header `REB-APIKEY: <key>` becomes
// `Bearer <key>`. "" when neither is present.
std::string MapAuthorization(absl::string_view authorization, absl::string_view reb_api_key);

// `POST /organizations/{org}/tokens` (FramePay): {method: "payment-card", paymentInstrument:
// {pan, expMonth, expYear, cvv}, billingAddress: {firstName, lastName, ...}}. Rebilly requires
// billingAddress with firstName and lastName; pan, expMonth and expYear are required; cvv is
// optional (pi-server decides). Appends every shape error; meaningful only when none.
v1::CreateTokenRequest ParseCreateToken(const nlohmann::json& body,
                                        std::vector<core::ShapeError>& errors);

// `POST /storefront/.../payment-instruments`: {token (required), customFields}. No identity:
// pi-server uses the customer JWT's subject, or signs a publishable key's caller up.
v1::CreateCustomerPaymentInstrumentRequest ParseCreatePaymentInstrument(
    const nlohmann::json& body, std::vector<core::ShapeError>& errors);

// `PATCH /storefront/.../payment-instruments/{id}`: billingAddress (replaces the address and the
// holder name), expMonth, expYear, customFields (replace the tags), useAsBackup (only false: the
// vault has no backup instruments). `name` is set by the caller. An empty update mask means
// nothing to change.
v1::UpdatePaymentInstrumentRequest ParseUpdatePaymentInstrument(
    const nlohmann::json& body, std::vector<core::ShapeError>& errors);

}  // namespace pi::gateway::rebilly

#endif  // PI_GATEWAY_DIALECTS_REBILLY_REBILLY_REQUEST_H_
