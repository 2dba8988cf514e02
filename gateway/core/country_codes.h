// ISO 3166-1 country codes: alpha-2 (SumUp, Rebilly) <-> alpha-3 (the canonical API). A
// representation change for the dialects, not a rule: pi-server still judges the alpha-3 code.
// All 249 officially assigned codes. Pure functions: thread-safe.
#ifndef PI_GATEWAY_CORE_COUNTRY_CODES_H_
#define PI_GATEWAY_CORE_COUNTRY_CODES_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace pi::gateway::core {

// "DE" -> "DEU". nullopt for anything but an assigned upper-case alpha-2 code.
std::optional<std::string> Alpha2ToAlpha3(absl::string_view alpha2);

// "DEU" -> "DE". nullopt for anything but an assigned upper-case alpha-3 code.
std::optional<std::string> Alpha3ToAlpha2(absl::string_view alpha3);

}  // namespace pi::gateway::core

#endif  // PI_GATEWAY_CORE_COUNTRY_CODES_H_
