// Finix/Ahrvo request bodies -> canonical requests. Shape only (JSON types and enum spellings of
// the dialect); pi-server judges the values and reports every violation.
#ifndef PI_GATEWAY_DIALECTS_FINIX_FINIX_REQUEST_H_
#define PI_GATEWAY_DIALECTS_FINIX_FINIX_REQUEST_H_

#include <vector>

#include <nlohmann/json.hpp>

#include "gateway/core/json_reader.h"
#include "payments/instruments/v1/payment_instrument_service.pb.h"

namespace pi::gateway::finix {

namespace v1 = ::payments::instruments::v1;

// Maps a `POST /payment_instruments` body. Appends to `errors` for every mistyped field; the
// result is meaningful only when `errors` stayed empty.
v1::CreatePaymentInstrumentRequest ParseCreatePaymentInstrument(
    const nlohmann::json& body, std::vector<core::ShapeError>& errors);

// Maps a `PUT /payment_instruments/{id}` body (`enabled`, `name`, `tags`, `address`; `address`:
// null removes it) to an update of exactly the fields present.
v1::UpdatePaymentInstrumentRequest ParseUpdatePaymentInstrument(
    const nlohmann::json& body, std::vector<core::ShapeError>& errors);

// Maps a `POST /tokens` body (hosted fields): the card or bank account fields of a
// `POST /payment_instruments` body with `type` PAYMENT_CARD or BANK_ACCOUNT, name and address.
v1::CreateTokenRequest ParseCreateToken(const nlohmann::json& body,
                                        std::vector<core::ShapeError>& errors);

// Maps a `POST /identities` body: `entity` {first_name, last_name, email, phone,
// personal_address} and `tags`.
v1::CreateIdentityRequest ParseCreateIdentity(const nlohmann::json& body,
                                              std::vector<core::ShapeError>& errors);

}  // namespace pi::gateway::finix

#endif  // PI_GATEWAY_DIALECTS_FINIX_FINIX_REQUEST_H_
