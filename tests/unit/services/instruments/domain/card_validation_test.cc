#include "services/instruments/domain/card_validation.h"

#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
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

constexpr absl::string_view kPrefix = "payment_instrument";

// 2025-06-15 12:00 UTC: every test judges expiry against this instant.
absl::Time Now() {
  return absl::FromCivil(absl::CivilSecond(2025, 6, 15, 12, 0, 0), absl::UTCTimeZone());
}

Address ValidAddress() { return {"1 Main St", "Apt 2", "Springfield", "CA", "94105", "USA"}; }

NewCard ValidCard(std::string number = "4111111111111111", std::string code = "123") {
  NewCard card;
  card.identity_id = "IDabc123";
  card.number = Secret(std::move(number));
  card.security_code = Secret(std::move(code));
  card.expiration_month = 12;
  card.expiration_year = 2030;
  card.holder_name = "Jane Doe";
  card.address = ValidAddress();
  card.tags = {{"order", "42"}};
  return card;
}

std::vector<std::string> FieldsOf(const std::vector<FieldViolation>& violations) {
  std::vector<std::string> fields;
  for (const FieldViolation& v : violations) fields.push_back(v.field);
  return fields;
}

TEST(ValidateNewCardTest, ValidCardHasNoViolations) {
  EXPECT_THAT(ValidateNewCard(ValidCard(), Now(), kPrefix), IsEmpty());
}

TEST(ValidateNewCardTest, ValidCardsOfEveryCommonBrandHaveNoViolations) {
  struct Case {
    const char* number;
    const char* code;
  };
  for (const Case& c : {Case{"5555555555554444", "123"}, Case{"378282246310005", "1234"},
                        Case{"6011111111111117", "123"}, Case{"3530111333300000", "123"},
                        Case{"36227206271667", "123"}, Case{"2223003122003222", "123"}}) {
    EXPECT_THAT(ValidateNewCard(ValidCard(c.number, c.code), Now(), kPrefix), IsEmpty())
        << c.number;
  }
}

TEST(ValidateNewCardTest, OptionalPartsMayBeAbsent) {
  NewCard card = ValidCard();
  card.security_code.Clear();
  card.address.reset();
  card.holder_name.clear();
  card.tags.clear();

  EXPECT_THAT(ValidateNewCard(card, Now(), kPrefix), IsEmpty());
}

TEST(ValidateNewCardTest, ReportsEveryMistakeOncePerFieldWithCanonicalPaths) {
  NewCard card;
  card.identity_id = "";
  card.number = Secret(std::string("4111x11111111111"));
  card.security_code = Secret(std::string("12a"));
  card.expiration_month = 13;
  card.expiration_year = 99;
  card.holder_name = std::string(kMaxHolderNameLength + 1, 'a');
  card.address = Address{std::string(36, 'l'), "", std::string(21, 'c'), "cal", "94105", "US"};

  std::vector<FieldViolation> violations = ValidateNewCard(card, Now(), kPrefix);

  EXPECT_THAT(
      FieldsOf(violations),
      ElementsAre("payment_instrument.identity", "payment_instrument.card.number",
                  "payment_instrument.card.expiration_month",
                  "payment_instrument.card.expiration_year",
                  "payment_instrument.card.security_code", "payment_instrument.holder_name",
                  "payment_instrument.address.line1", "payment_instrument.address.city",
                  "payment_instrument.address.region", "payment_instrument.address.country"));
  EXPECT_THAT(
      violations,
      ElementsAre(
          FieldViolation{"payment_instrument.identity", "is required"},
          FieldViolation{"payment_instrument.card.number", "must contain digits only"},
          FieldViolation{"payment_instrument.card.expiration_month", "must be between 1 and 12"},
          FieldViolation{"payment_instrument.card.expiration_year", "must be a four-digit year"},
          FieldViolation{"payment_instrument.card.security_code", "must be 3 digits"},
          FieldViolation{"payment_instrument.holder_name", "must be at most 120 characters"},
          FieldViolation{"payment_instrument.address.line1", "must be at most 35 characters"},
          FieldViolation{"payment_instrument.address.city", "must be at most 20 characters"},
          FieldViolation{"payment_instrument.address.region",
                         "must be a two-letter state or province code"},
          FieldViolation{"payment_instrument.address.country",
                         "must be an ISO 3166 alpha-3 country code"}));
}

TEST(ValidateNewCardTest, EmptyPrefixGivesBarePaths) {
  NewCard card = ValidCard();
  card.expiration_month = 0;
  card.address->city = std::string(21, 'c');

  EXPECT_THAT(FieldsOf(ValidateNewCard(card, Now(), "")),
              ElementsAre("card.expiration_month", "address.city"));
}

TEST(ValidateNewCardTest, MissingNumberIsRequired) {
  NewCard card = ValidCard("");

  EXPECT_THAT(ValidateNewCard(card, Now(), kPrefix),
              ElementsAre(FieldViolation{"payment_instrument.card.number", "is required"}));
}

TEST(ValidateNewCardTest, IdentityMustBeAnIdentifierOfBoundedLength) {
  for (std::string identity : {std::string("ID 1"), std::string("ID/1"), std::string("ID.1"),
                               std::string(kMaxIdLength + 1, 'a')}) {
    NewCard card = ValidCard();
    card.identity_id = identity;
    EXPECT_THAT(FieldsOf(ValidateNewCard(card, Now(), kPrefix)),
                ElementsAre("payment_instrument.identity"))
        << identity;
  }
  NewCard card = ValidCard();
  card.identity_id = std::string(kMaxIdLength, 'a');
  EXPECT_THAT(ValidateNewCard(card, Now(), kPrefix), IsEmpty());
  card.identity_id = "ID_a-b9";
  EXPECT_THAT(ValidateNewCard(card, Now(), kPrefix), IsEmpty());
}

TEST(ValidateNewCardTest, LuhnFailureDoesNotEchoTheNumber) {
  NewCard card = ValidCard("4111111111111112");

  std::vector<FieldViolation> violations = ValidateNewCard(card, Now(), kPrefix);

  ASSERT_THAT(FieldsOf(violations), ElementsAre("payment_instrument.card.number"));
  EXPECT_EQ(violations[0].description, "is not a valid card number (check digit mismatch)");
  EXPECT_THAT(violations[0].description, Not(HasSubstr("4111111111111112")));
  EXPECT_THAT(violations[0].description, Not(HasSubstr("1112")));
  EXPECT_THAT(violations[0].description, Not(HasSubstr("411111")));
}

TEST(ValidateNewCardTest, WrongLengthForBrand) {
  // 15 digits is not a Visa length, 16 not an American Express one.
  for (const char* number : {"411111111111111", "3782822463100055"}) {
    NewCard card = ValidCard(number, "");
    std::vector<FieldViolation> violations = ValidateNewCard(card, Now(), kPrefix);
    ASSERT_THAT(FieldsOf(violations), ElementsAre("payment_instrument.card.number")) << number;
    EXPECT_THAT(violations[0].description, HasSubstr("invalid length")) << number;
    EXPECT_THAT(violations[0].description, Not(HasSubstr(number)));
  }
}

TEST(ValidateNewCardTest, UnionPayNeedNotPassLuhn) {
  ASSERT_FALSE(PassesLuhn("6200000000000001"));

  EXPECT_THAT(ValidateNewCard(ValidCard("6200000000000001"), Now(), kPrefix), IsEmpty());
}

TEST(ValidateNewCardTest, ExpiredCard) {
  NewCard card = ValidCard();
  card.expiration_month = 5;
  card.expiration_year = 2025;

  EXPECT_THAT(ValidateNewCard(card, Now(), kPrefix),
              ElementsAre(FieldViolation{"payment_instrument.card.expiration_year",
                                         "the card has expired"}));
}

TEST(ValidateNewCardTest, CardExpiringThisMonthIsValid) {
  NewCard card = ValidCard();
  card.expiration_month = 6;
  card.expiration_year = 2025;

  EXPECT_THAT(ValidateNewCard(card, Now(), kPrefix), IsEmpty());
}

TEST(ValidateNewCardTest, ExpiryIsJudgedAtTheInjectedNow) {
  NewCard card = ValidCard();
  card.expiration_month = 6;
  card.expiration_year = 2025;
  absl::Time july = absl::FromCivil(absl::CivilSecond(2025, 7, 1, 0, 0, 0), absl::UTCTimeZone());

  EXPECT_THAT(FieldsOf(ValidateNewCard(card, july, kPrefix)),
              ElementsAre("payment_instrument.card.expiration_year"));
}

TEST(ValidateNewCardTest, FarFutureYear) {
  NewCard card = ValidCard();
  card.expiration_year = 2025 + kMaxYearsAhead + 1;

  EXPECT_THAT(ValidateNewCard(card, Now(), kPrefix),
              ElementsAre(FieldViolation{"payment_instrument.card.expiration_year",
                                         "must be at most 50 years in the future"}));

  card.expiration_year = 2025 + kMaxYearsAhead;
  EXPECT_THAT(ValidateNewCard(card, Now(), kPrefix), IsEmpty());
}

TEST(ValidateNewCardTest, AmexNeedsAFourDigitCode) {
  std::vector<FieldViolation> violations =
      ValidateNewCard(ValidCard("378282246310005", "123"), Now(), kPrefix);

  EXPECT_THAT(violations, ElementsAre(FieldViolation{"payment_instrument.card.security_code",
                                                     "must be 4 digits"}));
  EXPECT_THAT(ValidateNewCard(ValidCard("378282246310005", "1234"), Now(), kPrefix), IsEmpty());
}

TEST(ValidateNewCardTest, VisaNeedsAThreeDigitCode) {
  for (const char* code : {"1234", "12", "12a", " 12"}) {
    EXPECT_THAT(
        ValidateNewCard(ValidCard("4111111111111111", code), Now(), kPrefix),
        ElementsAre(FieldViolation{"payment_instrument.card.security_code", "must be 3 digits"}))
        << code;
  }
}

TEST(ValidateNewCardTest, SecurityCodeMessageDoesNotEchoTheCode) {
  std::vector<FieldViolation> violations =
      ValidateNewCard(ValidCard("4111111111111111", "98765"), Now(), kPrefix);

  ASSERT_EQ(violations.size(), 1u);
  EXPECT_THAT(violations[0].description, Not(HasSubstr("98765")));
}

TEST(ValidateAddressTest, ValidAddressHasNoViolations) {
  EXPECT_THAT(ValidateAddress(ValidAddress(), "payment_instrument.address"), IsEmpty());
  EXPECT_THAT(ValidateAddress(Address{}, "payment_instrument.address"), IsEmpty());
}

TEST(ValidateAddressTest, LimitsAreInclusive) {
  Address address{std::string(35, 'a'), std::string(35, 'b'),
                  std::string(20, 'c'), "NY",
                  std::string(7, '9'),  "CAN"};

  EXPECT_THAT(ValidateAddress(address, "a"), IsEmpty());
}

TEST(ValidateAddressTest, EveryFieldIsChecked) {
  Address address{std::string(36, 'a'), std::string(36, 'b'),
                  std::string(21, 'c'), "ca",
                  std::string(8, '9'),  "usa"};

  EXPECT_THAT(
      FieldsOf(ValidateAddress(address, "payment_instrument.address")),
      ElementsAre("payment_instrument.address.line1", "payment_instrument.address.line2",
                  "payment_instrument.address.city", "payment_instrument.address.region",
                  "payment_instrument.address.postal_code", "payment_instrument.address.country"));
}

TEST(MaskCardTest, KeepsBinLastFourBrandAndExpiry) {
  MaskedCard masked = MaskCard(ValidCard());

  EXPECT_EQ(masked.bin, "411111");
  EXPECT_EQ(masked.last_four, "1111");
  EXPECT_EQ(masked.brand, CardBrand::kVisa);
  EXPECT_EQ(masked.expiration_month, 12);
  EXPECT_EQ(masked.expiration_year, 2030);
}

TEST(MaskCardTest, AmericanExpress) {
  MaskedCard masked = MaskCard(ValidCard("378282246310005", "1234"));

  EXPECT_EQ(masked, (MaskedCard{.bin = "378282",
                                .last_four = "0005",
                                .brand = CardBrand::kAmericanExpress,
                                .expiration_month = 12,
                                .expiration_year = 2030}));
}

TEST(MaskCardTest, DistinctBinAndLastFour) {
  MaskedCard masked = MaskCard(ValidCard("5555555555554444"));

  EXPECT_EQ(masked.bin, "555555");
  EXPECT_EQ(masked.last_four, "4444");
  EXPECT_EQ(masked.brand, CardBrand::kMastercard);
}

}  // namespace
}  // namespace pi::instruments::domain
