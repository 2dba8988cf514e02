#include "services/instruments/domain/fingerprint_material.h"

#include "absl/strings/str_cat.h"

namespace pi::instruments::domain {

common::Secret CardFingerprintMaterial(const NewCard& card) {
  return common::Secret(absl::StrCat("card:", card.number.Reveal()));
}

common::Secret BankAccountFingerprintMaterial(const NewBankAccount& account) {
  std::string country = BankCountry(account);
  return common::Secret(
      country == "CAN"
          ? absl::StrCat("bank:CAN:", account.institution_number, ":", account.transit_number,
                         ":", account.account_number.Reveal())
          : absl::StrCat("bank:", country, ":", account.routing_number, ":",
                         account.account_number.Reveal()));
}

}  // namespace pi::instruments::domain
