// The Rebilly dialect's routes, under RebillyOptions::prefix ("" by default):
//   POST  {prefix}/organizations/{organizationId}/tokens -> CreateToken (FramePay, publishable
//         key): 201 token (rebilly_response.h)
//   POST  {prefix}/storefront/organizations/{organizationId}/payment-instruments
//         -> CreatePaymentInstrument(token, identity = the customer JWT's subject): 201 + Location
//   GET   {storefront}/payment-instruments?limit=&offset= -> ListPaymentInstruments (the
//         customer's cards, deactivated ones included, paged through pi-server's cursor pages, at
//         most kMaxListed): 200 bare JSON array with Pagination-Total, Pagination-Limit and
//         Pagination-Offset
//   GET   {storefront}/payment-instruments/{id} -> GetPaymentInstrument
//   PATCH {storefront}/payment-instruments/{id} -> UpdatePaymentInstrument (rebilly_request.h)
//   POST  {storefront}/payment-instruments/{id}/deactivation -> UpdatePaymentInstrument(enabled
//         = false): 200 with the instrument, status "deactivated". The body is never read.
// The organizationId path part is accepted and echoed in links, never checked: pi-server's
// credentials alone decide the application. Authorization is mapped by MapAuthorization (a
// scheme-less publishable key becomes Bearer) and forwarded with `idempotency-key` and the
// request id; pi-server authenticates and scopes a customer JWT to its own identity. The storefront
// create calls CreateCustomerPaymentInstrument: with a customer JWT the instrument is the
// customer's ("token": null); with a publishable key pi-server signs a new customer up and the
// answer's "token" is that customer's new JWT (403 when the organization has no customer-JWT
// credential to sign it with). Errors: rebilly_errors.h.
#ifndef PI_GATEWAY_DIALECTS_REBILLY_REBILLY_DIALECT_H_
#define PI_GATEWAY_DIALECTS_REBILLY_REBILLY_DIALECT_H_

#include "gateway/core/instrument_client.h"
#include "gateway/dialects/rebilly/rebilly_options.h"
#include "gateway/server/router.h"

namespace pi::gateway::rebilly {

// `client` must outlive the router. `options` is copied.
void RegisterRebillyRoutes(server::Router& router, core::InstrumentClient& client,
                           const RebillyOptions& options);

}  // namespace pi::gateway::rebilly

#endif  // PI_GATEWAY_DIALECTS_REBILLY_REBILLY_DIALECT_H_
