// Pure rules about card numbers: Luhn, brand detection by the most specific prefix, lengths.
// No I/O, no allocation beyond return values; thread-safe.
#ifndef PI_SERVICES_INSTRUMENTS_DOMAIN_CARD_NUMBER_H_
#define PI_SERVICES_INSTRUMENTS_DOMAIN_CARD_NUMBER_H_

#include "absl/strings/string_view.h"

namespace pi::instruments::domain {

enum class CardBrand {
  kUnknown,
  kVisa,
  kVisaElectron,
  kMastercard,
  kAmericanExpress,
  kDiscover,
  kJcb,
  kDinersClub,
  kChinaUnionPay,
  kMaestro,
  kElo,
  kHipercard,
  // No public prefix range: only BIN data names it.
  kVpay,
};

// Stable upper-case names ("VISA", "AMERICAN_EXPRESS", ...), used in storage and logs.
absl::string_view CardBrandName(CardBrand brand);
// The brand of a CardBrandName; kUnknown for any other string.
CardBrand CardBrandFromName(absl::string_view name);

// True when `digits` is all ASCII digits and passes the mod-10 check. False for "".
bool PassesLuhn(absl::string_view digits);

// The most specific brand whose prefix range covers `digits` (e.g. Elo inside Visa's range is
// kElo). kUnknown when none matches. Looks at the prefix only, not the length.
CardBrand DetectBrand(absl::string_view digits);

// Whether a PAN of `length` digits is valid for `brand`. kUnknown accepts 12..19.
bool IsValidLengthForBrand(CardBrand brand, size_t length);

// Whether the brand's numbers are guaranteed to pass Luhn (China UnionPay's are not).
bool BrandRequiresLuhn(CardBrand brand);

// Security code length for `brand`: 4 for American Express, 3 otherwise.
size_t SecurityCodeLength(CardBrand brand);

}  // namespace pi::instruments::domain

#endif  // PI_SERVICES_INSTRUMENTS_DOMAIN_CARD_NUMBER_H_
