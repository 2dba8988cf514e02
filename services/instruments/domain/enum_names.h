// Stable names for domain enums (used in storage, logs and mapping), from one table per enum:
//   constexpr EnumName<CardType> kCardTypeNames[] = {{CardType::kCredit, "CREDIT"}, ...};
//   NameOf(kCardTypeNames, CardType::kCredit) == "CREDIT"
//   FromName(kCardTypeNames, "CREDIT") == CardType::kCredit
#ifndef PI_SERVICES_INSTRUMENTS_DOMAIN_ENUM_NAMES_H_
#define PI_SERVICES_INSTRUMENTS_DOMAIN_ENUM_NAMES_H_

#include <cstddef>
#include <optional>

#include "absl/strings/string_view.h"

namespace pi::instruments::domain {

template <typename Enum>
struct EnumName {
  Enum value;
  absl::string_view name;
};

// The name of `value`; the first entry's name when the table lacks it (tables list the
// fallback first).
template <typename Enum, size_t N>
constexpr absl::string_view NameOf(const EnumName<Enum> (&table)[N], Enum value) {
  for (const EnumName<Enum>& e : table) {
    if (e.value == value) return e.name;
  }
  return table[0].name;
}

template <typename Enum, size_t N>
constexpr std::optional<Enum> FromName(const EnumName<Enum> (&table)[N], absl::string_view name) {
  for (const EnumName<Enum>& e : table) {
    if (e.name == name) return e.value;
  }
  return std::nullopt;
}

}  // namespace pi::instruments::domain

#endif  // PI_SERVICES_INSTRUMENTS_DOMAIN_ENUM_NAMES_H_
