#include "gateway/dialects/finix/finix_fields.h"

#include "absl/time/time.h"
#include "google/protobuf/util/time_util.h"

namespace pi::gateway::finix {

nlohmann::ordered_json OrNull(const std::string& s) { return s.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(s); }

// "2022-10-10T05:32:17.78Z" style: RFC 3339, UTC, milliseconds.
std::string Timestamp(const google::protobuf::Timestamp& t) {
  absl::Time time = absl::FromUnixMicros(google::protobuf::util::TimeUtil::TimestampToMicroseconds(t));
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", time, absl::UTCTimeZone());
}

std::string Brand(v1::CardBrand brand) {
  switch (brand) {
    case v1::CARD_BRAND_UNSPECIFIED:
    case v1::UNKNOWN_BRAND:
      return "UNKNOWN";
    default:
      return v1::CardBrand_Name(brand);
  }
}

std::string CardType(v1::CardType type) {
  return type == v1::CARD_TYPE_UNSPECIFIED || type == v1::UNKNOWN_CARD_TYPE
             ? "UNKNOWN"
             : v1::CardType_Name(type);
}

std::string SecurityCodeVerification(v1::SecurityCodeVerification v) {
  switch (v) {
    case v1::SECURITY_CODE_MATCHED:
      return "MATCHED";
    case v1::SECURITY_CODE_UNMATCHED:
      return "UNMATCHED";
    default:
      return "UNKNOWN";
  }
}

std::string AddressVerification(v1::AddressVerification v) {
  switch (v) {
    case v1::ADDRESS_NOT_SUPPORTED:
      return "NOT_SUPPORTED";
    case v1::NO_ADDRESS:
    case v1::NO_MATCH:
    case v1::POSTAL_CODE_AND_STREET_MATCH:
    case v1::POSTAL_CODE_MATCH:
    case v1::STREET_MATCH:
      return v1::AddressVerification_Name(v);
    default:
      return "UNKNOWN";
  }
}

// Finix reports the issuer's country as USA, NON_USA or UNKNOWN.
std::string IssuerCountry(const std::string& alpha3) {
  if (alpha3.empty()) return "UNKNOWN";
  return alpha3 == "USA" ? "USA" : "NON_USA";
}

std::string BankValidation(v1::BankAccountValidationCheck check) {
  return check == v1::BANK_ACCOUNT_VALIDATION_CHECK_UNSPECIFIED
             ? "NOT_ATTEMPTED"
             : v1::BankAccountValidationCheck_Name(check);
}

}  // namespace pi::gateway::finix
