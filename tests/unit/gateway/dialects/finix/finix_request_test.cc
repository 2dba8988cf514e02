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

}  // namespace
}  // namespace pi::gateway::finix
