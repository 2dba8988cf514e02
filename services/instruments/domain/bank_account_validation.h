// Validation of a US or Canadian bank account sent for storage (seed 002). Reports every
// violation at once under `<prefix>.bank_account.*`; messages never echo the account number.
//   US:  account_number 5-17 digits; routing_number 9 digits, a valid Federal Reserve prefix
//        (00-12, 21-32, 61-72, 80) and the ABA 3-7-1 checksum; currency USD.
//   CA:  account_number 7-12 digits; institution_number 3 digits; transit_number 5 digits;
//        currency CAD.
// The other country's bank fields must be empty. country is USA (the default when empty) or CAN;
// account_type is required. Pure; thread-safe.
#ifndef PI_SERVICES_INSTRUMENTS_DOMAIN_BANK_ACCOUNT_VALIDATION_H_
#define PI_SERVICES_INSTRUMENTS_DOMAIN_BANK_ACCOUNT_VALIDATION_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "services/common/error.h"
#include "services/common/secret.h"
#include "services/instruments/domain/instrument.h"

namespace pi::instruments::domain {

struct NewBankAccount {
  std::string identity_id;
  common::Secret account_number;
  std::string routing_number;
  std::string institution_number;
  std::string transit_number;
  std::optional<BankAccountType> account_type;  // nullopt: not given
  std::string country;                          // "" means USA
  std::string currency;                         // "" means the country's currency
  std::string holder_name;
  std::optional<Address> address;
  std::map<std::string, std::string> tags;
};

// True for 9 digits with a valid prefix and 3-7-1 checksum (e.g. 021000021; not 123456789).
bool IsValidAbaRoutingNumber(absl::string_view routing);

std::vector<common::FieldViolation> ValidateNewBankAccount(const NewBankAccount& account,
                                                           absl::string_view prefix);

// The effective country ("USA" when empty) and currency ("USD"/"CAD" when empty).
std::string BankCountry(const NewBankAccount& account);
std::string BankCurrency(const NewBankAccount& account);

// "XXXXX6789" for "123456789": every digit but the last four replaced by 'X'.
std::string MaskAccountNumber(absl::string_view account_number);

// The masked view of an account that passed ValidateNewBankAccount (validation_check unset).
MaskedBankAccount MaskBankAccount(const NewBankAccount& account);

}  // namespace pi::instruments::domain

#endif  // PI_SERVICES_INSTRUMENTS_DOMAIN_BANK_ACCOUNT_VALIDATION_H_
