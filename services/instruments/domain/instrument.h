// The vault's domain model of a payment instrument, as stored and returned: masked and derived
// values only. Clear card data exists only as Secret inside the commands of card_validation.h.
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

// "PAYMENT_CARD", "BANK_ACCOUNT", "APPLE_PAY", "GOOGLE_PAY", "TOKEN".
absl::string_view InstrumentTypeName(InstrumentType type);
// The type of an InstrumentTypeName, or nullopt.
std::optional<InstrumentType> InstrumentTypeFromName(absl::string_view name);

struct Address {
  std::string line1;
  std::string line2;
  std::string city;
  std::string region;
  std::string postal_code;
  std::string country;

  friend bool operator==(const Address&, const Address&) = default;
};

// The masked view of a card.
struct MaskedCard {
  std::string bin;        // first six digits
  std::string last_four;  // last four digits
  CardBrand brand = CardBrand::kUnknown;
  int expiration_month = 0;
  int expiration_year = 0;

  friend bool operator==(const MaskedCard&, const MaskedCard&) = default;
};

struct Instrument {
  std::string id;              // PI...
  std::string application_id;  // AP...
  std::string identity_id;     // ID...
  InstrumentType type = InstrumentType::kPaymentCard;
  bool enabled = true;
  std::string holder_name;
  std::map<std::string, std::string> tags;
  std::optional<Address> address;
  std::optional<MaskedCard> card;
  std::string currency = "USD";
  absl::Time create_time;
  absl::Time update_time;

  friend bool operator==(const Instrument&, const Instrument&) = default;
};

}  // namespace pi::instruments::domain

#endif  // PI_SERVICES_INSTRUMENTS_DOMAIN_INSTRUMENT_H_
