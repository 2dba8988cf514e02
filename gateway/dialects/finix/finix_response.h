// Canonical resources -> Finix JSON, with the field names, enum spellings and HAL `_links` of
// seeds 002_9ed34b8a5c48a87f.txt and 003_5f0e32a8aedfc86a.txt. Absent optional values render as
// null, as Finix does; no value is invented (no fingerprint until the server computes one).
#ifndef PI_GATEWAY_DIALECTS_FINIX_FINIX_RESPONSE_H_
#define PI_GATEWAY_DIALECTS_FINIX_FINIX_RESPONSE_H_

#include <nlohmann/json.hpp>

#include "gateway/dialects/finix/finix_options.h"
#include "payments/instruments/v1/resources.pb.h"

namespace pi::gateway::finix {

namespace v1 = ::payments::instruments::v1;

nlohmann::ordered_json RenderPaymentInstrument(const v1::PaymentInstrument& instrument,
                                       const FinixOptions& options);

// A Finix token (hosted fields): id, fingerprint, times, instrument_type, expires_at, currency
// and a self link. Never any card data.
nlohmann::ordered_json RenderToken(const v1::Token& token, const FinixOptions& options);

// A Finix Identity: id, application, entity {first_name, last_name, email, phone,
// personal_address}, tags, times and HAL links (self, application, payment_instruments).
nlohmann::ordered_json RenderIdentity(const v1::Identity& identity, const FinixOptions& options);

}  // namespace pi::gateway::finix

#endif  // PI_GATEWAY_DIALECTS_FINIX_FINIX_RESPONSE_H_
