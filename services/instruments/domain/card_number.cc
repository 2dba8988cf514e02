#include "services/instruments/domain/card_number.h"

#include <array>
#include <cstdint>
#include <initializer_list>
#include <utility>

#include "absl/strings/ascii.h"
#include "services/instruments/domain/enum_names.h"

namespace pi::instruments::domain {
namespace {

// One prefix range: the first `digits` digits of the PAN, read as a number, lie in [low, high].
struct PrefixRange {
  int digits;
  uint32_t low;
  uint32_t high;
  CardBrand brand;
};

// Public IIN ranges. Narrow ranges that sit inside broader ones (Elo and Visa Electron inside
// Visa, Maestro inside Mastercard/Discover space, Hipercard inside Discover) have longer
// prefixes, and the longest matching prefix wins.
constexpr PrefixRange kRanges[] = {
    {1, 4, 4, CardBrand::kVisa},
    {4, 4026, 4026, CardBrand::kVisaElectron},
    {6, 417500, 417500, CardBrand::kVisaElectron},
    {4, 4508, 4508, CardBrand::kVisaElectron},
    {4, 4844, 4844, CardBrand::kVisaElectron},
    {4, 4913, 4913, CardBrand::kVisaElectron},
    {4, 4917, 4917, CardBrand::kVisaElectron},
    {2, 51, 55, CardBrand::kMastercard},
    {4, 2221, 2720, CardBrand::kMastercard},
    {2, 34, 34, CardBrand::kAmericanExpress},
    {2, 37, 37, CardBrand::kAmericanExpress},
    {4, 6011, 6011, CardBrand::kDiscover},
    {3, 644, 649, CardBrand::kDiscover},
    {2, 65, 65, CardBrand::kDiscover},
    {6, 622126, 622925, CardBrand::kDiscover},
    {4, 3528, 3589, CardBrand::kJcb},
    {3, 300, 305, CardBrand::kDinersClub},
    {4, 3095, 3095, CardBrand::kDinersClub},
    {2, 36, 36, CardBrand::kDinersClub},
    {2, 38, 39, CardBrand::kDinersClub},
    {2, 62, 62, CardBrand::kChinaUnionPay},
    {2, 81, 81, CardBrand::kChinaUnionPay},
    {4, 5018, 5018, CardBrand::kMaestro},
    {4, 5020, 5020, CardBrand::kMaestro},
    {4, 5038, 5038, CardBrand::kMaestro},
    {4, 5893, 5893, CardBrand::kMaestro},
    {4, 6304, 6304, CardBrand::kMaestro},
    {4, 6759, 6759, CardBrand::kMaestro},
    {4, 6761, 6763, CardBrand::kMaestro},
    {6, 401178, 401179, CardBrand::kElo},
    {6, 431274, 431274, CardBrand::kElo},
    {6, 438935, 438935, CardBrand::kElo},
    {6, 451416, 451416, CardBrand::kElo},
    {6, 457393, 457393, CardBrand::kElo},
    {6, 457631, 457632, CardBrand::kElo},
    {6, 504175, 504175, CardBrand::kElo},
    {6, 506699, 506778, CardBrand::kElo},
    {6, 509000, 509999, CardBrand::kElo},
    {6, 627780, 627780, CardBrand::kElo},
    {6, 636297, 636297, CardBrand::kElo},
    {6, 636368, 636368, CardBrand::kElo},
    {6, 650031, 650033, CardBrand::kElo},
    {6, 650035, 650051, CardBrand::kElo},
    {6, 650405, 650439, CardBrand::kElo},
    {6, 650485, 650538, CardBrand::kElo},
    {6, 650541, 650598, CardBrand::kElo},
    {6, 650700, 650718, CardBrand::kElo},
    {6, 650720, 650727, CardBrand::kElo},
    {6, 650901, 650978, CardBrand::kElo},
    {6, 651652, 651679, CardBrand::kElo},
    {6, 655000, 655019, CardBrand::kElo},
    {6, 655021, 655058, CardBrand::kElo},
    {6, 606282, 606282, CardBrand::kHipercard},
    {6, 384100, 384100, CardBrand::kHipercard},
    {6, 384140, 384140, CardBrand::kHipercard},
    {6, 384160, 384160, CardBrand::kHipercard},
};

bool AllDigits(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool LengthIn(size_t length, std::initializer_list<size_t> allowed) {
  for (size_t a : allowed) {
    if (a == length) return true;
  }
  return false;
}

constexpr EnumName<CardBrand> kBrandNames[] = {
    {CardBrand::kUnknown, "UNKNOWN"},
    {CardBrand::kVisa, "VISA"},
    {CardBrand::kVisaElectron, "VISA_ELECTRON"},
    {CardBrand::kMastercard, "MASTERCARD"},
    {CardBrand::kAmericanExpress, "AMERICAN_EXPRESS"},
    {CardBrand::kDiscover, "DISCOVER"},
    {CardBrand::kJcb, "JCB"},
    {CardBrand::kDinersClub, "DINERS_CLUB"},
    {CardBrand::kChinaUnionPay, "CHINA_UNION_PAY"},
    {CardBrand::kMaestro, "MAESTRO"},
    {CardBrand::kElo, "ELO"},
    {CardBrand::kHipercard, "HIPERCARD"},
    {CardBrand::kVpay, "VPAY"},
};

}  // namespace

absl::string_view CardBrandName(CardBrand brand) { return NameOf(kBrandNames, brand); }

CardBrand CardBrandFromName(absl::string_view name) {
  return FromName(kBrandNames, name).value_or(CardBrand::kUnknown);
}

bool PassesLuhn(absl::string_view digits) {
  if (digits.empty() || !AllDigits(digits)) return false;
  int sum = 0;
  bool double_it = false;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    int d = *it - '0';
    if (double_it) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double_it = !double_it;
  }
  return sum % 10 == 0;
}

CardBrand DetectBrand(absl::string_view digits) {
  // Read the leading digits (at most six) once; a k-digit range compares the first k of them.
  constexpr uint32_t kPow10[] = {1, 10, 100, 1000, 10000, 100000, 1000000};
  int available = 0;
  uint32_t leading = 0;
  for (; available < 6 && available < static_cast<int>(digits.size()); ++available) {
    char c = digits[available];
    if (c < '0' || c > '9') break;
    leading = leading * 10 + static_cast<uint32_t>(c - '0');
  }
  CardBrand best = CardBrand::kUnknown;
  int best_digits = 0;
  for (const PrefixRange& r : kRanges) {
    if (r.digits > available || r.digits <= best_digits) continue;
    uint32_t prefix = leading / kPow10[available - r.digits];
    if (prefix >= r.low && prefix <= r.high) {
      best = r.brand;
      best_digits = r.digits;
    }
  }
  return best;
}

bool IsValidLengthForBrand(CardBrand brand, size_t length) {
  switch (brand) {
    case CardBrand::kVisa:
      return LengthIn(length, {13, 16, 19});
    case CardBrand::kVisaElectron:
    case CardBrand::kMastercard:
    case CardBrand::kElo:
      return length == 16;
    case CardBrand::kHipercard:
      return LengthIn(length, {16, 19});
    case CardBrand::kAmericanExpress:
      return length == 15;
    case CardBrand::kDiscover:
    case CardBrand::kJcb:
    case CardBrand::kChinaUnionPay:
      return length >= 16 && length <= 19;
    case CardBrand::kDinersClub:
      return length >= 14 && length <= 19;
    case CardBrand::kMaestro:
    case CardBrand::kVpay:
    case CardBrand::kUnknown:
      return length >= 12 && length <= 19;
  }
  return false;
}

bool BrandRequiresLuhn(CardBrand brand) { return brand != CardBrand::kChinaUnionPay; }

size_t SecurityCodeLength(CardBrand brand) {
  return brand == CardBrand::kAmericanExpress ? 4 : 3;
}

}  // namespace pi::instruments::domain
