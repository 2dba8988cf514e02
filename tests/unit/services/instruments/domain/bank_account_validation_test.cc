#include "services/instruments/domain/bank_account_validation.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/error.h"
#include "services/common/secret.h"

namespace pi::instruments::domain {
namespace {

using common::FieldViolation;
using common::Secret;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

constexpr absl::string_view kPrefix = "payment_instrument";
constexpr char kAccountNumber[] = "123456789";

std::vector<std::string> FieldsOf(const std::vector<FieldViolation>& violations) {
  std::vector<std::string> fields;
  for (const FieldViolation& v : violations) fields.push_back(v.field);
  return fields;
}

std::string Path(absl::string_view field) {
  return absl::StrCat("payment_instrument.bank_account.", field);
}

NewBankAccount ValidUsAccount() {
  NewBankAccount account;
  account.identity_id = "IDowner1";
  account.account_number = Secret(std::string(kAccountNumber));
  account.routing_number = "021000021";
  account.account_type = BankAccountType::kChecking;
  account.holder_name = "Jane Doe";
  account.address = Address{"1 Main St", "", "Springfield", "CA", "94105", "USA"};
  account.tags = {{"order", "42"}};
  return account;
}

NewBankAccount ValidCanadianAccount() {
  NewBankAccount account;
  account.identity_id = "IDowner1";
  account.account_number = Secret(std::string("1234567"));
  account.institution_number = "001";
  account.transit_number = "12345";
  account.account_type = BankAccountType::kSavings;
  account.country = "CAN";
  account.holder_name = "Jean Tremblay";
  return account;
}

// `first_eight` followed by the digit that makes the ABA 3-7-1 checksum pass.
std::string WithCheckDigit(absl::string_view first_eight) {
  constexpr int kWeights[] = {3, 7, 1, 3, 7, 1, 3, 7};
  int sum = 0;
  for (int i = 0; i < 8; ++i) sum += (first_eight[i] - '0') * kWeights[i];
  return absl::StrCat(first_eight, (10 - sum % 10) % 10);
}

TEST(IsValidAbaRoutingNumberTest, KnownGoodNumbers) {
  for (absl::string_view routing : {"021000021", "011000015", "121000358", "322271627"}) {
    EXPECT_TRUE(IsValidAbaRoutingNumber(routing)) << routing;
  }
}

TEST(IsValidAbaRoutingNumberTest, BadChecksumLengthOrCharacters) {
  for (absl::string_view routing :
       {"123456789", "021000022", "02100002", "0210000210", "", "02100002a", "O21000021",
        " 21000021", "021 00021", "-21000021"}) {
    EXPECT_FALSE(IsValidAbaRoutingNumber(routing)) << "'" << routing << "'";
  }
}

TEST(IsValidAbaRoutingNumberTest, PrefixMustBeAFederalReserveRange) {
  // Every number here passes the checksum; only the first two digits decide.
  ASSERT_EQ(WithCheckDigit("02100002"), "021000021");  // the helper agrees with a known number
  EXPECT_FALSE(IsValidAbaRoutingNumber(WithCheckDigit("99100002")));  // "991000025"
  for (absl::string_view prefix : {"00", "01", "09", "12", "21", "26", "32", "61", "72", "80"}) {
    std::string routing = WithCheckDigit(absl::StrCat(prefix, "100002"));
    EXPECT_TRUE(IsValidAbaRoutingNumber(routing)) << routing;
  }
  for (absl::string_view prefix :
       {"13", "19", "20", "33", "50", "60", "73", "79", "81", "90", "99"}) {
    std::string routing = WithCheckDigit(absl::StrCat(prefix, "100002"));
    EXPECT_FALSE(IsValidAbaRoutingNumber(routing)) << routing;
  }
}

TEST(ValidateNewBankAccountTest, ValidUsAccountHasNoViolations) {
  EXPECT_THAT(ValidateNewBankAccount(ValidUsAccount(), kPrefix), IsEmpty());

  NewBankAccount explicit_usa = ValidUsAccount();
  explicit_usa.country = "USA";
  explicit_usa.currency = "USD";
  EXPECT_THAT(ValidateNewBankAccount(explicit_usa, kPrefix), IsEmpty());

  NewBankAccount minimal = ValidUsAccount();
  minimal.holder_name.clear();
  minimal.address.reset();
  minimal.tags.clear();
  EXPECT_THAT(ValidateNewBankAccount(minimal, kPrefix), IsEmpty());
}

TEST(ValidateNewBankAccountTest, UsAccountNumberIsFiveToSeventeenDigits) {
  for (size_t length : {5, 17}) {
    NewBankAccount account = ValidUsAccount();
    account.account_number = Secret(std::string(length, '7'));
    EXPECT_THAT(ValidateNewBankAccount(account, kPrefix), IsEmpty()) << length;
  }
  for (std::string bad : {"1234", "123456789012345678", "12345678a", "1234-5678"}) {
    NewBankAccount account = ValidUsAccount();
    account.account_number = Secret(std::string(bad));
    EXPECT_THAT(ValidateNewBankAccount(account, kPrefix),
                ElementsAre(FieldViolation{Path("account_number"), "must be 5 to 17 digits"}))
        << bad;
  }
  NewBankAccount missing = ValidUsAccount();
  missing.account_number = Secret();
  EXPECT_THAT(ValidateNewBankAccount(missing, kPrefix),
              ElementsAre(FieldViolation{Path("account_number"), "is required"}));
}

TEST(ValidateNewBankAccountTest, UsRoutingNumberIsRequiredAndChecked) {
  NewBankAccount missing = ValidUsAccount();
  missing.routing_number.clear();
  EXPECT_THAT(ValidateNewBankAccount(missing, kPrefix),
              ElementsAre(FieldViolation{Path("routing_number"), "is required"}));

  NewBankAccount bad = ValidUsAccount();
  bad.routing_number = "123456789";
  EXPECT_THAT(
      ValidateNewBankAccount(bad, kPrefix),
      ElementsAre(FieldViolation{Path("routing_number"), "is not a valid ABA routing number"}));
}

TEST(ValidateNewBankAccountTest, AccountTypeIsRequired) {
  NewBankAccount account = ValidUsAccount();
  account.account_type.reset();
  EXPECT_THAT(ValidateNewBankAccount(account, kPrefix),
              ElementsAre(FieldViolation{Path("account_type"), "is required"}));
}

TEST(ValidateNewBankAccountTest, CountryIsUsaOrCanada) {
  for (const char* country : {"MEX", "usa", "US", "GBR"}) {
    NewBankAccount account = ValidUsAccount();
    account.country = country;
    EXPECT_THAT(ValidateNewBankAccount(account, kPrefix),
                ElementsAre(FieldViolation{Path("country"), "must be USA or CAN"}))
        << country;
  }
}

TEST(ValidateNewBankAccountTest, CurrencyMustMatchTheCountry) {
  NewBankAccount us = ValidUsAccount();
  us.currency = "CAD";
  EXPECT_THAT(ValidateNewBankAccount(us, kPrefix),
              ElementsAre(FieldViolation{Path("currency"), "must be USD for USA"}));

  NewBankAccount canadian = ValidCanadianAccount();
  canadian.currency = "USD";
  EXPECT_THAT(ValidateNewBankAccount(canadian, kPrefix),
              ElementsAre(FieldViolation{Path("currency"), "must be CAD for CAN"}));
}

TEST(ValidateNewBankAccountTest, ValidCanadianAccountHasNoViolations) {
  for (const char* currency : {"", "CAD"}) {
    for (size_t length : {7, 12}) {
      NewBankAccount account = ValidCanadianAccount();
      account.currency = currency;
      account.account_number = Secret(std::string(length, '3'));
      EXPECT_THAT(ValidateNewBankAccount(account, kPrefix), IsEmpty())
          << "currency '" << currency << "', " << length << " digits";
    }
  }
}

TEST(ValidateNewBankAccountTest, CanadianAccountNumberIsSevenToTwelveDigits) {
  for (std::string bad : {"123456", "1234567890123", "12345x7"}) {
    NewBankAccount account = ValidCanadianAccount();
    account.account_number = Secret(std::string(bad));
    EXPECT_THAT(ValidateNewBankAccount(account, kPrefix),
                ElementsAre(FieldViolation{Path("account_number"), "must be 7 to 12 digits"}))
        << bad;
  }
}

TEST(ValidateNewBankAccountTest, CanadianInstitutionAndTransitNumbers) {
  NewBankAccount wrong = ValidCanadianAccount();
  wrong.institution_number = "01";
  wrong.transit_number = "1234";
  EXPECT_THAT(ValidateNewBankAccount(wrong, kPrefix),
              UnorderedElementsAre(FieldViolation{Path("institution_number"), "must be 3 digits"},
                                   FieldViolation{Path("transit_number"), "must be 5 digits"}));

  NewBankAccount letters = ValidCanadianAccount();
  letters.institution_number = "0A1";
  letters.transit_number = "123456";
  EXPECT_THAT(FieldsOf(ValidateNewBankAccount(letters, kPrefix)),
              UnorderedElementsAre(Path("institution_number"), Path("transit_number")));

  NewBankAccount missing = ValidCanadianAccount();
  missing.institution_number.clear();
  missing.transit_number.clear();
  EXPECT_THAT(ValidateNewBankAccount(missing, kPrefix),
              UnorderedElementsAre(FieldViolation{Path("institution_number"), "is required"},
                                   FieldViolation{Path("transit_number"), "is required"}));
}

TEST(ValidateNewBankAccountTest, CanadianAccountNeedsNoRoutingNumber) {
  NewBankAccount account = ValidCanadianAccount();
  account.routing_number.clear();
  EXPECT_THAT(ValidateNewBankAccount(account, kPrefix), IsEmpty());
}

TEST(ValidateNewBankAccountTest, OtherCountrysBankFieldsAreRefused) {
  NewBankAccount us = ValidUsAccount();
  us.institution_number = "001";
  us.transit_number = "12345";
  EXPECT_THAT(FieldsOf(ValidateNewBankAccount(us, kPrefix)),
              UnorderedElementsAre(Path("institution_number"), Path("transit_number")));
  NewBankAccount canadian = ValidCanadianAccount();
  canadian.routing_number = "021000021";
  EXPECT_THAT(FieldsOf(ValidateNewBankAccount(canadian, kPrefix)),
              ElementsAre(Path("routing_number")));
}

TEST(ValidateNewBankAccountTest, ReportsEveryMistakeAtOnce) {
  NewBankAccount account = ValidUsAccount();
  account.identity_id.clear();
  account.holder_name = std::string(121, 'h');
  account.tags = {{"note", std::string(501, 'v')}};
  account.address->country = "US";
  account.account_type.reset();
  account.account_number = Secret(std::string("1234"));
  account.routing_number = "123456789";
  account.currency = "CAD";

  EXPECT_THAT(
      FieldsOf(ValidateNewBankAccount(account, kPrefix)),
      UnorderedElementsAre("payment_instrument.identity", "payment_instrument.holder_name",
                           "payment_instrument.tags.note", "payment_instrument.address.country",
                           Path("account_type"), Path("account_number"), Path("routing_number"),
                           Path("currency")));
}

TEST(ValidateNewBankAccountTest, CanadianMistakesTogether) {
  NewBankAccount account = ValidCanadianAccount();
  account.account_number = Secret(std::string("12345"));
  account.institution_number = "01";
  account.transit_number = "1234";
  account.currency = "USD";
  EXPECT_THAT(FieldsOf(ValidateNewBankAccount(account, kPrefix)),
              UnorderedElementsAre(Path("account_number"), Path("institution_number"),
                                   Path("transit_number"), Path("currency")));
}

TEST(ValidateNewBankAccountTest, EmptyPrefixGivesBarePaths) {
  NewBankAccount account = ValidUsAccount();
  account.identity_id.clear();
  account.account_type.reset();
  EXPECT_THAT(FieldsOf(ValidateNewBankAccount(account, "")),
              UnorderedElementsAre("identity", "bank_account.account_type"));
}

TEST(ValidateNewBankAccountTest, DescriptionsNeverEchoTheAccountNumber) {
  // Each number is invalid for the account it is put in; a few other mistakes ride along.
  struct Case {
    const char* country;
    const char* number;
  };
  for (const Case& c :
       {Case{"", "987654321098765432"}, Case{"", "98765"}, Case{"", "9876543x21"},
        Case{"CAN", "98765432109876"}, Case{"CAN", "987654"}, Case{"", "98765432"}}) {
    NewBankAccount account = ValidUsAccount();
    account.country = c.country;
    account.account_number = Secret(std::string(c.number));
    account.routing_number = "987654321";
    account.currency = "EUR";
    std::vector<FieldViolation> violations = ValidateNewBankAccount(account, kPrefix);
    ASSERT_THAT(violations, Not(IsEmpty())) << c.number;
    for (const FieldViolation& v : violations) {
      EXPECT_THAT(v.description, Not(HasSubstr(c.number))) << v.field;
      EXPECT_THAT(v.field, Not(HasSubstr(c.number)));
    }
  }
}

TEST(BankCountryAndCurrencyTest, Defaults) {
  struct Case {
    const char* country;
    const char* currency;
    const char* want_country;
    const char* want_currency;
  };
  for (const Case& c :
       {Case{"", "", "USA", "USD"}, Case{"USA", "", "USA", "USD"}, Case{"CAN", "", "CAN", "CAD"},
        Case{"", "CAD", "USA", "CAD"}, Case{"CAN", "USD", "CAN", "USD"}}) {
    NewBankAccount account;
    account.country = c.country;
    account.currency = c.currency;
    EXPECT_EQ(BankCountry(account), c.want_country) << c.country << "/" << c.currency;
    EXPECT_EQ(BankCurrency(account), c.want_currency) << c.country << "/" << c.currency;
  }
}

TEST(MaskAccountNumberTest, KeepsOnlyTheLastFour) {
  struct Case {
    const char* number;
    const char* masked;
  };
  for (const Case& c : {Case{"123456789", "XXXXX6789"}, Case{"12345", "X2345"},
                        Case{"12345678901234567", "XXXXXXXXXXXXX4567"}, Case{"1234", "1234"},
                        Case{"123", "123"}, Case{"1", "1"}, Case{"", ""}}) {
    EXPECT_EQ(MaskAccountNumber(c.number), c.masked) << c.number;
  }
}

TEST(MaskBankAccountTest, UsAccount) {
  NewBankAccount account = ValidUsAccount();
  account.account_type = BankAccountType::kBusinessChecking;
  MaskedBankAccount expected{
      "XXXXX6789", "6789", "021000021", "", "", BankAccountType::kBusinessChecking, "USA"};
  expected.validation_check = BankValidationCheck::kNotAttempted;
  EXPECT_EQ(MaskBankAccount(account), expected);
}

TEST(MaskBankAccountTest, CanadianAccount) {
  NewBankAccount account = ValidCanadianAccount();
  account.account_number = Secret(std::string("000123456789"));
  MaskedBankAccount expected{"XXXXXXXX6789", "6789", "", "001", "12345", BankAccountType::kSavings,
                             "CAN"};
  EXPECT_EQ(MaskBankAccount(account), expected);
}

TEST(MaskBankAccountTest, NeverHoldsTheFullNumber) {
  MaskedBankAccount masked = MaskBankAccount(ValidUsAccount());
  EXPECT_THAT(masked.masked_account_number, Not(HasSubstr(kAccountNumber)));
  EXPECT_THAT(masked.masked_account_number, Not(HasSubstr("12345")));
  EXPECT_EQ(masked.last_four, "6789");
}

}  // namespace
}  // namespace pi::instruments::domain
