// The Finix dialect's routes, mounted at FinixOptions::prefix:
//   POST {prefix}/payment_instruments        -> CreatePaymentInstrument (201)
//   GET  {prefix}/payment_instruments/{id}   -> GetPaymentInstrument (200)
//   PUT  {prefix}/payment_instruments/{id}   -> UpdatePaymentInstrument (200): enabled, name,
//        tags, address
//   GET  {prefix}/payment_instruments        -> ListPaymentInstruments (200): limit, after_cursor,
//        owner_identity_id, type, fingerprint, last_four, bin
// Handlers check content negotiation (Accept must allow JSON: 406 otherwise; `application/json`
// and `application/hal+json` are both JSON; a body of another Content-Type: 415), the
// Finix-Version header (absent: 2022-02-01; unknown: 400; echoed in replies), map the body, call
// pi-server asynchronously and render the reply or the error in Finix's envelope.
#ifndef PI_GATEWAY_DIALECTS_FINIX_FINIX_DIALECT_H_
#define PI_GATEWAY_DIALECTS_FINIX_FINIX_DIALECT_H_

#include "gateway/core/instrument_client.h"
#include "gateway/dialects/finix/finix_options.h"
#include "gateway/dialects/finix/finix_response.h"
#include "gateway/server/router.h"

namespace pi::gateway::finix {

// `client` must outlive the router. `options` is copied.
void RegisterFinixRoutes(server::Router& router, core::InstrumentClient& client,
                         const FinixOptions& options);

// What a Finix-like dialect (Ahrvo) changes on the same routes: how an instrument is rendered,
// and whether the Finix-Version header is checked and answered.
struct FinixFlavor {
  nlohmann::ordered_json (*render_instrument)(const v1::PaymentInstrument&, const FinixOptions&);
  bool versioned;
};
void RegisterFinixLikeRoutes(server::Router& router, core::InstrumentClient& client,
                             const FinixOptions& options, FinixFlavor flavor);

}  // namespace pi::gateway::finix

#endif  // PI_GATEWAY_DIALECTS_FINIX_FINIX_DIALECT_H_
