// How Finix and the Finix-like dialects (Ahrvo) spell proto values: times, card brands and types,
// verification results, issuer country, bank validation, and null for empty strings.
#ifndef PI_GATEWAY_DIALECTS_FINIX_FINIX_FIELDS_H_
#define PI_GATEWAY_DIALECTS_FINIX_FINIX_FIELDS_H_

#include <string>

#include <nlohmann/json.hpp>

#include "payments/instruments/v1/resources.pb.h"

namespace pi::gateway::finix {

namespace v1 = ::payments::instruments::v1;

// JSON null for "", else the string.
nlohmann::ordered_json OrNull(const std::string& s);
// "2022-10-10T05:32:17.78Z" style: RFC 3339, UTC, milliseconds.
std::string Timestamp(const google::protobuf::Timestamp& t);
// VISA, MASTERCARD, ...; UNKNOWN when unknown.
std::string Brand(v1::CardBrand brand);
// CREDIT, DEBIT, HSA_FSA, ...; UNKNOWN when unknown.
std::string CardType(v1::CardType type);
// MATCHED, UNMATCHED or UNKNOWN.
std::string SecurityCodeVerification(v1::SecurityCodeVerification v);
// NOT_SUPPORTED, NO_ADDRESS, NO_MATCH, POSTAL_CODE_AND_STREET_MATCH, POSTAL_CODE_MATCH,
// STREET_MATCH or UNKNOWN.
std::string AddressVerification(v1::AddressVerification v);
// Finix reports the issuer's country as USA, NON_USA or UNKNOWN.
std::string IssuerCountry(const std::string& alpha3);
// VALID, INVALID, INCONCLUSIVE or NOT_ATTEMPTED.
std::string BankValidation(v1::BankAccountValidationCheck check);

}  // namespace pi::gateway::finix

#endif  // PI_GATEWAY_DIALECTS_FINIX_FINIX_FIELDS_H_
