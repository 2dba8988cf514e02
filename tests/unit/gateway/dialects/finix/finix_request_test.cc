#include "gateway/dialects/finix/finix_request.h"

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pi::gateway::finix {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;
using ::testing::UnorderedElementsAreArray;

auto ShapeErrorOn(const std::string& field) { return Field(&core::ShapeError::field, field); }

auto ShapeErrorIs(const std::string& field, const std::string& message) {
  return AllOf(Field(&core::ShapeError::field, field), Field(&core::ShapeError::message, message));
}

// A card body as in seeds 002 and 003, with every field the dialect reads.
constexpr char kCardBody[] = R"({
  "type": "PAYMENT_CARD",
  "identity": "IDgWxBhfGYLLdkhxx2ddYf9K",
  "number": "5200828282828210",
  "expiration_month": 12,
  "expiration_year": 2029,
  "security_code": "022",
  "name": "Amy White",
  "address": {
    "line1": "900 Metro Center Blv",
    "line2": "Suite 200",
    "city": "San Francisco",
    "region": "CA",
    "postal_code": "94404",
    "country": "USA"
  },
  "tags": {"card_name": "Business Card", "order": "42"},
  "account_updater_enabled": true,
  "network_token_enabled": true
})";

v1::CreatePaymentInstrumentRequest Parse(const std::string& text,
                                         std::vector<core::ShapeError>& errors) {
  return ParseCreatePaymentInstrument(nlohmann::json::parse(text), errors);
}

TEST(ParseCreatePaymentInstrumentTest, MapsAFullCardBody) {
  std::vector<core::ShapeError> errors;

  v1::CreatePaymentInstrumentRequest request = Parse(kCardBody, errors);

  EXPECT_THAT(errors, IsEmpty());
  EXPECT_EQ(request.token(), "");
  EXPECT_EQ(request.request_id(), "");
  ASSERT_TRUE(request.has_payment_instrument());
  const v1::PaymentInstrument& pi = request.payment_instrument();
  EXPECT_EQ(pi.type(), v1::PAYMENT_CARD);
  EXPECT_EQ(pi.identity(), "IDgWxBhfGYLLdkhxx2ddYf9K");
  EXPECT_EQ(pi.holder_name(), "Amy White");
  std::map<std::string, std::string> tags(pi.tags().begin(), pi.tags().end());
  EXPECT_THAT(tags, ElementsAre(Pair("card_name", "Business Card"), Pair("order", "42")));
  ASSERT_TRUE(pi.has_address());
  EXPECT_EQ(pi.address().line1(), "900 Metro Center Blv");
  EXPECT_EQ(pi.address().line2(), "Suite 200");
  EXPECT_EQ(pi.address().city(), "San Francisco");
  EXPECT_EQ(pi.address().region(), "CA");
  EXPECT_EQ(pi.address().postal_code(), "94404");
  EXPECT_EQ(pi.address().country(), "USA");
  ASSERT_TRUE(pi.has_card());
  EXPECT_EQ(pi.card().number(), "5200828282828210");
  EXPECT_EQ(pi.card().security_code(), "022");
  EXPECT_EQ(pi.card().expiration_month(), 12);
  EXPECT_EQ(pi.card().expiration_year(), 2029);
  EXPECT_TRUE(pi.card().account_updater_enabled());
  EXPECT_TRUE(pi.card().network_token_enabled());
  // Output-only values are never taken from the body.
  EXPECT_EQ(pi.id(), "");
  EXPECT_EQ(pi.fingerprint(), "");
  EXPECT_EQ(pi.card().bin(), "");
  EXPECT_EQ(pi.card().last_four(), "");
  EXPECT_FALSE(pi.has_bank_account());
  EXPECT_FALSE(pi.has_wallet());
}

TEST(ParseCreatePaymentInstrumentTest, MinimalCardBodyLeavesOptionalFieldsUnset) {
  std::vector<core::ShapeError> errors;

  v1::CreatePaymentInstrumentRequest request = Parse(
      R"({"type": "PAYMENT_CARD", "identity": "ID1", "number": "4111111111111111",
          "expiration_month": 1, "expiration_year": 2030, "name": null, "address": null})",
      errors);

  EXPECT_THAT(errors, IsEmpty());
  const v1::PaymentInstrument& pi = request.payment_instrument();
  EXPECT_EQ(pi.type(), v1::PAYMENT_CARD);
  EXPECT_EQ(pi.holder_name(), "");
  EXPECT_FALSE(pi.has_address());
  EXPECT_TRUE(pi.tags().empty());
  ASSERT_TRUE(pi.has_card());
  EXPECT_EQ(pi.card().security_code(), "");
  EXPECT_EQ(pi.card().expiration_month(), 1);
  EXPECT_FALSE(pi.card().account_updater_enabled());
  EXPECT_FALSE(pi.card().network_token_enabled());
}

TEST(ParseCreatePaymentInstrumentTest, AddressWithOnlySomeLines) {
  std::vector<core::ShapeError> errors;

  v1::CreatePaymentInstrumentRequest request = Parse(
      R"({"type": "PAYMENT_CARD", "address": {"postal_code": "94404", "line2": null}})", errors);

  EXPECT_THAT(errors, IsEmpty());
  ASSERT_TRUE(request.payment_instrument().has_address());
  const v1::Address& a = request.payment_instrument().address();
  EXPECT_EQ(a.postal_code(), "94404");
  EXPECT_EQ(a.line1(), "");
  EXPECT_EQ(a.line2(), "");
  EXPECT_EQ(a.city(), "");
}

TEST(ParseCreatePaymentInstrumentTest, TokenAssociation) {
  std::vector<core::ShapeError> errors;

  v1::CreatePaymentInstrumentRequest request =
      Parse(R"({"type": "TOKEN", "token": "TK1", "identity": "ID1"})", errors);

  EXPECT_THAT(errors, IsEmpty());
  EXPECT_EQ(request.token(), "TK1");
  EXPECT_EQ(request.payment_instrument().type(), v1::TOKEN);
  EXPECT_EQ(request.payment_instrument().identity(), "ID1");
  EXPECT_FALSE(request.payment_instrument().has_card());
  EXPECT_FALSE(request.payment_instrument().has_address());
}

TEST(ParseCreatePaymentInstrumentTest, CardFieldsAreIgnoredForOtherTypes) {
  std::vector<core::ShapeError> errors;

  v1::CreatePaymentInstrumentRequest request =
      Parse(R"({"type": "TOKEN", "token": "TK1", "identity": "ID1",
                "number": "4111111111111111", "expiration_month": 12})",
            errors);

  EXPECT_THAT(errors, IsEmpty());
  EXPECT_FALSE(request.payment_instrument().has_card());
}

TEST(ParseCreatePaymentInstrumentTest, EveryDocumentedTypeIsAccepted) {
  const std::pair<const char*, v1::InstrumentType> kTypes[] = {
      {"PAYMENT_CARD", v1::PAYMENT_CARD},
      {"BANK_ACCOUNT", v1::BANK_ACCOUNT},
      {"APPLE_PAY", v1::APPLE_PAY},
      {"GOOGLE_PAY", v1::GOOGLE_PAY},
      {"TOKEN", v1::TOKEN},
  };
  for (const auto& [name, type] : kTypes) {
    std::vector<core::ShapeError> errors;
    nlohmann::json body = {{"type", name}, {"identity", "ID1"}};

    v1::CreatePaymentInstrumentRequest request = ParseCreatePaymentInstrument(body, errors);

    EXPECT_THAT(errors, IsEmpty()) << name;
    EXPECT_EQ(request.payment_instrument().type(), type) << name;
  }
}

TEST(ParseCreatePaymentInstrumentTest, UnknownTypeIsAShapeErrorOnType) {
  const char* kTypes[] = {"FOO", "payment_card", "INSTRUMENT_TYPE_UNSPECIFIED", ""};
  for (const char* type : kTypes) {
    std::vector<core::ShapeError> errors;
    nlohmann::json body = {{"type", type}, {"identity", "ID1"}, {"number", "4111111111111111"}};

    v1::CreatePaymentInstrumentRequest request = ParseCreatePaymentInstrument(body, errors);

    EXPECT_THAT(errors,
                ElementsAre(ShapeErrorIs("type",
                                         "must be one of PAYMENT_CARD, BANK_ACCOUNT, APPLE_PAY, "
                                         "GOOGLE_PAY, TOKEN")))
        << "type '" << type << "'";
    EXPECT_EQ(request.payment_instrument().type(), v1::INSTRUMENT_TYPE_UNSPECIFIED) << type;
  }
}

TEST(ParseCreatePaymentInstrumentTest, MissingOrMistypedTypeIsAShapeError) {
  std::vector<core::ShapeError> missing;
  Parse(R"({"identity": "ID1"})", missing);
  std::vector<core::ShapeError> mistyped;
  Parse(R"({"type": 1, "identity": "ID1"})", mistyped);

  EXPECT_THAT(missing, ElementsAre(ShapeErrorIs("type", "is required")));
  EXPECT_THAT(mistyped, ElementsAre(ShapeErrorIs("type", "must be a string")));
}

TEST(ParseCreatePaymentInstrumentTest, WrongJsonTypesAreAllReportedTogether) {
  std::vector<core::ShapeError> errors;

  Parse(R"({"type": "PAYMENT_CARD", "identity": "ID1",
            "number": 4111111111111111, "expiration_month": "12", "expiration_year": 2029,
            "tags": {"card_name": 7}, "address": "900 Metro Center Blv"})",
        errors);

  EXPECT_THAT(errors, UnorderedElementsAre(ShapeErrorOn("number"), ShapeErrorOn("expiration_month"),
                                           ShapeErrorOn("tags"), ShapeErrorOn("address")));
}

TEST(ParseCreatePaymentInstrumentTest, EveryMistypedFieldIsNamed) {
  std::vector<core::ShapeError> errors;

  Parse(R"({"type": "PAYMENT_CARD", "identity": 1, "name": 2, "token": 3,
            "number": 4, "security_code": 5, "expiration_month": 6.5,
            "expiration_year": "2029", "account_updater_enabled": "true",
            "network_token_enabled": 1, "tags": [],
            "address": {"line1": 1, "line2": 2, "city": 3, "region": 4, "postal_code": 94404,
                        "country": 6}})",
        errors);

  std::vector<std::string> fields;
  for (const core::ShapeError& e : errors) fields.push_back(e.field);
  EXPECT_THAT(fields,
              UnorderedElementsAreArray(
                  {"identity", "name", "token", "number", "security_code", "expiration_month",
                   "expiration_year", "account_updater_enabled", "network_token_enabled", "tags",
                   "address.line1", "address.line2", "address.city", "address.region",
                   "address.postal_code", "address.country"}));
}

TEST(ParseCreatePaymentInstrumentTest, HugeExpirationYearDoesNotWrap) {
  std::vector<core::ShapeError> errors;

  // 99999999999 mod 2^32 is 1215752191; -99999999999 mod 2^32 is -1215752191.
  v1::CreatePaymentInstrumentRequest request =
      Parse(R"({"type": "PAYMENT_CARD", "expiration_year": 99999999999,
                "expiration_month": -99999999999})",
            errors);

  EXPECT_THAT(errors, IsEmpty());
  EXPECT_EQ(request.payment_instrument().card().expiration_year(),
            std::numeric_limits<int32_t>::max());
  EXPECT_EQ(request.payment_instrument().card().expiration_month(),
            std::numeric_limits<int32_t>::min());
}

TEST(ParseCreatePaymentInstrumentTest, Int32BoundsArePassedThrough) {
  std::vector<core::ShapeError> errors;

  v1::CreatePaymentInstrumentRequest request =
      Parse(R"({"type": "PAYMENT_CARD", "expiration_year": 2147483647,
                "expiration_month": -2147483648})",
            errors);

  EXPECT_THAT(errors, IsEmpty());
  EXPECT_EQ(request.payment_instrument().card().expiration_year(), 2147483647);
  EXPECT_EQ(request.payment_instrument().card().expiration_month(), -2147483647 - 1);
}

TEST(ParseCreatePaymentInstrumentTest, ExpirationYearPastInt64IsAShapeError) {
  std::vector<core::ShapeError> errors;

  v1::CreatePaymentInstrumentRequest request =
      Parse(R"({"type": "PAYMENT_CARD", "expiration_year": 18446744073709551615})", errors);

  EXPECT_THAT(errors, ElementsAre(ShapeErrorIs("expiration_year", "is out of range")));
  EXPECT_EQ(request.payment_instrument().card().expiration_year(), 0);
}

TEST(ParseCreatePaymentInstrumentTest, UnknownFieldsAreIgnored) {
  std::vector<core::ShapeError> errors;

  v1::CreatePaymentInstrumentRequest request =
      Parse(R"({"type": "TOKEN", "token": "TK1", "identity": "ID1", "fingerprint": "FPR1",
                "id": "PIx", "enabled": false})",
            errors);

  EXPECT_THAT(errors, IsEmpty());
  EXPECT_EQ(request.payment_instrument().id(), "");
  EXPECT_EQ(request.payment_instrument().fingerprint(), "");
}

// ---- ParseCreateIdentity -----------------------------------------------------------------------

// A Finix identity body with every field the dialect reads, and some it does not.
constexpr char kIdentityBody[] = R"({
  "entity": {
    "first_name": "Amy",
    "last_name": "White",
    "email": "amy@example.com",
    "phone": "+1 (415) 555-0100",
    "personal_address": {
      "line1": "900 Metro Center Blv",
      "line2": "Suite 200",
      "city": "San Francisco",
      "region": "CA",
      "postal_code": "94404",
      "country": "USA"
    },
    "business_name": "Amy's",
    "dob": {"day": 27, "month": 6, "year": 1978}
  },
  "tags": {"segment": "vip", "source": "web"},
  "identity_roles": ["BUYER"]
})";

v1::CreateIdentityRequest ParseIdentity(const std::string& text,
                                        std::vector<core::ShapeError>& errors) {
  return ParseCreateIdentity(nlohmann::json::parse(text), errors);
}

TEST(ParseCreateIdentityTest, MapsAFullBody) {
  std::vector<core::ShapeError> errors;

  v1::CreateIdentityRequest request = ParseIdentity(kIdentityBody, errors);

  EXPECT_THAT(errors, IsEmpty());
  EXPECT_EQ(request.request_id(), "");
  ASSERT_TRUE(request.has_identity());
  const v1::Identity& identity = request.identity();
  EXPECT_EQ(identity.first_name(), "Amy");
  EXPECT_EQ(identity.last_name(), "White");
  EXPECT_EQ(identity.email(), "amy@example.com");
  EXPECT_EQ(identity.phone(), "+1 (415) 555-0100");
  ASSERT_TRUE(identity.has_address());
  EXPECT_EQ(identity.address().line1(), "900 Metro Center Blv");
  EXPECT_EQ(identity.address().line2(), "Suite 200");
  EXPECT_EQ(identity.address().city(), "San Francisco");
  EXPECT_EQ(identity.address().region(), "CA");
  EXPECT_EQ(identity.address().postal_code(), "94404");
  EXPECT_EQ(identity.address().country(), "USA");
  std::map<std::string, std::string> tags(identity.tags().begin(), identity.tags().end());
  EXPECT_THAT(tags, ElementsAre(Pair("segment", "vip"), Pair("source", "web")));
  // Output-only and unknown values are never taken from the body.
  EXPECT_EQ(identity.name(), "");
  EXPECT_EQ(identity.id(), "");
  EXPECT_EQ(identity.application(), "");
  EXPECT_EQ(identity.external_id(), "");
  EXPECT_FALSE(identity.has_create_time());
}

TEST(ParseCreateIdentityTest, EmptyBodyIsAnEmptyIdentity) {
  std::vector<core::ShapeError> errors;

  v1::CreateIdentityRequest request = ParseIdentity("{}", errors);

  EXPECT_THAT(errors, IsEmpty());
  EXPECT_EQ(request.identity().first_name(), "");
  EXPECT_FALSE(request.identity().has_address());
  EXPECT_TRUE(request.identity().tags().empty());
}

TEST(ParseCreateIdentityTest, NullsAreAbsent) {
  std::vector<core::ShapeError> errors;

  v1::CreateIdentityRequest request = ParseIdentity(
      R"({"entity": {"first_name": "Amy", "last_name": null, "email": null, "phone": null,
                     "personal_address": null},
          "tags": null})",
      errors);
  std::vector<core::ShapeError> null_entity_errors;
  v1::CreateIdentityRequest null_entity =
      ParseIdentity(R"({"entity": null, "tags": {}})", null_entity_errors);

  EXPECT_THAT(errors, IsEmpty());
  EXPECT_EQ(request.identity().first_name(), "Amy");
  EXPECT_EQ(request.identity().last_name(), "");
  EXPECT_FALSE(request.identity().has_address());
  EXPECT_TRUE(request.identity().tags().empty());
  EXPECT_THAT(null_entity_errors, IsEmpty());
  EXPECT_EQ(null_entity.identity().first_name(), "");
}

TEST(ParseCreateIdentityTest, AddressWithOnlySomeLines) {
  std::vector<core::ShapeError> errors;

  v1::CreateIdentityRequest request = ParseIdentity(
      R"({"entity": {"personal_address": {"postal_code": "94404", "line2": null}}})", errors);

  EXPECT_THAT(errors, IsEmpty());
  ASSERT_TRUE(request.identity().has_address());
  EXPECT_EQ(request.identity().address().postal_code(), "94404");
  EXPECT_EQ(request.identity().address().line1(), "");
  EXPECT_EQ(request.identity().address().line2(), "");
}

TEST(ParseCreateIdentityTest, FieldsOutsideTheirFinixPlaceAreIgnored) {
  std::vector<core::ShapeError> errors;

  // Finix nests names and the address in `entity`; an `address` is a payment instrument's.
  v1::CreateIdentityRequest request = ParseIdentity(
      R"({"first_name": "Amy", "email": "amy@example.com", "address": {"city": "Oakland"},
          "entity": {"address": {"city": "Oakland"}, "tags": {"a": "b"}},
          "id": "IDforged", "application": "APother"})",
      errors);

  EXPECT_THAT(errors, IsEmpty());
  EXPECT_EQ(request.identity().first_name(), "");
  EXPECT_EQ(request.identity().email(), "");
  EXPECT_FALSE(request.identity().has_address());
  EXPECT_TRUE(request.identity().tags().empty());
  EXPECT_EQ(request.identity().id(), "");
  EXPECT_EQ(request.identity().application(), "");
}

TEST(ParseCreateIdentityTest, EveryMistypedFieldIsNamed) {
  std::vector<core::ShapeError> errors;

  ParseIdentity(R"({"entity": {"first_name": 1, "last_name": ["White"], "email": true,
                               "phone": 4155550100,
                               "personal_address": {"line1": 1, "line2": 2, "city": 3,
                                                    "region": 4, "postal_code": 94404,
                                                    "country": {}}},
                    "tags": {"segment": 7}})",
                errors);

  EXPECT_THAT(errors, UnorderedElementsAre(
                          ShapeErrorIs("entity.first_name", "must be a string"),
                          ShapeErrorIs("entity.last_name", "must be a string"),
                          ShapeErrorIs("entity.email", "must be a string"),
                          ShapeErrorIs("entity.phone", "must be a string"),
                          ShapeErrorIs("entity.personal_address.line1", "must be a string"),
                          ShapeErrorIs("entity.personal_address.line2", "must be a string"),
                          ShapeErrorIs("entity.personal_address.city", "must be a string"),
                          ShapeErrorIs("entity.personal_address.region", "must be a string"),
                          ShapeErrorIs("entity.personal_address.postal_code", "must be a string"),
                          ShapeErrorIs("entity.personal_address.country", "must be a string"),
                          ShapeErrorIs("tags", "value of 'segment' must be a string")));
}

TEST(ParseCreateIdentityTest, MistypedObjectsAreShapeErrors) {
  std::vector<core::ShapeError> entity_errors;
  ParseIdentity(R"({"entity": "Amy White", "tags": ["vip"]})", entity_errors);
  std::vector<core::ShapeError> address_errors;
  v1::CreateIdentityRequest request = ParseIdentity(
      R"({"entity": {"first_name": "Amy", "personal_address": "900 Metro Center Blv"}})",
      address_errors);

  EXPECT_THAT(entity_errors,
              UnorderedElementsAre(ShapeErrorIs("entity", "must be an object"),
                                   ShapeErrorIs("tags", "must be an object of string values")));
  EXPECT_THAT(address_errors,
              ElementsAre(ShapeErrorIs("entity.personal_address", "must be an object")));
  EXPECT_FALSE(request.identity().has_address());
  EXPECT_EQ(request.identity().first_name(), "Amy");
}

TEST(ParseCreateTokenTest, MapsTheCardNameAndAddressIntoTheToken) {
  std::vector<core::ShapeError> errors;
  v1::CreateTokenRequest request = ParseCreateToken(nlohmann::json::parse(R"({
    "type": "PAYMENT_CARD", "number": "4111111111111111", "security_code": "123",
    "expiration_month": 12, "expiration_year": 2040, "name": "Amy White",
    "address": {"postal_code": "94404", "country": "USA"}})"),
                                                    errors);
  EXPECT_TRUE(errors.empty());
  const v1::Token& token = request.token();
  EXPECT_EQ(token.type(), v1::PAYMENT_CARD);
  EXPECT_EQ(token.card().number(), "4111111111111111");
  EXPECT_EQ(token.card().security_code(), "123");
  EXPECT_EQ(token.card().expiration_month(), 12);
  EXPECT_EQ(token.holder_name(), "Amy White");
  EXPECT_EQ(token.address().postal_code(), "94404");
}

TEST(ParseCreateTokenTest, BankAccountTokensAndOnlyCardsOrBankAccounts) {
  std::vector<core::ShapeError> errors;
  v1::CreateTokenRequest bank = ParseCreateToken(nlohmann::json::parse(R"({
    "type": "BANK_ACCOUNT", "account_number": "123456789", "bank_code": "021000021",
    "account_type": "CHECKING"})"),
                                                 errors);
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(bank.token().bank_account().routing_number(), "021000021");
  ParseCreateToken(nlohmann::json::parse(R"({"type": "APPLE_PAY", "third_party_token": "x"})"),
                   errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].field, "type");
}

}  // namespace
}  // namespace pi::gateway::finix
