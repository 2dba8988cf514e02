// The vault's domain model of a payment instrument, as stored and returned: masked and derived
// values only. Clear card data, account numbers and wallet tokens exist only as Secret inside
// the New* commands of the validation headers.
#ifndef PI_SERVICES_INSTRUMENTS_DOMAIN_INSTRUMENT_H_
#define PI_SERVICES_INSTRUMENTS_DOMAIN_INSTRUMENT_H_

#include <map>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/instruments/domain/card_number.h"

namespace pi::instruments::domain {

enum class InstrumentType { kPaymentCard, kBankAccount, kApplePay, kGooglePay, kToken };
enum class CardType {
  kUnknown,
  kCredit,
  kDebit,
  kHsaFsa,
  kNonReloadablePrepaid,
  kReloadablePrepaid,
};
enum class SecurityCodeCheck { kUnknown, kMatched, kUnmatched };
enum class AddressCheck {
  kUnknown,
  kNotSupported,
  kNoAddress,
  kNoMatch,
  kPostalCodeAndStreetMatch,
  kPostalCodeMatch,
  kStreetMatch,
};
enum class BankAccountType { kChecking, kSavings, kBusinessChecking, kPersonalChecking };
enum class BankValidationCheck { kNotAttempted, kValid, kInvalid, kInconclusive };

// The name of the one encrypted field of an instrument of `type` ("card.number",
// "bank_account.account_number" or "wallet.third_party_token"), bound into its ciphertext.
absl::string_view SecretFieldName(InstrumentType type);

// Upper-case wire names ("PAYMENT_CARD", "CREDIT", "MATCHED", "POSTAL_CODE_MATCH",
// "CHECKING", "VALID", ...) and their inverses (nullopt for unknown names).
absl::string_view InstrumentTypeName(InstrumentType type);
std::optional<InstrumentType> InstrumentTypeFromName(absl::string_view name);
absl::string_view CardTypeName(CardType type);
std::optional<CardType> CardTypeFromName(absl::string_view name);
absl::string_view SecurityCodeCheckName(SecurityCodeCheck check);
std::optional<SecurityCodeCheck> SecurityCodeCheckFromName(absl::string_view name);
absl::string_view AddressCheckName(AddressCheck check);
std::optional<AddressCheck> AddressCheckFromName(absl::string_view name);
absl::string_view BankAccountTypeName(BankAccountType type);
std::optional<BankAccountType> BankAccountTypeFromName(absl::string_view name);
absl::string_view BankValidationCheckName(BankValidationCheck check);
std::optional<BankValidationCheck> BankValidationCheckFromName(absl::string_view name);

struct Address {
  std::string line1;
  std::string line2;
  std::string city;
  std::string region;
  std::string postal_code;
  std::string country;

  friend bool operator==(const Address&, const Address&) = default;
};

// The masked view of a card, enriched from BIN data and the verifier.
struct MaskedCard {
  std::string bin;        // first six digits
  std::string last_four;  // last four digits
  CardBrand brand = CardBrand::kUnknown;
  int expiration_month = 0;
  int expiration_year = 0;
  CardType card_type = CardType::kUnknown;
  std::string issuer_country;  // ISO alpha-3 from BIN data, "" when unknown
  std::string issuer_name;     // from BIN data, "" when unknown
  SecurityCodeCheck security_code_check = SecurityCodeCheck::kUnknown;
  AddressCheck address_check = AddressCheck::kUnknown;
  bool account_updater_enabled = false;
  bool network_token_enabled = false;

  friend bool operator==(const MaskedCard&, const MaskedCard&) = default;
};

// The masked view of a US or Canadian bank account. Routing, institution and transit numbers
// identify the bank, not the account, and are stored in clear.
struct MaskedBankAccount {
  std::string masked_account_number;  // "XXXXX6789"
  std::string last_four;
  std::string routing_number;      // US ABA
  std::string institution_number;  // CA
  std::string transit_number;      // CA
  BankAccountType account_type = BankAccountType::kChecking;
  std::string country;  // USA or CAN
  BankValidationCheck validation_check = BankValidationCheck::kNotAttempted;

  friend bool operator==(const MaskedBankAccount&, const MaskedBankAccount&) = default;
};

// Apple Pay, Google Pay or a third-party token; the token itself is stored only encrypted.
struct WalletDetails {
  std::string third_party;        // e.g. "PLAID"; may be empty
  std::string merchant_identity;  // ID...

  friend bool operator==(const WalletDetails&, const WalletDetails&) = default;
};

struct Instrument {
  std::string id;              // PI...
  std::string application_id;  // AP...
  std::string identity_id;     // ID...
  InstrumentType type = InstrumentType::kPaymentCard;
  bool enabled = true;
  // Set while disabled: why (e.g. DISABLED_BY_REQUEST) and a human message.
  std::string disabled_code;
  std::string disabled_message;
  std::string holder_name;
  std::map<std::string, std::string> tags;
  std::optional<Address> address;
  // Exactly one of these is set, matching `type` (wallet for APPLE_PAY, GOOGLE_PAY and TOKEN).
  std::optional<MaskedCard> card;
  std::optional<MaskedBankAccount> bank_account;
  std::optional<WalletDetails> wallet;
  std::string currency = "USD";
  // Keyed fingerprint of the card or account ("FPR..."); see ports.h Fingerprinter.
  std::string fingerprint;
  // True when created by associating a token (hosted fields), false for raw data over the API.
  bool created_from_token = false;
  absl::Time create_time;
  absl::Time update_time;

  friend bool operator==(const Instrument&, const Instrument&) = default;
};

}  // namespace pi::instruments::domain

#endif  // PI_SERVICES_INSTRUMENTS_DOMAIN_INSTRUMENT_H_
