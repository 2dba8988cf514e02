// The hosted fields, served by pi-gateway under /hosted-fields/v1:
//   GET /hosted-fields/v1/card?key=<publishable key>&origin=<parent page's origin>
//       The card page, for an iframe. pi-server's CheckOrigin decides first: the key must be a
//       publishable key (other roles: 403) and the origin one of its application's allowed
//       origins (else 403); the page's CSP frame-ancestors then names exactly that origin, and
//       its script posts tokens to that origin only. Errors are small HTML pages (400 missing or
//       malformed parameters, 401 unknown key, 403 refused, 5xx pi-server unreachable).
//   GET /hosted-fields/v1/card.js, card.css   the page's script and style ('self' in its CSP)
//   GET /hosted-fields/v1/payment-fields.js   the merchant's client library
// Static files are compiled in (assets.h). The page tokenizes through the Finix dialect's
// POST {finix prefix}/tokens on the same origin.
#ifndef PI_GATEWAY_HOSTED_FIELDS_HOSTED_FIELDS_ROUTES_H_
#define PI_GATEWAY_HOSTED_FIELDS_HOSTED_FIELDS_ROUTES_H_

#include <string>

#include "gateway/core/instrument_client.h"
#include "gateway/server/router.h"

namespace pi::gateway::hosted_fields {

inline constexpr char kPrefix[] = "/hosted-fields/v1";

struct HostedFieldsOptions {
  // Path of the tokenization endpoint the page posts to, e.g. "/tokens".
  std::string tokens_path = "/tokens";
};

// `client` must outlive the router.
void RegisterHostedFieldsRoutes(server::Router& router, core::InstrumentClient& client,
                                const HostedFieldsOptions& options);

}  // namespace pi::gateway::hosted_fields

#endif  // PI_GATEWAY_HOSTED_FIELDS_HOSTED_FIELDS_ROUTES_H_
