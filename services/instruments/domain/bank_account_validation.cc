#include "services/instruments/domain/bank_account_validation.h"

#include "absl/strings/str_cat.h"
#include "services/instruments/domain/field_rules.h"

namespace pi::instruments::domain {
namespace {

bool IsValidRoutingPrefix(int prefix) {
  return (prefix >= 0 && prefix <= 12) || (prefix >= 21 && prefix <= 32) ||
         (prefix >= 61 && prefix <= 72) || prefix == 80;
}

void CheckDigits(absl::string_view value, absl::string_view field, size_t min, size_t max,
                 ViolationCollector& v) {
  if (value.empty()) {
    v.Add(field, "is required");
  } else if (!AllDigits(value) || value.size() < min || value.size() > max) {
    v.Add(field, min == max ? absl::StrCat("must be ", min, " digits")
                            : absl::StrCat("must be ", min, " to ", max, " digits"));
  }
}

}  // namespace

bool IsValidAbaRoutingNumber(absl::string_view routing) {
  if (routing.size() != 9 || !AllDigits(routing)) return false;
  if (!IsValidRoutingPrefix((routing[0] - '0') * 10 + (routing[1] - '0'))) return false;
  constexpr int kWeights[] = {3, 7, 1, 3, 7, 1, 3, 7, 1};
  int sum = 0;
  for (int i = 0; i < 9; ++i) sum += (routing[i] - '0') * kWeights[i];
  return sum % 10 == 0;
}

std::string BankCountry(const NewBankAccount& account) {
  return account.country.empty() ? "USA" : account.country;
}

std::string BankCurrency(const NewBankAccount& account) {
  if (!account.currency.empty()) return account.currency;
  return BankCountry(account) == "CAN" ? "CAD" : "USD";
}

std::vector<common::FieldViolation> ValidateNewBankAccount(const NewBankAccount& account,
                                                           absl::string_view prefix) {
  std::vector<common::FieldViolation> out;
  ViolationCollector v(out, prefix);
  CheckOwnerFields(account.identity_id, account.holder_name, account.tags, account.address, v);
  ViolationCollector bank = v.Nested("bank_account");
  if (!account.account_type) bank.Add("account_type", "is required");

  std::string country = BankCountry(account);
  absl::string_view number = account.account_number.Reveal();
  if (country == "USA") {
    CheckDigits(number, "account_number", 5, 17, bank);
    if (account.routing_number.empty()) {
      bank.Add("routing_number", "is required");
    } else if (!IsValidAbaRoutingNumber(account.routing_number)) {
      bank.Add("routing_number", "is not a valid ABA routing number");
    }
    // Stored in clear, so never accepted unchecked: they belong to Canadian accounts.
    if (!account.institution_number.empty()) {
      bank.Add("institution_number", "is only for Canadian accounts");
    }
    if (!account.transit_number.empty()) {
      bank.Add("transit_number", "is only for Canadian accounts");
    }
  } else if (country == "CAN") {
    CheckDigits(number, "account_number", 7, 12, bank);
    CheckDigits(account.institution_number, "institution_number", 3, 3, bank);
    CheckDigits(account.transit_number, "transit_number", 5, 5, bank);
    if (!account.routing_number.empty()) {
      bank.Add("routing_number", "is only for US accounts (use institution and transit numbers)");
    }
  } else {
    bank.Add("country", "must be USA or CAN");
    return out;
  }
  std::string expected_currency = country == "CAN" ? "CAD" : "USD";
  if (BankCurrency(account) != expected_currency) {
    bank.Add("currency", absl::StrCat("must be ", expected_currency, " for ", country));
  }
  return out;
}

std::string MaskAccountNumber(absl::string_view account_number) {
  size_t keep = std::min<size_t>(4, account_number.size());
  return absl::StrCat(std::string(account_number.size() - keep, 'X'),
                      account_number.substr(account_number.size() - keep));
}

MaskedBankAccount MaskBankAccount(const NewBankAccount& account) {
  absl::string_view number = account.account_number.Reveal();
  MaskedBankAccount masked;
  masked.masked_account_number = MaskAccountNumber(number);
  masked.last_four = std::string(number.substr(number.size() >= 4 ? number.size() - 4 : 0));
  masked.routing_number = account.routing_number;
  masked.institution_number = account.institution_number;
  masked.transit_number = account.transit_number;
  masked.account_type = account.account_type.value_or(BankAccountType::kChecking);
  masked.country = BankCountry(account);
  return masked;
}

}  // namespace pi::instruments::domain
