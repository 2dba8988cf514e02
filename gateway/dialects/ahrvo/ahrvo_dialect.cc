#include "gateway/dialects/ahrvo/ahrvo_dialect.h"

#include "gateway/dialects/ahrvo/ahrvo_response.h"
#include "gateway/dialects/finix/finix_dialect.h"

namespace pi::gateway::ahrvo {

void RegisterAhrvoRoutes(server::Router& router, core::InstrumentClient& client,
                         const finix::FinixOptions& options) {
  finix::RegisterFinixLikeRoutes(router, client, options,
                                 {&RenderAhrvoPaymentInstrument, /*versioned=*/false});
}

}  // namespace pi::gateway::ahrvo
