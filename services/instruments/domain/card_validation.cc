#include "services/instruments/domain/card_validation.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace pi::instruments::domain {
namespace {

using common::FieldViolation;

bool AllDigits(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool IsIdentifier(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') return false;
  }
  return true;
}

bool AllUpper(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isupper(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// Collects violations under one path prefix.
class Violations {
 public:
  Violations(std::vector<FieldViolation>& out, absl::string_view prefix)
      : out_(out), prefix_(prefix) {}
  void Add(absl::string_view field, std::string description) {
    out_.push_back({absl::StrCat(prefix_, prefix_.empty() ? "" : ".", field),
                    std::move(description)});
  }

 private:
  std::vector<FieldViolation>& out_;
  std::string prefix_;
};

void ValidateNumber(absl::string_view number, Violations& v) {
  if (number.empty()) {
    v.Add("card.number", "is required");
    return;
  }
  if (!AllDigits(number)) {
    v.Add("card.number", "must contain digits only");
    return;
  }
  CardBrand brand = DetectBrand(number);
  if (!IsValidLengthForBrand(brand, number.size())) {
    v.Add("card.number", absl::StrCat("has an invalid length (", number.size(), " digits)"));
    return;
  }
  if (BrandRequiresLuhn(brand) && !PassesLuhn(number)) {
    v.Add("card.number", "is not a valid card number (check digit mismatch)");
  }
}

void ValidateExpiration(int month, int year, absl::Time now, Violations& v) {
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

void ValidateSecurityCode(absl::string_view code, absl::string_view number, Violations& v) {
  if (code.empty()) return;  // optional
  size_t expected = SecurityCodeLength(DetectBrand(number));
  if (!AllDigits(code) || code.size() != expected) {
    v.Add("card.security_code", absl::StrCat("must be ", expected, " digits"));
  }
}

}  // namespace

std::vector<FieldViolation> ValidateAddress(const Address& address, absl::string_view prefix) {
  std::vector<FieldViolation> out;
  Violations v(out, prefix);
  if (address.line1.size() > 35) v.Add("line1", "must be at most 35 characters");
  if (address.line2.size() > 35) v.Add("line2", "must be at most 35 characters");
  if (address.city.size() > 20) v.Add("city", "must be at most 20 characters");
  if (!address.region.empty() && (address.region.size() != 2 || !AllUpper(address.region))) {
    v.Add("region", "must be a two-letter state or province code");
  }
  if (address.postal_code.size() > 7) v.Add("postal_code", "must be at most 7 characters");
  if (!address.country.empty() && (address.country.size() != 3 || !AllUpper(address.country))) {
    v.Add("country", "must be an ISO 3166 alpha-3 country code");
  }
  return out;
}

std::vector<FieldViolation> ValidateNewCard(const NewCard& card, absl::Time now,
                                            absl::string_view prefix) {
  std::vector<FieldViolation> out;
  Violations v(out, prefix);
  if (card.identity_id.empty()) {
    v.Add("identity", "is required");
  } else if (card.identity_id.size() > kMaxIdLength || !IsIdentifier(card.identity_id)) {
    v.Add("identity", "must be an identity id of letters, digits, '_' or '-'");
  }
  ValidateNumber(card.number.Reveal(), v);
  ValidateExpiration(card.expiration_month, card.expiration_year, now, v);
  ValidateSecurityCode(card.security_code.Reveal(), card.number.Reveal(), v);
  if (card.holder_name.size() > kMaxHolderNameLength) {
    v.Add("holder_name", absl::StrCat("must be at most ", kMaxHolderNameLength, " characters"));
  }
  if (card.address) {
    std::vector<FieldViolation> address_violations =
        ValidateAddress(*card.address, absl::StrCat(prefix, prefix.empty() ? "" : ".", "address"));
    out.insert(out.end(), address_violations.begin(), address_violations.end());
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
  return masked;
}

}  // namespace pi::instruments::domain
