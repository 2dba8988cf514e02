// The SumUp dialect's routes, mounted at SumUpOptions::prefix ("/v0.1"):
//   POST   {prefix}/customers                                   -> CreateIdentity (201 customer)
//   POST   {prefix}/customers/{customer_id}/payment-instruments -> GetIdentity(external_id), then
//          CreatePaymentInstrument (201 {token, active, type, card, mandate?, created_at})
//   GET    {prefix}/customers/{customer_id}/payment-instruments -> GetIdentity, then
//          ListPaymentInstruments of the customer's cards, every page up to 500 instruments
//          (disabled ones included in that count): 200 with a bare JSON array of the active ones
//   DELETE {prefix}/customers/{customer_id}/payment-instruments/{token} -> GetIdentity,
//          GetPaymentInstrument (it must be this customer's card), UpdatePaymentInstrument
//          (enabled = false): 204 without a body; deleting an inactive card again is also 204
// An unknown customer_id, or a token that is not the customer's card, answers 404. Bearer API
// keys are forwarded untouched in `authorization` (pi-server authenticates), with
// `idempotency-key` and the request id. Bodies of GET and DELETE are never read, whatever their
// Content-Type says. Every 2xx is 204 or application/json; every error is SumUp's (see
// sumup_errors.h).
#ifndef PI_GATEWAY_DIALECTS_SUMUP_SUMUP_DIALECT_H_
#define PI_GATEWAY_DIALECTS_SUMUP_SUMUP_DIALECT_H_

#include "gateway/core/instrument_client.h"
#include "gateway/dialects/sumup/sumup_options.h"
#include "gateway/server/router.h"

namespace pi::gateway::sumup {

// `client` must outlive the router. `options` is copied.
void RegisterSumUpRoutes(server::Router& router, core::InstrumentClient& client,
                         const SumUpOptions& options);

}  // namespace pi::gateway::sumup

#endif  // PI_GATEWAY_DIALECTS_SUMUP_SUMUP_DIALECT_H_
