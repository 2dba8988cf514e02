#include "gateway/core/country_codes.h"

#include <optional>
#include <string>
#include <utility>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pi::gateway::core {
namespace {

TEST(CountryCodesTest, MapsAlpha2ToAlpha3AndBack) {
  const std::pair<const char*, const char*> kCases[] = {
      {"DE", "DEU"}, {"US", "USA"}, {"GB", "GBR"}, {"BR", "BRA"}, {"AD", "AND"},
      {"ZW", "ZWE"}, {"AX", "ALA"}, {"CW", "CUW"}, {"SS", "SSD"}, {"XK", ""},
  };
  for (const auto& [alpha2, alpha3] : kCases) {
    if (*alpha3 == '\0') {
      EXPECT_EQ(Alpha2ToAlpha3(alpha2), std::nullopt) << alpha2;  // user-assigned, not ISO
      continue;
    }
    EXPECT_EQ(Alpha2ToAlpha3(alpha2), alpha3) << alpha2;
    EXPECT_EQ(Alpha3ToAlpha2(alpha3), alpha2) << alpha3;
  }
}

TEST(CountryCodesTest, RefusesAnythingButAnAssignedUpperCaseCode) {
  for (const char* code : {"", "D", "de", "De", "DEU", "ZZ", "AA", " DE", "DE "}) {
    EXPECT_EQ(Alpha2ToAlpha3(code), std::nullopt) << '"' << code << '"';
  }
  for (const char* code : {"", "DE", "deu", "DEUT", "ZZZ"}) {
    EXPECT_EQ(Alpha3ToAlpha2(code), std::nullopt) << '"' << code << '"';
  }
}

TEST(CountryCodesTest, EveryAlpha2CodeRoundTrips) {
  int assigned = 0;
  for (char a = 'A'; a <= 'Z'; ++a) {
    for (char b = 'A'; b <= 'Z'; ++b) {
      const std::string alpha2{a, b};
      std::optional<std::string> alpha3 = Alpha2ToAlpha3(alpha2);
      if (!alpha3) continue;
      ++assigned;
      EXPECT_EQ(Alpha3ToAlpha2(*alpha3), alpha2);
    }
  }
  EXPECT_EQ(assigned, 249);  // ISO 3166-1's officially assigned codes
}

}  // namespace
}  // namespace pi::gateway::core
