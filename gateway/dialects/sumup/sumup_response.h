// Canonical resources -> SumUp JSON, with the field names and enums of seed
// 001_e50f8e37ecf29dba.txt and SumUp's public Customer schema. Empty optional values are left out,
// as SumUp's SDK types (all optional) expect; no card number or security code is ever rendered
// (pi-server returns neither).
#ifndef PI_GATEWAY_DIALECTS_SUMUP_SUMUP_RESPONSE_H_
#define PI_GATEWAY_DIALECTS_SUMUP_SUMUP_RESPONSE_H_

#include <nlohmann/json.hpp>
#include <string>

#include "gateway/dialects/sumup/sumup_request.h"
#include "payments/instruments/v1/resources.pb.h"

namespace pi::gateway::sumup {

// {token, active, type: "card", card {last_4_digits, type}, mandate?, created_at}. `token` is the
// instrument id (PI...); `mandate` is rendered only when `mandate` is not null (see
// MandateRequest), with the instrument's application as merchant_code.
nlohmann::ordered_json RenderPaymentInstrument(const v1::PaymentInstrument& instrument,
                                               const MandateRequest* mandate = nullptr);

// {customer_id, personal_details {first_name, last_name, email, phone, address {city, country
// (alpha-2), line_1, line_2, postal_code, state}}}.
nlohmann::ordered_json RenderCustomer(const v1::Identity& identity);

// SumUp's card network enum (AMEX, CUP, DINERS, DISCOVER, ELO, HIPERCARD, JCB, MAESTRO,
// MASTERCARD, VISA, VISA_ELECTRON, VISA_VPAY, UNKNOWN) for a canonical brand. ELV (German
// direct debit) is never a card brand here.
std::string SumUpCardType(v1::CardBrand brand);

}  // namespace pi::gateway::sumup

#endif  // PI_GATEWAY_DIALECTS_SUMUP_SUMUP_RESPONSE_H_
