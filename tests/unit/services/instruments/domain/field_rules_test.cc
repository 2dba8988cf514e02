#include "services/instruments/domain/field_rules.h"

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/error.h"
#include "services/common/secret.h"
#include "services/instruments/domain/card_validation.h"

namespace pi::instruments::domain {
namespace {

using common::FieldViolation;
using common::Secret;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;
using ::testing::UnorderedElementsAre;

constexpr absl::string_view kPrefix = "payment_instrument";

std::vector<std::string> FieldsOf(const std::vector<FieldViolation>& violations) {
  std::vector<std::string> fields;
  for (const FieldViolation& v : violations) fields.push_back(v.field);
  return fields;
}

Address ValidAddress() { return {"1 Main St", "Apt 2", "Springfield", "CA", "94105", "USA"}; }

// The violations CheckAddress reports for `address` under "payment_instrument.address".
std::vector<FieldViolation> AddressViolations(const Address& address) {
  std::vector<FieldViolation> out;
  ViolationCollector v(out, kPrefix);
  ViolationCollector nested = v.Nested("address");
  CheckAddress(address, nested);
  return out;
}

std::vector<FieldViolation> TagViolations(const std::map<std::string, std::string>& tags) {
  std::vector<FieldViolation> out;
  ViolationCollector v(out, kPrefix);
  CheckTags(tags, "tags", v);
  return out;
}

std::vector<FieldViolation> IdentityViolations(absl::string_view id) {
  std::vector<FieldViolation> out;
  ViolationCollector v(out, kPrefix);
  CheckIdentityId(id, "identity", v);
  return out;
}

// `count` distinct tags "k00", "k01", ... with short values.
std::map<std::string, std::string> ManyTags(int count) {
  std::map<std::string, std::string> tags;
  for (int i = 0; i < count; ++i) tags[absl::StrCat("k", i < 10 ? "0" : "", i)] = "v";
  return tags;
}

TEST(IsIsoAlpha3CountryTest, AcceptsAssignedUpperCaseCodes) {
  // The first and last entries of the sorted list too, so a binary search off by one shows.
  for (absl::string_view code : {"USA", "CAN", "GBR", "DEU", "BRA", "ABW", "ZWE", "MEX", "JPN"}) {
    EXPECT_TRUE(IsIsoAlpha3Country(code)) << code;
  }
}

TEST(IsIsoAlpha3CountryTest, RejectsEverythingElse) {
  for (absl::string_view code :
       {"US", "usa", "Usa", "XXX", "UK", "", "USAA", " USA", "USA ", "GB", "AAA", "ZZZ"}) {
    EXPECT_FALSE(IsIsoAlpha3Country(code)) << "'" << code << "'";
  }
}

TEST(AllDigitsTest, OnlyAsciiDigits) {
  EXPECT_TRUE(AllDigits("0123456789"));
  EXPECT_FALSE(AllDigits("12a4"));
  EXPECT_FALSE(AllDigits("12 4"));
  EXPECT_FALSE(AllDigits("-1"));
  EXPECT_FALSE(AllDigits("\xd9\xa1"));  // ARABIC-INDIC DIGIT ONE
}

TEST(ViolationCollectorTest, AddPrefixesTheField) {
  std::vector<FieldViolation> out;
  ViolationCollector v(out, kPrefix);
  v.Add("identity", "is required");
  EXPECT_THAT(out, ElementsAre(FieldViolation{"payment_instrument.identity", "is required"}));
}

TEST(ViolationCollectorTest, EmptyPrefixGivesTheBareField) {
  std::vector<FieldViolation> out;
  ViolationCollector v(out, "");
  v.Add("identity", "is required");
  v.Nested("address").Add("city", "too long");
  EXPECT_THAT(out, ElementsAre(FieldViolation{"identity", "is required"},
                               FieldViolation{"address.city", "too long"}));
}

TEST(ViolationCollectorTest, NestedPathsAppendToTheSameListInOrder) {
  std::vector<FieldViolation> out;
  ViolationCollector v(out, kPrefix);
  ViolationCollector bank = v.Nested("bank_account");
  ViolationCollector deeper = bank.Nested("owner").Nested("address");
  v.Add("identity", "a");
  bank.Add("routing_number", "b");
  deeper.Add("line1", "c");
  v.Add("tags", "d");
  EXPECT_THAT(
      out, ElementsAre(FieldViolation{"payment_instrument.identity", "a"},
                       FieldViolation{"payment_instrument.bank_account.routing_number", "b"},
                       FieldViolation{"payment_instrument.bank_account.owner.address.line1", "c"},
                       FieldViolation{"payment_instrument.tags", "d"}));
}

TEST(ViolationCollectorTest, NestedDoesNotChangeItsParent) {
  std::vector<FieldViolation> out;
  ViolationCollector v(out, "a");
  ViolationCollector child = v.Nested("b");
  v.Add("c", "");
  child.Add("c", "");
  EXPECT_THAT(FieldsOf(out), ElementsAre("a.c", "a.b.c"));
}

TEST(CheckIdentityIdTest, Cases) {
  const std::string kRequired = "is required";
  const std::string kBadId = "must be an id of at most 64 letters, digits, '_' or '-'";
  struct Case {
    std::string id;
    std::string description;  // "" when valid
  };
  const Case cases[] = {
      {"", kRequired},
      {"IDabc123", ""},
      {"ID_a-b", ""},
      {std::string(kMaxIdLength, 'a'), ""},
      {std::string(kMaxIdLength + 1, 'a'), kBadId},
      {"ID abc", kBadId},
      {"ID.abc", kBadId},
      {"ID/abc", kBadId},
      {"IDab\xc3\xa9", kBadId},  // "IDabé"
      {std::string("ID\0x", 4), kBadId},
  };
  for (const Case& c : cases) {
    std::vector<FieldViolation> violations = IdentityViolations(c.id);
    if (c.description.empty()) {
      EXPECT_THAT(violations, IsEmpty()) << c.id;
    } else {
      EXPECT_THAT(violations,
                  ElementsAre(FieldViolation{"payment_instrument.identity", c.description}))
          << c.id;
    }
  }
}

TEST(CheckIdentityIdTest, UsesTheGivenFieldName) {
  std::vector<FieldViolation> out;
  ViolationCollector v(out, "payment_instrument.wallet");
  CheckIdentityId("", "merchant_identity", v);
  EXPECT_THAT(FieldsOf(out), ElementsAre("payment_instrument.wallet.merchant_identity"));
}

TEST(CheckHolderNameTest, AtMostTheLimit) {
  for (size_t length : {size_t{0}, size_t{1}, kMaxHolderNameLength}) {
    std::vector<FieldViolation> out;
    ViolationCollector v(out, kPrefix);
    CheckHolderName(std::string(length, 'n'), "holder_name", v);
    EXPECT_THAT(out, IsEmpty()) << length;
  }
  std::vector<FieldViolation> out;
  ViolationCollector v(out, kPrefix);
  CheckHolderName(std::string(kMaxHolderNameLength + 1, 'n'), "holder_name", v);
  EXPECT_THAT(out, ElementsAre(FieldViolation{"payment_instrument.holder_name",
                                              "must be at most 120 characters"}));
}

TEST(CheckHolderNameTest, RefusesControlCharacters) {
  for (std::string name : {std::string("Jo\x1b[2JDoe"), std::string("Jo\r\nDoe"),
                           std::string("Jo\x7f"), std::string("Jo\0Doe", 6)}) {
    std::vector<FieldViolation> out;
    ViolationCollector v(out, kPrefix);
    CheckHolderName(name, "holder_name", v);
    EXPECT_THAT(out, ElementsAre(FieldViolation{"payment_instrument.holder_name",
                                                "must not contain control characters"}));
  }
  std::vector<FieldViolation> out;
  ViolationCollector v(out, kPrefix);
  CheckHolderName("Zo\xc3\xab O'Brien-Sm\xc3\xafth", "holder_name", v);  // non-ASCII is fine
  EXPECT_THAT(out, IsEmpty());
}

// Limits count characters, not UTF-8 bytes: 70 Greek letters are 140 bytes but 70 characters.
TEST(CheckHolderNameTest, LimitCountsCharactersNotUtf8Bytes) {
  std::string name;
  for (int i = 0; i < 70; ++i) name += "\xce\xb1";  // U+03B1 GREEK SMALL LETTER ALPHA, 2 bytes
  ASSERT_EQ(name.size(), 140u);
  std::vector<FieldViolation> out;
  ViolationCollector v(out, kPrefix);
  CheckHolderName(name, "holder_name", v);
  EXPECT_THAT(out, IsEmpty());
}

TEST(CheckTagsTest, UpToTheLimitsIsValid) {
  EXPECT_THAT(TagViolations({}), IsEmpty());
  EXPECT_THAT(TagViolations(ManyTags(kMaxTags)), IsEmpty());
  EXPECT_THAT(TagViolations({{std::string(kMaxTagKeyLength, 'k'), ""},
                             {"k", std::string(kMaxTagValueLength, 'v')}}),
              IsEmpty());
}

TEST(CheckTagsTest, TooManyEntriesIsOneViolation) {
  std::map<std::string, std::string> tags = ManyTags(kMaxTags + 1);
  tags["k00"] = std::string(kMaxTagValueLength + 1, 'v');  // not reported on top
  ASSERT_THAT(tags, SizeIs(51));
  EXPECT_THAT(TagViolations(tags), ElementsAre(FieldViolation{"payment_instrument.tags",
                                                              "must have at most 50 entries"}));
}

TEST(CheckTagsTest, BadKeysAreReportedOnceAtTags) {
  const FieldViolation kBadKey{"payment_instrument.tags", "keys must be 1 to 40 characters"};
  EXPECT_THAT(TagViolations({{"", "v"}}), ElementsAre(kBadKey));
  EXPECT_THAT(TagViolations({{std::string(kMaxTagKeyLength + 1, 'k'), "v"}}), ElementsAre(kBadKey));
  EXPECT_THAT(TagViolations({{"", "v"}, {std::string(41, 'k'), "v"}}), ElementsAre(kBadKey));
}

TEST(CheckTagsTest, LongValueIsReportedAtItsKey) {
  std::string secret_looking = std::string(kMaxTagValueLength, 'v') + "Z";
  std::vector<FieldViolation> violations =
      TagViolations({{"note", secret_looking}, {"ok", "fine"}, {"zz", std::string(600, 'w')}});
  EXPECT_THAT(
      violations,
      ElementsAre(FieldViolation{"payment_instrument.tags.note", "must be at most 500 characters"},
                  FieldViolation{"payment_instrument.tags.zz", "must be at most 500 characters"}));
  for (const FieldViolation& v : violations) {
    EXPECT_THAT(v.description, Not(HasSubstr("vvvv")));
  }
}

TEST(CheckAddressTest, ValidAndEmptyAddressesPass) {
  EXPECT_THAT(AddressViolations(ValidAddress()), IsEmpty());
  EXPECT_THAT(AddressViolations(Address{}), IsEmpty());
}

TEST(CheckAddressTest, CountryMustBeAlpha3) {
  Address address = ValidAddress();
  address.country = "US";
  EXPECT_THAT(AddressViolations(address),
              ElementsAre(FieldViolation{"payment_instrument.address.country",
                                         "must be an ISO 3166 alpha-3 country code"}));
  for (const char* ok : {"GBR", "CAN", "USA", "DEU"}) {
    address.country = ok;
    EXPECT_THAT(AddressViolations(address), IsEmpty()) << ok;
  }
  for (const char* bad : {"usa", "XXX", "UK", "GB"}) {
    address.country = bad;
    EXPECT_THAT(FieldsOf(AddressViolations(address)),
                ElementsAre("payment_instrument.address.country"))
        << bad;
  }
}

TEST(CheckAddressTest, RegionIsTwoUpperCaseLetters) {
  Address address = ValidAddress();
  for (const char* ok : {"CA", "NY", "ON", ""}) {
    address.region = ok;
    EXPECT_THAT(AddressViolations(address), IsEmpty()) << ok;
  }
  for (const char* bad : {"Cal", "CAL", "ca", "Ca", "C", "C1", "C "}) {
    address.region = bad;
    EXPECT_THAT(AddressViolations(address),
                ElementsAre(FieldViolation{"payment_instrument.address.region",
                                           "must be a two-letter state or province code"}))
        << bad;
  }
}

TEST(CheckAddressTest, OutsideTheUsAndCanadaTheRegionIsAName) {
  Address address = ValidAddress();
  address.country = "DEU";
  for (const char* ok : {"Berlin", "Baden-W\xc3\xbcrttemberg", "BE", ""}) {
    address.region = ok;
    EXPECT_THAT(AddressViolations(address), IsEmpty()) << ok;
  }
  address.region = std::string(35, 'a');
  EXPECT_THAT(AddressViolations(address), IsEmpty());
  address.region = std::string(36, 'a');
  EXPECT_THAT(AddressViolations(address),
              ElementsAre(FieldViolation{"payment_instrument.address.region",
                                         "must be at most 35 characters"}));
  address.country = "CAN";
  address.region = "Ontario";
  EXPECT_THAT(FieldsOf(AddressViolations(address)),
              ElementsAre("payment_instrument.address.region"));
}

TEST(CheckAddressTest, LengthLimitsAreInclusive) {
  Address at_limit{std::string(35, 'a'), std::string(35, 'b'),
                   std::string(20, 'c'), "CA",
                   std::string(7, 'p'),  "USA"};
  EXPECT_THAT(AddressViolations(at_limit), IsEmpty());

  Address over{std::string(36, 'a'), std::string(36, 'b'),
               std::string(21, 'c'), "CA",
               std::string(8, 'p'),  "USA"};
  EXPECT_THAT(
      AddressViolations(over),
      UnorderedElementsAre(
          FieldViolation{"payment_instrument.address.line1", "must be at most 35 characters"},
          FieldViolation{"payment_instrument.address.line2", "must be at most 35 characters"},
          FieldViolation{"payment_instrument.address.city", "must be at most 20 characters"},
          FieldViolation{"payment_instrument.address.postal_code",
                         "must be at most 7 characters"}));
}

// One card request with ten independent mistakes: each is reported once, at its own path (in no
// particular order: the headers promise every violation, not an order).
TEST(EveryViolationTest, TenMistakesGiveTenViolationsWithTheirPaths) {
  NewCard card;
  card.identity_id = "";                                           // 1
  card.number = Secret(std::string("41111111111a1111"));           // 2
  card.security_code = Secret(std::string("12"));                  // 5: Visa needs 3 digits
  card.expiration_month = 0;                                       // 3
  card.expiration_year = 99;                                       // 4
  card.holder_name = std::string(121, 'h');                        // 6
  card.tags = {{"note", std::string(501, 'v')}, {"order", "42"}};  // 7
  card.address = Address{std::string(36, 'l'), "", "Springfield", "Cal", "94105", "US"};  // 8-10
  absl::Time now = absl::FromCivil(absl::CivilSecond(2025, 6, 15, 12, 0, 0), absl::UTCTimeZone());

  std::vector<FieldViolation> violations = ValidateNewCard(card, now, kPrefix);

  std::vector<std::string> fields = FieldsOf(violations);
  EXPECT_THAT(
      fields,
      UnorderedElementsAre(
          "payment_instrument.identity", "payment_instrument.card.number",
          "payment_instrument.card.expiration_month", "payment_instrument.card.expiration_year",
          "payment_instrument.card.security_code", "payment_instrument.holder_name",
          "payment_instrument.tags.note", "payment_instrument.address.line1",
          "payment_instrument.address.region", "payment_instrument.address.country"));
  EXPECT_THAT(std::set<std::string>(fields.begin(), fields.end()), SizeIs(10));
  for (const FieldViolation& v : violations) {
    EXPECT_THAT(v.description, Not(IsEmpty())) << v.field;
    EXPECT_THAT(v.description, Not(HasSubstr("41111111111a1111"))) << v.field;
  }
}

}  // namespace
}  // namespace pi::instruments::domain
