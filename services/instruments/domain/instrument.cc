#include "services/instruments/domain/instrument.h"

#include "services/instruments/domain/enum_names.h"

namespace pi::instruments::domain {
namespace {

constexpr EnumName<InstrumentType> kInstrumentTypes[] = {
    {InstrumentType::kPaymentCard, "PAYMENT_CARD"}, {InstrumentType::kBankAccount, "BANK_ACCOUNT"},
    {InstrumentType::kApplePay, "APPLE_PAY"},       {InstrumentType::kGooglePay, "GOOGLE_PAY"},
    {InstrumentType::kToken, "TOKEN"},
};
constexpr EnumName<CardType> kCardTypes[] = {
    {CardType::kUnknown, "UNKNOWN"},
    {CardType::kCredit, "CREDIT"},
    {CardType::kDebit, "DEBIT"},
    {CardType::kHsaFsa, "HSA_FSA"},
    {CardType::kNonReloadablePrepaid, "NON_RELOADABLE_PREPAID"},
    {CardType::kReloadablePrepaid, "RELOADABLE_PREPAID"},
};
constexpr EnumName<SecurityCodeCheck> kSecurityCodeChecks[] = {
    {SecurityCodeCheck::kUnknown, "UNKNOWN"},
    {SecurityCodeCheck::kMatched, "MATCHED"},
    {SecurityCodeCheck::kUnmatched, "UNMATCHED"},
};
constexpr EnumName<AddressCheck> kAddressChecks[] = {
    {AddressCheck::kUnknown, "UNKNOWN"},
    {AddressCheck::kNotSupported, "NOT_SUPPORTED"},
    {AddressCheck::kNoAddress, "NO_ADDRESS"},
    {AddressCheck::kNoMatch, "NO_MATCH"},
    {AddressCheck::kPostalCodeAndStreetMatch, "POSTAL_CODE_AND_STREET_MATCH"},
    {AddressCheck::kPostalCodeMatch, "POSTAL_CODE_MATCH"},
    {AddressCheck::kStreetMatch, "STREET_MATCH"},
};
constexpr EnumName<BankAccountType> kBankAccountTypes[] = {
    {BankAccountType::kChecking, "CHECKING"},
    {BankAccountType::kSavings, "SAVINGS"},
    {BankAccountType::kBusinessChecking, "BUSINESS_CHECKING"},
    {BankAccountType::kPersonalChecking, "PERSONAL_CHECKING"},
};
constexpr EnumName<BankValidationCheck> kBankValidationChecks[] = {
    {BankValidationCheck::kNotAttempted, "NOT_ATTEMPTED"},
    {BankValidationCheck::kValid, "VALID"},
    {BankValidationCheck::kInvalid, "INVALID"},
    {BankValidationCheck::kInconclusive, "INCONCLUSIVE"},
};

}  // namespace

absl::string_view SecretFieldName(InstrumentType type) {
  switch (type) {
    case InstrumentType::kPaymentCard:
      return "card.number";
    case InstrumentType::kBankAccount:
      return "bank_account.account_number";
    case InstrumentType::kApplePay:
    case InstrumentType::kGooglePay:
    case InstrumentType::kToken:
      return "wallet.third_party_token";
  }
  return "card.number";
}

absl::string_view InstrumentTypeName(InstrumentType t) { return NameOf(kInstrumentTypes, t); }
std::optional<InstrumentType> InstrumentTypeFromName(absl::string_view name) {
  return FromName(kInstrumentTypes, name);
}
absl::string_view CardTypeName(CardType t) { return NameOf(kCardTypes, t); }
std::optional<CardType> CardTypeFromName(absl::string_view name) {
  return FromName(kCardTypes, name);
}
absl::string_view SecurityCodeCheckName(SecurityCodeCheck c) {
  return NameOf(kSecurityCodeChecks, c);
}
std::optional<SecurityCodeCheck> SecurityCodeCheckFromName(absl::string_view name) {
  return FromName(kSecurityCodeChecks, name);
}
absl::string_view AddressCheckName(AddressCheck c) { return NameOf(kAddressChecks, c); }
std::optional<AddressCheck> AddressCheckFromName(absl::string_view name) {
  return FromName(kAddressChecks, name);
}
absl::string_view BankAccountTypeName(BankAccountType t) { return NameOf(kBankAccountTypes, t); }
std::optional<BankAccountType> BankAccountTypeFromName(absl::string_view name) {
  return FromName(kBankAccountTypes, name);
}
absl::string_view BankValidationCheckName(BankValidationCheck c) {
  return NameOf(kBankValidationChecks, c);
}
std::optional<BankValidationCheck> BankValidationCheckFromName(absl::string_view name) {
  return FromName(kBankValidationChecks, name);
}

}  // namespace pi::instruments::domain
