// SumUp request bodies -> canonical requests. Shape only, as the seed and SumUp's public schema
// state it (JSON types, required fields, enumerations, lengths); pi-server judges the values (Luhn,
// expiry in the future, security code per brand) and reports every violation. Shape errors name
// SumUp's params in dot notation ("card.expiry_month").
#ifndef PI_GATEWAY_DIALECTS_SUMUP_SUMUP_REQUEST_H_
#define PI_GATEWAY_DIALECTS_SUMUP_SUMUP_REQUEST_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "gateway/core/json_reader.h"
#include "payments/instruments/v1/payment_instrument_service.pb.h"

namespace pi::gateway::sumup {

namespace v1 = ::payments::instruments::v1;

// The seed's request has no mandate, but SumUp's public MandatePayload ({type: "recurrent",
// user_agent, user_ip?}) is how a payer's consent to recurring use travels with saved card data.
// It is accepted so such clients work, checked for shape, and echoed in the 201 as
// {type, status: "active", merchant_code: <application id>}. The canonical API has no mandate, so
// it is not stored and list responses carry none.
struct MandateRequest {
  std::string type;
  std::string user_agent;
  std::string user_ip;
};

struct CardRequest {
  // payment_instrument.identity is left empty: the handler looks the customer up first.
  v1::CreatePaymentInstrumentRequest request;
  std::optional<MandateRequest> mandate;
};

// Maps a `POST /customers/{customer_id}/payment-instruments` body: {type: "card", card: {name,
// number, expiry_year (YY or YYYY), expiry_month ("01".."12"), cvv (3-4 characters), zip_code
// (5 characters, optional)}, mandate?}. name -> holder_name, cvv -> security_code, zip_code ->
// address.postal_code, YY -> 20YY. Appends to `errors` for every shape error; the result is
// meaningful only when `errors` stayed empty.
CardRequest ParseCreatePaymentInstrument(const nlohmann::json& body,
                                         std::vector<core::ShapeError>& errors);

// Maps a `POST /customers` body: customer_id (required, non-empty) -> external_id;
// personal_details {first_name, last_name, email, phone, address {line_1, line_2, city, state,
// postal_code, country}}. `line1`/`line2` are accepted as spellings of `line_1`/`line_2`;
// `state` -> region; `country` is ISO 3166-1 alpha-2 (SumUp) and becomes alpha-3. birth_date
// and tax_id have no canonical field and are ignored like any unknown field.
v1::CreateIdentityRequest ParseCreateCustomer(const nlohmann::json& body,
                                              std::vector<core::ShapeError>& errors);

}  // namespace pi::gateway::sumup

#endif  // PI_GATEWAY_DIALECTS_SUMUP_SUMUP_REQUEST_H_
