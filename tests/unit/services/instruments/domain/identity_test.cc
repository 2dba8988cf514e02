#include "services/instruments/domain/identity.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/error.h"
#include "services/instruments/domain/field_rules.h"

namespace pi::instruments::domain {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

Identity FullIdentity() {
  Identity identity;
  identity.external_id = "cust_42-a.b:c@shop";
  identity.first_name = "Jane";
  identity.last_name = "Doe";
  identity.email = "jane@example.com";
  identity.phone = "+1 (415) 555-0100";
  identity.address = Address{"1 Main St", "", "Springfield", "CA", "94105", "USA"};
  identity.tags = {{"segment", "gold"}};
  return identity;
}

// The paths of the violations ValidateNewIdentity reports for `identity`.
std::vector<std::string> ViolatedFields(const Identity& identity) {
  std::vector<std::string> fields;
  for (const common::FieldViolation& v : common::FieldViolationsOf(ValidateNewIdentity(identity))) {
    fields.push_back(v.field);
  }
  return fields;
}

TEST(ValidateNewIdentityTest, EmptyIdentityIsValidBecauseEveryFieldIsOptional) {
  EXPECT_TRUE(ValidateNewIdentity(Identity{}).ok());
}

TEST(ValidateNewIdentityTest, FullyPopulatedIdentityIsValid) {
  absl::Status status = ValidateNewIdentity(FullIdentity());
  EXPECT_TRUE(status.ok()) << status;
}

TEST(ValidateNewIdentityTest, ReportsEveryViolationAtOnceUnderIdentity) {
  Identity identity = FullIdentity();
  identity.external_id = "has space";
  identity.first_name = std::string(kMaxPersonNameLength + 1, 'a');
  identity.last_name = "Doe\n";
  identity.email = "not-an-email";
  identity.phone = "12";
  identity.tags = {{"", "empty key"}};
  identity.address->region = "California";

  absl::Status status = ValidateNewIdentity(identity);

  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(common::ErrorReasonOf(status), "INVALID_FIELDS");
  EXPECT_THAT(
      ViolatedFields(identity),
      ElementsAre("identity.external_id", "identity.first_name", "identity.last_name",
                  "identity.email", "identity.phone", "identity.tags", "identity.address.region"));
}

TEST(ValidateNewIdentityTest, ExternalIdAllowsItsCharacterSetUpToTheIdLimit) {
  Identity identity;
  identity.external_id = "AZaz09_-.:@";
  EXPECT_THAT(ViolatedFields(identity), IsEmpty());
  identity.external_id = std::string(kMaxIdLength, 'x');
  EXPECT_THAT(ViolatedFields(identity), IsEmpty());
}

TEST(ValidateNewIdentityTest, ExternalIdOutsideItsCharacterSetOrTooLongIsRejected) {
  for (const std::string& external_id :
       {std::string(kMaxIdLength + 1, 'x'), std::string("a b"), std::string("a/b"),
        std::string("a+b"), std::string("caf\xc3\xa9"), std::string("a\tb")}) {
    Identity identity;
    identity.external_id = external_id;
    EXPECT_THAT(ViolatedFields(identity), ElementsAre("identity.external_id")) << external_id;
  }
}

TEST(ValidateNewIdentityTest, NamesAreCountedInCharactersNotBytes) {
  Identity identity;
  // 100 two-byte characters: 200 bytes, still within the limit of 100 characters.
  std::string accented;
  for (size_t i = 0; i < kMaxPersonNameLength; ++i) accented += "\xc3\xa9";
  identity.first_name = accented;
  identity.last_name = std::string(kMaxPersonNameLength, 'b');
  EXPECT_THAT(ViolatedFields(identity), IsEmpty());

  identity.first_name += "\xc3\xa9";
  identity.last_name += "b";
  EXPECT_THAT(ViolatedFields(identity), ElementsAre("identity.first_name", "identity.last_name"));
}

TEST(ValidateNewIdentityTest, NamesWithControlCharactersAreRejected) {
  for (const std::string& name : {std::string("Ja\tne"), std::string("Jane\r"),
                                  std::string("Ja\x7fne"), std::string("Ja\0ne", 5)}) {
    Identity identity;
    identity.first_name = name;
    EXPECT_THAT(ViolatedFields(identity), ElementsAre("identity.first_name"));
  }
}

TEST(ValidateNewIdentityTest, EmailNeedsOneAtWithTextOnBothSides) {
  for (const char* email : {"a@b", "jane@example.com", "jane.doe+tag@sub.example.co.uk"}) {
    Identity identity;
    identity.email = email;
    EXPECT_THAT(ViolatedFields(identity), IsEmpty()) << email;
  }
  for (const char* email :
       {"jane", "@example.com", "jane@", "a@b@c", "jane doe@example.com", "jane@exam\nple.com"}) {
    Identity identity;
    identity.email = email;
    EXPECT_THAT(ViolatedFields(identity), ElementsAre("identity.email")) << email;
  }
}

TEST(ValidateNewIdentityTest, EmailIsLimitedTo254Characters) {
  const std::string domain = "@example.com";
  Identity identity;
  identity.email = std::string(kMaxEmailLength - domain.size(), 'a') + domain;
  EXPECT_THAT(ViolatedFields(identity), IsEmpty());
  identity.email = "a" + identity.email;
  EXPECT_THAT(ViolatedFields(identity), ElementsAre("identity.email"));
}

TEST(ValidateNewIdentityTest, PhoneIsDigitsWithSeparatorsAndALeadingPlus) {
  for (const char* phone : {"1234", "+44 20 7946 0958", "(415) 555-0100", "12345678901234567890"}) {
    Identity identity;
    identity.phone = phone;
    EXPECT_THAT(ViolatedFields(identity), IsEmpty()) << phone;
  }
  for (const char* phone :
       {"123",                                                       // fewer than four digits
        "1+234",                                                     // '+' only first
        "++1234", "12a45", "1234.5678", "123456789012345678901"}) {  // 21 characters
    Identity identity;
    identity.phone = phone;
    EXPECT_THAT(ViolatedFields(identity), ElementsAre("identity.phone")) << phone;
  }
}

TEST(ValidateNewIdentityTest, AddressAndTagsFollowTheSharedRules) {
  Identity identity;
  identity.address = Address{std::string(36, 'x'), "", "", "", "", "XXX"};
  identity.tags = {{"k", std::string(kMaxTagValueLength + 1, 'v')}};
  EXPECT_THAT(ViolatedFields(identity),
              ElementsAre("identity.tags.k", "identity.address.line1", "identity.address.country"));
}

TEST(ValidateNewIdentityTest, MessagesNeverEchoTheSubmittedValues) {
  Identity identity;
  identity.email = "secret-person@@example.com";
  identity.phone = "555-SECRET";
  identity.external_id = "who are you";

  absl::Status status = ValidateNewIdentity(identity);

  ASSERT_FALSE(status.ok());
  EXPECT_THAT(std::string(status.message()), Not(HasSubstr("secret-person")));
  for (const common::FieldViolation& v : common::FieldViolationsOf(status)) {
    EXPECT_THAT(v.description, Not(HasSubstr("secret-person"))) << v.field;
    EXPECT_THAT(v.description, Not(HasSubstr("SECRET"))) << v.field;
    EXPECT_THAT(v.description, Not(HasSubstr("who are you"))) << v.field;
  }
}

}  // namespace
}  // namespace pi::instruments::domain
