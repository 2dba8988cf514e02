#include "gateway/dialects/rebilly/rebilly_request.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pi::gateway::rebilly {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

auto ErrorOn(const std::string& field) { return Field(&core::ShapeError::field, field); }

std::vector<std::string> Fields(const std::vector<core::ShapeError>& errors) {
  std::vector<std::string> out;
  for (const auto& e : errors) out.push_back(e.field);
  return out;
}

nlohmann::json FramePayBody() {
  return nlohmann::json::parse(R"({
    "method": "payment-card",
    "paymentInstrument": {"pan": "4111111111111111", "expMonth": 7, "expYear": 2040,
                          "cvv": "123"},
    "billingAddress": {"firstName": "Jane", "lastName": "Van Doe", "address": "1 Main St",
                       "address2": "Apt 2", "city": "Austin", "region": "TX",
                       "country": "US", "postalCode": "78701",
                       "emails": [{"label": "main", "value": "j@example.com"}]}
  })");
}

TEST(RebillyAuthorizationTest, SchemeLessPublishableKeyBecomesBearer) {
  EXPECT_EQ(MapAuthorization("PKabc_secret", ""), "Bearer PKabc_secret");
  EXPECT_EQ(MapAuthorization("  PKabc_secret ", ""), "Bearer PKabc_secret");
}

TEST(RebillyAuthorizationTest, ValuesWithASchemeAreForwardedUntouched) {
  EXPECT_EQ(MapAuthorization("Bearer eyJ.a.b", ""), "Bearer eyJ.a.b");
  EXPECT_EQ(MapAuthorization("Bearer null", ""), "Bearer null");
  EXPECT_EQ(MapAuthorization("Basic abc", "ignored"), "Basic abc");
}

TEST(RebillyAuthorizationTest, RebApiKeyIsUsedOnlyWithoutAuthorization) {
  EXPECT_EQ(MapAuthorization("", "SKid_secret"), "Bearer SKid_secret");
  EXPECT_EQ(MapAuthorization("PKa_b", "SKid_secret"), "Bearer PKa_b");
  EXPECT_EQ(MapAuthorization("", ""), "");
}

TEST(RebillyRequestTest, FramePayTokenMapsEveryField) {
  std::vector<core::ShapeError> errors;
  v1::CreateTokenRequest request = ParseCreateToken(FramePayBody(), errors);
  ASSERT_THAT(errors, IsEmpty());
  const v1::Token& token = request.token();
  EXPECT_EQ(token.type(), v1::PAYMENT_CARD);
  EXPECT_EQ(token.card().number(), "4111111111111111");
  EXPECT_EQ(token.card().security_code(), "123");
  EXPECT_EQ(token.card().expiration_month(), 7);
  EXPECT_EQ(token.card().expiration_year(), 2040);
  EXPECT_EQ(token.holder_name(), "Jane Van Doe");
  EXPECT_EQ(token.address().line1(), "1 Main St");
  EXPECT_EQ(token.address().line2(), "Apt 2");
  EXPECT_EQ(token.address().city(), "Austin");
  EXPECT_EQ(token.address().region(), "TX");
  EXPECT_EQ(token.address().country(), "USA");
  EXPECT_EQ(token.address().postal_code(), "78701");
}

TEST(RebillyRequestTest, FramePayTokenReportsEveryShapeErrorWithRebillyNames) {
  nlohmann::json body = FramePayBody();
  body["method"] = "ach";
  body["paymentInstrument"].erase("pan");
  body["paymentInstrument"]["expMonth"] = "07";
  body["paymentInstrument"]["expYear"] = 40;
  body["billingAddress"].erase("firstName");
  body["billingAddress"]["country"] = "USA";
  body["billingAddress"]["postalCode"] = "12345678901";
  std::vector<core::ShapeError> errors;
  ParseCreateToken(body, errors);
  EXPECT_THAT(Fields(errors),
              UnorderedElementsAre("method", "paymentInstrument.pan", "paymentInstrument.expMonth",
                                   "paymentInstrument.expYear", "billingAddress.firstName",
                                   "billingAddress.country", "billingAddress.postalCode"));
}

TEST(RebillyRequestTest, FramePayTokenNeedsPaymentInstrumentAndBillingAddress) {
  std::vector<core::ShapeError> errors;
  ParseCreateToken(nlohmann::json::parse(R"({"method": "payment-card",
                                             "paymentInstrument": "4111"})"),
                   errors);
  EXPECT_THAT(Fields(errors), UnorderedElementsAre("paymentInstrument", "billingAddress"));
}

TEST(RebillyRequestTest, StorefrontCreateCarriesTokenAndCustomFieldsNotIdentity) {
  std::vector<core::ShapeError> errors;
  v1::CreateCustomerPaymentInstrumentRequest request = ParseCreatePaymentInstrument(
      nlohmann::json::parse(R"({"token": "TKabc", "customFields": {"plan": "gold"}})"), errors);
  ASSERT_THAT(errors, IsEmpty());
  EXPECT_EQ(request.token(), "TKabc");
  EXPECT_EQ(request.tags().at("plan"), "gold");
}

TEST(RebillyRequestTest, StorefrontCreateShapeErrors) {
  std::vector<core::ShapeError> errors;
  ParseCreatePaymentInstrument(nlohmann::json::parse(R"({"customFields": {"n": 1}})"), errors);
  EXPECT_THAT(errors, UnorderedElementsAre(ErrorOn("token"), ErrorOn("customFields")));
  errors.clear();
  ParseCreatePaymentInstrument(nlohmann::json::parse(R"({"token": ""})"), errors);
  EXPECT_THAT(errors, ElementsAre(ErrorOn("token")));
  errors.clear();
  ParseCreatePaymentInstrument(nlohmann::json::parse(R"({"token": 7})"), errors);
  EXPECT_THAT(errors, ElementsAre(ErrorOn("token")));
}

TEST(RebillyRequestTest, PatchBuildsTheMaskFromWhatIsPresent) {
  std::vector<core::ShapeError> errors;
  v1::UpdatePaymentInstrumentRequest request = ParseUpdatePaymentInstrument(
      nlohmann::json::parse(R"({"billingAddress": {"firstName": "Ann", "lastName": "Lee",
                                                   "postalCode": "10001", "country": "DE"},
                                "customFields": {"k": "v"}, "expYear": 2041,
                                "useAsBackup": false})"),
      errors);
  ASSERT_THAT(errors, IsEmpty());
  EXPECT_THAT(request.update_mask().paths(),
              ElementsAre("address", "holder_name", "card.expiration_year", "tags"));
  EXPECT_EQ(request.payment_instrument().holder_name(), "Ann Lee");
  EXPECT_EQ(request.payment_instrument().address().country(), "DEU");
  EXPECT_EQ(request.payment_instrument().address().postal_code(), "10001");
  EXPECT_EQ(request.payment_instrument().card().expiration_year(), 2041);
  EXPECT_EQ(request.payment_instrument().tags().at("k"), "v");

  errors.clear();
  request = ParseUpdatePaymentInstrument(nlohmann::json::object(), errors);
  EXPECT_THAT(errors, IsEmpty());
  EXPECT_THAT(request.update_mask().paths(), IsEmpty());
}

TEST(RebillyRequestTest, PatchShapeErrors) {
  std::vector<core::ShapeError> errors;
  ParseUpdatePaymentInstrument(
      nlohmann::json::parse(R"({"billingAddress": {"city": 5}, "expMonth": "x",
                                "useAsBackup": true})"),
      errors);
  EXPECT_THAT(Fields(errors),
              UnorderedElementsAre("billingAddress.city", "expMonth", "useAsBackup"));
}

}  // namespace
}  // namespace pi::gateway::rebilly
