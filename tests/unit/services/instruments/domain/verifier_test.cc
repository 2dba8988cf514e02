#include "services/instruments/domain/verifier.h"

#include <optional>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/secret.h"

namespace pi::instruments::domain {
namespace {

using common::Secret;

NewCard CardWith(std::string security_code, std::optional<Address> address) {
  NewCard card;
  card.identity_id = "IDowner1";
  card.number = Secret(std::string("4111111111111111"));
  card.security_code = Secret(std::move(security_code));
  card.expiration_month = 12;
  card.expiration_year = 2030;
  card.address = std::move(address);
  return card;
}

Address AddressOf(std::string line1, std::string postal_code, std::string country) {
  Address address;
  address.line1 = std::move(line1);
  address.city = "Springfield";
  address.postal_code = std::move(postal_code);
  address.country = std::move(country);
  return address;
}

NewBankAccount AccountOf(std::string number, std::string country) {
  NewBankAccount account;
  account.identity_id = "IDowner1";
  account.account_number = Secret(std::move(number));
  account.routing_number = "021000021";
  account.account_type = BankAccountType::kChecking;
  account.country = std::move(country);
  return account;
}

TEST(SandboxVerifierTest, SecurityCodeRows) {
  struct Case {
    const char* code;
    SecurityCodeCheck want;
  };
  const Case cases[] = {
      {"", SecurityCodeCheck::kUnknown},       {"200", SecurityCodeCheck::kUnmatched},
      {"2000", SecurityCodeCheck::kUnmatched}, {"300", SecurityCodeCheck::kUnknown},
      {"3000", SecurityCodeCheck::kUnknown},   {"123", SecurityCodeCheck::kMatched},
      {"1234", SecurityCodeCheck::kMatched},   {"201", SecurityCodeCheck::kMatched},
      {"020", SecurityCodeCheck::kMatched},    {"30", SecurityCodeCheck::kMatched},
      {"999", SecurityCodeCheck::kMatched},
  };
  SandboxVerifier verifier;
  for (const Case& c : cases) {
    CardVerification result = verifier.VerifyCard(CardWith(c.code, std::nullopt));
    EXPECT_EQ(result.security_code, c.want)
        << "'" << c.code << "' gave " << SecurityCodeCheckName(result.security_code);
    EXPECT_EQ(result.address, AddressCheck::kNoAddress) << c.code;
  }
}

TEST(SandboxVerifierTest, AddressRows) {
  struct Case {
    const char* name;
    std::optional<Address> address;
    AddressCheck want;
  };
  const Case cases[] = {
      {"none", std::nullopt, AddressCheck::kNoAddress},
      {"unsupported country", AddressOf("1 Main St", "10115", "DEU"), AddressCheck::kNotSupported},
      {"unsupported country beats 99999", AddressOf("1 Main St", "99999", "DEU"),
       AddressCheck::kNotSupported},
      {"unsupported country, nothing else", AddressOf("", "", "FRA"), AddressCheck::kNotSupported},
      {"99999", AddressOf("1 Main St", "99999", "USA"), AddressCheck::kNoMatch},
      {"11111", AddressOf("1 Main St", "11111", "USA"), AddressCheck::kStreetMatch},
      {"11111 without line1", AddressOf("", "11111", "USA"), AddressCheck::kStreetMatch},
      {"22222", AddressOf("1 Main St", "22222", "USA"), AddressCheck::kUnknown},
      {"line1 and postal code", AddressOf("1 Main St", "94105", "USA"),
       AddressCheck::kPostalCodeAndStreetMatch},
      {"postal code only", AddressOf("", "94105", "USA"), AddressCheck::kPostalCodeMatch},
      {"line1 only", AddressOf("1 Main St", "", "USA"), AddressCheck::kStreetMatch},
      {"neither", AddressOf("", "", "USA"), AddressCheck::kNoAddress},
      {"CAN is supported", AddressOf("1 Rue Principale", "H2X1Y4", "CAN"),
       AddressCheck::kPostalCodeAndStreetMatch},
      {"GBR is supported", AddressOf("", "SW1A1AA", "GBR"), AddressCheck::kPostalCodeMatch},
  };
  SandboxVerifier verifier;
  for (const Case& c : cases) {
    CardVerification result = verifier.VerifyCard(CardWith("123", c.address));
    EXPECT_EQ(result.address, c.want) << c.name << " gave " << AddressCheckName(result.address);
    EXPECT_EQ(result.security_code, SecurityCodeCheck::kMatched) << c.name;
  }
}

TEST(SandboxVerifierTest, CodeAndAddressAreJudgedIndependently) {
  SandboxVerifier verifier;
  CardVerification result =
      verifier.VerifyCard(CardWith("200", AddressOf("1 Main St", "99999", "USA")));
  EXPECT_EQ(result.security_code, SecurityCodeCheck::kUnmatched);
  EXPECT_EQ(result.address, AddressCheck::kNoMatch);
}

TEST(SandboxVerifierTest, BankAccountRows) {
  struct Case {
    const char* number;
    const char* country;
    BankValidationCheck want;
  };
  const Case cases[] = {
      {"1234567", "CAN", BankValidationCheck::kNotAttempted},
      {"12340000", "CAN", BankValidationCheck::kNotAttempted},
      {"12349999", "CAN", BankValidationCheck::kNotAttempted},
      {"123450000", "", BankValidationCheck::kInvalid},
      {"123450000", "USA", BankValidationCheck::kInvalid},
      {"0000", "", BankValidationCheck::kInvalid},
      {"123459999", "", BankValidationCheck::kInconclusive},
      {"123459999", "USA", BankValidationCheck::kInconclusive},
      {"123456789", "", BankValidationCheck::kValid},
      {"123456789", "USA", BankValidationCheck::kValid},
      {"100001", "", BankValidationCheck::kValid},  // 0000 inside, not at the end
      {"99990", "", BankValidationCheck::kValid},   // 9999 inside, not at the end
      {"1234500000", "", BankValidationCheck::kInvalid},
  };
  SandboxVerifier verifier;
  for (const Case& c : cases) {
    BankValidationCheck got = verifier.VerifyBankAccount(AccountOf(c.number, c.country));
    EXPECT_EQ(got, c.want) << c.number << " in '" << c.country << "' gave "
                           << BankValidationCheckName(got);
  }
}

TEST(SandboxVerifierTest, UsableThroughTheInterface) {
  SandboxVerifier sandbox;
  const Verifier& verifier = sandbox;
  EXPECT_EQ(verifier.VerifyCard(CardWith("2000", std::nullopt)).security_code,
            SecurityCodeCheck::kUnmatched);
  EXPECT_EQ(verifier.VerifyBankAccount(AccountOf("123450000", "")), BankValidationCheck::kInvalid);
}

}  // namespace
}  // namespace pi::instruments::domain
