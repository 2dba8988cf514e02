// Validation of a card sent for storage. Reports every violation at once, never the first only,
// with canonical field paths below a caller-given prefix (e.g. "payment_instrument").
// Messages never echo the number or the security code. Thread-safe; pure.
#ifndef PI_SERVICES_INSTRUMENTS_DOMAIN_CARD_VALIDATION_H_
#define PI_SERVICES_INSTRUMENTS_DOMAIN_CARD_VALIDATION_H_

#include <map>
#include <optional>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/time/time.h"
#include "services/common/error.h"
#include "services/common/secret.h"
#include "services/instruments/domain/field_rules.h"
#include "services/instruments/domain/instrument.h"

namespace pi::instruments::domain {

// A card as the caller sent it. The number and code are Secrets from the moment they are parsed.
struct NewCard {
  std::string identity_id;
  common::Secret number;
  common::Secret security_code;  // may be empty: optional
  int expiration_month = 0;
  int expiration_year = 0;
  std::string holder_name;
  std::optional<Address> address;
  std::map<std::string, std::string> tags;
  bool account_updater_enabled = false;
  bool network_token_enabled = false;
};

inline constexpr int kMaxYearsAhead = 50;

// Every violation of `card`, judged at `now` (UTC), with paths under `prefix`.
std::vector<common::FieldViolation> ValidateNewCard(const NewCard& card, absl::Time now,
                                                    absl::string_view prefix);

// Every violation of `address`, with paths under `prefix` (e.g. "payment_instrument.address").
std::vector<common::FieldViolation> ValidateAddress(const Address& address,
                                                    absl::string_view prefix);

// The masked view of a card that passed ValidateNewCard (BIN data and verification unset).
MaskedCard MaskCard(const NewCard& card);

}  // namespace pi::instruments::domain

#endif  // PI_SERVICES_INSTRUMENTS_DOMAIN_CARD_VALIDATION_H_
