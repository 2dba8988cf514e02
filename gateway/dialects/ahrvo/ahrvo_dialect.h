// The Ahrvo Network dialect (seed 002), mounted at FinixOptions::prefix (default /payments/na).
// Ahrvo is Finix-like: the same routes, request bodies, Basic auth and error envelope as the
// Finix dialect (finix_dialect.h), with Ahrvo's instrument responses (ahrvo_response.h) and no
// Finix-Version header.
#ifndef PI_GATEWAY_DIALECTS_AHRVO_AHRVO_DIALECT_H_
#define PI_GATEWAY_DIALECTS_AHRVO_AHRVO_DIALECT_H_

#include "gateway/core/instrument_client.h"
#include "gateway/dialects/finix/finix_options.h"
#include "gateway/server/router.h"

namespace pi::gateway::ahrvo {

inline constexpr char kDefaultPrefix[] = "/payments/na";

// `client` must outlive the router. `options` is copied.
void RegisterAhrvoRoutes(server::Router& router, core::InstrumentClient& client,
                         const finix::FinixOptions& options);

}  // namespace pi::gateway::ahrvo

#endif  // PI_GATEWAY_DIALECTS_AHRVO_AHRVO_DIALECT_H_
