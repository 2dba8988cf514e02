// Conversions between the canonical proto messages and domain types. Pure functions; the only
// place that knows both vocabularies.
#ifndef PI_SERVICES_INSTRUMENTS_API_PROTO_MAPPING_H_
#define PI_SERVICES_INSTRUMENTS_API_PROTO_MAPPING_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

#include "payments/instruments/v1/payment_instrument_service.pb.h"
#include "payments/instruments/v1/resources.pb.h"
#include "services/instruments/domain/bank_account_validation.h"
#include "services/instruments/domain/card_validation.h"
#include "services/instruments/domain/identity.h"
#include "services/instruments/domain/instrument.h"
#include "services/instruments/domain/instrument_query.h"
#include "services/instruments/domain/instrument_update.h"
#include "services/instruments/domain/token.h"
#include "services/instruments/domain/token_service.h"
#include "services/instruments/domain/wallet_validation.h"

namespace pi::instruments::api {

namespace v1 = ::payments::instruments::v1;

// The commands in `request`. Each copies its secret (number, security code, account number,
// wallet token) into a Secret.
domain::NewCard ToNewCard(const v1::CreatePaymentInstrumentRequest& request);
domain::NewBankAccount ToNewBankAccount(const v1::CreatePaymentInstrumentRequest& request);
domain::NewWallet ToNewWallet(const v1::CreatePaymentInstrumentRequest& request);
// The card or bank account (by `token.type`) of a CreateToken request; neither for other types.
domain::TokenPayload ToTokenPayload(const v1::CreateTokenRequest& request);
// The association of `request.token()` with `payment_instrument.identity` and its owner fields.
domain::TokenAssociation ToTokenAssociation(const v1::CreatePaymentInstrumentRequest& request);
void ToProto(const domain::Token& token, v1::Token* out);

// Microsecond precision, like the database.
google::protobuf::Timestamp ToTimestamp(absl::Time t);

// The masked proto view of `instrument`.
void ToProto(const domain::Instrument& instrument, v1::PaymentInstrument* out);

v1::CardBrand ToProto(domain::CardBrand brand);

// The update in `request`'s field mask, or INVALID_ARGUMENT for unknown mask paths.
absl::StatusOr<domain::InstrumentUpdate> ToInstrumentUpdate(
    const v1::UpdatePaymentInstrumentRequest& request);

// The list request in domain terms, or INVALID_ARGUMENT for an unknown type or a timestamp
// outside google.protobuf.Timestamp's range; the domain validates the rest.
absl::StatusOr<domain::ListRequest> ToListRequest(
    const v1::ListPaymentInstrumentsRequest& request);
void ToProto(const domain::InstrumentPage& page, v1::ListPaymentInstrumentsResponse* out);

// "paymentInstruments/PI..." or a bare "PI..." -> "PI...". Empty when `name` has another
// collection prefix.
std::string InstrumentIdFromName(absl::string_view name);
// "identities/ID..." or a bare "ID..." -> "ID..."; empty likewise.
std::string IdentityIdFromName(absl::string_view name);

// The caller-settable fields of `identity` (output-only fields are ignored).
domain::Identity ToDomain(const v1::Identity& identity);
void ToProto(const domain::Identity& identity, v1::Identity* out);

}  // namespace pi::instruments::api

#endif  // PI_SERVICES_INSTRUMENTS_API_PROTO_MAPPING_H_
