// Ahrvo's payment instrument JSON, field for field and in the order of seed 002's two example
// responses: common fields, then the card's, the bank account's (with Canada's institution and
// transit numbers and country when present) or the wallet's, then tags and `_links.self`.
// Absent address lines are left out rather than null, as in the seed.
#ifndef PI_GATEWAY_DIALECTS_AHRVO_AHRVO_RESPONSE_H_
#define PI_GATEWAY_DIALECTS_AHRVO_AHRVO_RESPONSE_H_

#include <nlohmann/json.hpp>

#include "gateway/dialects/finix/finix_options.h"
#include "payments/instruments/v1/resources.pb.h"

namespace pi::gateway::ahrvo {

namespace v1 = ::payments::instruments::v1;

nlohmann::ordered_json RenderAhrvoPaymentInstrument(const v1::PaymentInstrument& instrument,
                                                    const finix::FinixOptions& options);

}  // namespace pi::gateway::ahrvo

#endif  // PI_GATEWAY_DIALECTS_AHRVO_AHRVO_RESPONSE_H_
