#include "services/instruments/domain/card_validation.h"

#include "absl/strings/str_cat.h"

namespace pi::instruments::domain {
namespace {

using common::FieldViolation;

// Checks the number against the rules of `brand`, its brand by prefix.
void CheckNumber(absl::string_view number, CardBrand brand, ViolationCollector& v) {
  if (number.empty()) {
    v.Add("card.number", "is required");
    return;
  }
  if (!AllDigits(number)) {
    v.Add("card.number", "must contain digits only");
    return;
  }
  if (!IsValidLengthForBrand(brand, number.size())) {
    v.Add("card.number", absl::StrCat("has an invalid length (", number.size(), " digits)"));
    return;
  }
  if (BrandRequiresLuhn(brand) && !PassesLuhn(number)) {
    v.Add("card.number", "is not a valid card number (check digit mismatch)");
  }
}

void CheckExpiration(int month, int year, absl::Time now, ViolationCollector& v) {
  bool month_ok = month >= 1 && month <= 12;
  bool year_ok = year >= 1000 && year <= 9999;
  if (!month_ok) v.Add("card.expiration_month", "must be between 1 and 12");
  if (!year_ok) v.Add("card.expiration_year", "must be a four-digit year");
  if (!month_ok || !year_ok) return;
  absl::CivilMonth today = absl::ToCivilMonth(now, absl::UTCTimeZone());
  absl::CivilMonth expiry(year, month);
  if (expiry < today) {
    v.Add("card.expiration_year", "the card has expired");
  } else if (year > today.year() + kMaxYearsAhead) {
    v.Add("card.expiration_year",
          absl::StrCat("must be at most ", kMaxYearsAhead, " years in the future"));
  }
}

void CheckSecurityCode(absl::string_view code, CardBrand brand, ViolationCollector& v) {
  if (code.empty()) return;  // optional
  size_t expected = SecurityCodeLength(brand);
  if (!AllDigits(code) || code.size() != expected) {
    v.Add("card.security_code", absl::StrCat("must be ", expected, " digits"));
  }
}

}  // namespace

std::vector<FieldViolation> ValidateAddress(const Address& address, absl::string_view prefix) {
  std::vector<FieldViolation> out;
  ViolationCollector v(out, prefix);
  CheckAddress(address, v);
  return out;
}

std::vector<FieldViolation> ValidateNewCard(const NewCard& card, absl::Time now,
                                            absl::string_view prefix) {
  std::vector<FieldViolation> out;
  ViolationCollector v(out, prefix);
  // Identity first, then the card, then the rest: the order callers have always seen.
  CheckIdentityId(card.identity_id, "identity", v);
  CardBrand brand = DetectBrand(card.number.Reveal());
  CheckNumber(card.number.Reveal(), brand, v);
  CheckExpiration(card.expiration_month, card.expiration_year, now, v);
  CheckSecurityCode(card.security_code.Reveal(), brand, v);
  CheckHolderName(card.holder_name, "holder_name", v);
  CheckTags(card.tags, "tags", v);
  if (card.address) {
    ViolationCollector address = v.Nested("address");
    CheckAddress(*card.address, address);
  }
  return out;
}

MaskedCard MaskCard(const NewCard& card) {
  absl::string_view number = card.number.Reveal();
  MaskedCard masked;
  masked.bin = std::string(number.substr(0, 6));
  masked.last_four = std::string(number.substr(number.size() >= 4 ? number.size() - 4 : 0));
  masked.brand = DetectBrand(number);
  masked.expiration_month = card.expiration_month;
  masked.expiration_year = card.expiration_year;
  masked.account_updater_enabled = card.account_updater_enabled;
  masked.network_token_enabled = card.network_token_enabled;
  return masked;
}

}  // namespace pi::instruments::domain
