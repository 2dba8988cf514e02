#include "services/instruments/domain/verifier.h"

#include "absl/strings/match.h"

namespace pi::instruments::domain {
namespace {

SecurityCodeCheck SandboxSecurityCode(absl::string_view code) {
  if (code.empty() || code == "300" || code == "3000") return SecurityCodeCheck::kUnknown;
  if (code == "200" || code == "2000") return SecurityCodeCheck::kUnmatched;
  return SecurityCodeCheck::kMatched;
}

AddressCheck SandboxAddress(const std::optional<Address>& address) {
  if (!address) return AddressCheck::kNoAddress;
  const std::string& country = address->country;
  if (!country.empty() && country != "USA" && country != "CAN" && country != "GBR") {
    return AddressCheck::kNotSupported;
  }
  const std::string& postal = address->postal_code;
  if (postal == "99999") return AddressCheck::kNoMatch;
  if (postal == "11111") return AddressCheck::kStreetMatch;
  if (postal == "22222") return AddressCheck::kUnknown;
  bool street = !address->line1.empty();
  if (street && !postal.empty()) return AddressCheck::kPostalCodeAndStreetMatch;
  if (!postal.empty()) return AddressCheck::kPostalCodeMatch;
  if (street) return AddressCheck::kStreetMatch;
  return AddressCheck::kNoAddress;
}

}  // namespace

CardVerification SandboxVerifier::VerifyCard(const NewCard& card) const {
  return {SandboxSecurityCode(card.security_code.Reveal()), SandboxAddress(card.address)};
}

BankValidationCheck SandboxVerifier::VerifyBankAccount(const NewBankAccount& account) const {
  if (BankCountry(account) == "CAN") return BankValidationCheck::kNotAttempted;
  absl::string_view number = account.account_number.Reveal();
  if (absl::EndsWith(number, "0000")) return BankValidationCheck::kInvalid;
  if (absl::EndsWith(number, "9999")) return BankValidationCheck::kInconclusive;
  return BankValidationCheck::kValid;
}

}  // namespace pi::instruments::domain
