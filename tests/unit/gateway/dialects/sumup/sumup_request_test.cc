#include "gateway/dialects/sumup/sumup_request.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pi::gateway::sumup {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

// The seed's request body with every field it documents.
constexpr char kSeedCardBody[] = R"({
  "type": "card",
  "card": {
    "name": "John Doe",
    "number": "4111111111111111",
    "expiry_year": "2029",
    "expiry_month": "07",
    "cvv": "123",
    "zip_code": "94404"
  }
})";

CardRequest ParseCard(const nlohmann::json& body, std::vector<core::ShapeError>& errors) {
  return ParseCreatePaymentInstrument(body, errors);
}

// The seed body with card.`field` replaced by `value`, or removed when `value` is discarded.
nlohmann::json CardWith(const std::string& field, const nlohmann::json& value) {
  nlohmann::json body = nlohmann::json::parse(kSeedCardBody);
  if (value.is_discarded()) {
    body["card"].erase(field);
  } else {
    body["card"][field] = value;
  }
  return body;
}

nlohmann::json Absent() { return nlohmann::json(nlohmann::json::value_t::discarded); }

std::vector<std::string> Fields(const std::vector<core::ShapeError>& errors) {
  std::vector<std::string> fields;
  for (const core::ShapeError& e : errors) fields.push_back(e.field);
  return fields;
}

// ---- ParseCreatePaymentInstrument -----------------------------------------------------------

TEST(SumUpParseCardTest, MapsTheSeedBody) {
  std::vector<core::ShapeError> errors;

  CardRequest parsed = ParseCard(nlohmann::json::parse(kSeedCardBody), errors);

  EXPECT_THAT(errors, IsEmpty());
  const v1::PaymentInstrument& pi = parsed.request.payment_instrument();
  EXPECT_EQ(pi.type(), v1::PAYMENT_CARD);
  EXPECT_EQ(pi.identity(), "");  // the handler sets it from the customer
  EXPECT_EQ(pi.holder_name(), "John Doe");
  EXPECT_EQ(pi.card().number(), "4111111111111111");
  EXPECT_EQ(pi.card().expiration_year(), 2029);
  EXPECT_EQ(pi.card().expiration_month(), 7);
  EXPECT_EQ(pi.card().security_code(), "123");
  EXPECT_EQ(pi.address().postal_code(), "94404");
  EXPECT_EQ(pi.address().line1(), "");
  EXPECT_EQ(parsed.request.token(), "");
  EXPECT_FALSE(parsed.mandate.has_value());
}

TEST(SumUpParseCardTest, TwoDigitYearsAreThisCentury) {
  std::vector<core::ShapeError> errors;

  CardRequest parsed = ParseCard(CardWith("expiry_year", "31"), errors);

  EXPECT_THAT(errors, IsEmpty());
  EXPECT_EQ(parsed.request.payment_instrument().card().expiration_year(), 2031);
}

TEST(SumUpParseCardTest, EveryMonthFrom01To12) {
  for (int month = 1; month <= 12; ++month) {
    std::vector<core::ShapeError> errors;
    char text[3];
    snprintf(text, sizeof text, "%02d", month);

    CardRequest parsed = ParseCard(CardWith("expiry_month", text), errors);

    EXPECT_THAT(errors, IsEmpty()) << text;
    EXPECT_EQ(parsed.request.payment_instrument().card().expiration_month(), month) << text;
  }
}

TEST(SumUpParseCardTest, ZipCodeIsOptional) {
  std::vector<core::ShapeError> errors;

  CardRequest parsed = ParseCard(CardWith("zip_code", Absent()), errors);

  EXPECT_THAT(errors, IsEmpty());
  EXPECT_FALSE(parsed.request.payment_instrument().has_address());
}

TEST(SumUpParseCardTest, LengthsCountCharactersNotBytes) {
  std::vector<core::ShapeError> errors;

  // Five characters, six bytes: shape passes; pi-server judges the value.
  CardRequest parsed = ParseCard(CardWith("zip_code",
                                          "\xC3\xBC"
                                          "1234"),
                                 errors);

  EXPECT_THAT(errors, IsEmpty());
  EXPECT_EQ(parsed.request.payment_instrument().address().postal_code(),
            "\xC3\xBC"
            "1234");
}

struct ShapeCase {
  const char* field;
  nlohmann::json value;
  const char* param;
};

TEST(SumUpParseCardTest, RefusesEveryShapeTheSeedRulesOut) {
  const std::vector<ShapeCase> kCases = {
      {"name", Absent(), "card.name"},
      {"name", nullptr, "card.name"},
      {"name", 42, "card.name"},
      {"number", Absent(), "card.number"},
      {"number", 4111111111111111, "card.number"},
      {"expiry_year", Absent(), "card.expiry_year"},
      {"expiry_year", 2029, "card.expiry_year"},
      {"expiry_year", "9", "card.expiry_year"},
      {"expiry_year", "202", "card.expiry_year"},
      {"expiry_year", "20290", "card.expiry_year"},
      {"expiry_year", "20a9", "card.expiry_year"},
      {"expiry_year", "+29", "card.expiry_year"},
      {"expiry_year", "", "card.expiry_year"},
      {"expiry_month", Absent(), "card.expiry_month"},
      {"expiry_month", 7, "card.expiry_month"},
      {"expiry_month", "7", "card.expiry_month"},
      {"expiry_month", "00", "card.expiry_month"},
      {"expiry_month", "13", "card.expiry_month"},
      {"expiry_month", "007", "card.expiry_month"},
      {"expiry_month", "July", "card.expiry_month"},
      {"cvv", Absent(), "card.cvv"},
      {"cvv", 123, "card.cvv"},
      {"cvv", "12", "card.cvv"},
      {"cvv", "12345", "card.cvv"},
      {"cvv", "", "card.cvv"},
      {"zip_code", 94404, "card.zip_code"},
      {"zip_code", "9440", "card.zip_code"},
      {"zip_code", "944041", "card.zip_code"},
      {"zip_code", "", "card.zip_code"},
  };
  for (const ShapeCase& c : kCases) {
    std::vector<core::ShapeError> errors;

    ParseCard(CardWith(c.field, c.value), errors);

    EXPECT_THAT(Fields(errors), ElementsAre(c.param)) << c.field << " = " << c.value.dump();
  }
}

TEST(SumUpParseCardTest, FourCharacterCvvIsShapeValid) {
  std::vector<core::ShapeError> errors;

  CardRequest parsed = ParseCard(CardWith("cvv", "1234"), errors);

  EXPECT_THAT(errors, IsEmpty());
  EXPECT_EQ(parsed.request.payment_instrument().card().security_code(), "1234");
}

TEST(SumUpParseCardTest, TypeMustBeCard) {
  for (const nlohmann::json& type :
       {nlohmann::json("CARD"), nlohmann::json("PAYMENT_CARD"), nlohmann::json("bank_account"),
        nlohmann::json(1), nlohmann::json(nullptr)}) {
    std::vector<core::ShapeError> errors;
    nlohmann::json body = nlohmann::json::parse(kSeedCardBody);
    body["type"] = type;

    ParseCard(body, errors);

    EXPECT_THAT(Fields(errors), ElementsAre("type")) << type.dump();
  }
}

TEST(SumUpParseCardTest, CardIsRequiredAndAnObject) {
  for (const nlohmann::json& card :
       {Absent(), nlohmann::json("4111111111111111"), nlohmann::json::array()}) {
    std::vector<core::ShapeError> errors;
    nlohmann::json body = nlohmann::json::parse(kSeedCardBody);
    if (card.is_discarded()) {
      body.erase("card");
    } else {
      body["card"] = card;
    }

    ParseCard(body, errors);

    EXPECT_THAT(Fields(errors), ElementsAre("card")) << card.dump();
  }
}

TEST(SumUpParseCardTest, ReportsEveryShapeErrorAtOnce) {
  std::vector<core::ShapeError> errors;

  ParseCard(nlohmann::json::parse(R"({"type": "card", "card": {"number": 4111, "expiry_year":
      "202", "expiry_month": "13", "cvv": "1", "zip_code": "1"}})"),
            errors);

  EXPECT_THAT(Fields(errors),
              UnorderedElementsAre("card.name", "card.number", "card.expiry_year",
                                   "card.expiry_month", "card.cvv", "card.zip_code"));
}

TEST(SumUpParseCardTest, AnEmptyBodyNeedsTypeAndCard) {
  std::vector<core::ShapeError> errors;

  ParseCard(nlohmann::json::object(), errors);

  EXPECT_THAT(Fields(errors), UnorderedElementsAre("type", "card"));
}

TEST(SumUpParseCardTest, ReadsAMandate) {
  std::vector<core::ShapeError> errors;
  nlohmann::json body = nlohmann::json::parse(kSeedCardBody);
  body["mandate"] = {
      {"type", "recurrent"}, {"user_agent", "Mozilla/5.0"}, {"user_ip", "172.217.169.174"}};

  CardRequest parsed = ParseCard(body, errors);

  EXPECT_THAT(errors, IsEmpty());
  ASSERT_TRUE(parsed.mandate.has_value());
  EXPECT_EQ(parsed.mandate->type, "recurrent");
  EXPECT_EQ(parsed.mandate->user_agent, "Mozilla/5.0");
  EXPECT_EQ(parsed.mandate->user_ip, "172.217.169.174");
}

TEST(SumUpParseCardTest, ChecksTheMandateShape) {
  const std::vector<std::pair<std::string, std::vector<std::string>>> kCases = {
      {R"("recurrent")", {"mandate"}},
      {R"({"user_agent": "Mozilla/5.0"})", {"mandate.type"}},
      {R"({"type": "single", "user_agent": "Mozilla/5.0"})", {"mandate.type"}},
      {R"({"type": "recurrent"})", {"mandate.user_agent"}},
      {R"({"type": "recurrent", "user_agent": "Mozilla/5.0", "user_ip": 17})", {"mandate.user_ip"}},
  };
  for (const auto& [mandate, params] : kCases) {
    std::vector<core::ShapeError> errors;
    nlohmann::json body = nlohmann::json::parse(kSeedCardBody);
    body["mandate"] = nlohmann::json::parse(mandate);

    ParseCard(body, errors);

    EXPECT_EQ(Fields(errors), params) << mandate;
  }
}

TEST(SumUpParseCardTest, NullMandateIsNoMandate) {
  std::vector<core::ShapeError> errors;
  nlohmann::json body = nlohmann::json::parse(kSeedCardBody);
  body["mandate"] = nullptr;

  CardRequest parsed = ParseCard(body, errors);

  EXPECT_THAT(errors, IsEmpty());
  EXPECT_FALSE(parsed.mandate.has_value());
}

// ---- ParseCreateCustomer --------------------------------------------------------------------

// SumUp's public example of a customer.
constexpr char kCustomerBody[] = R"({
  "customer_id": "831ff8d4cd5958ab5670",
  "personal_details": {
    "first_name": "John",
    "last_name": "Doe",
    "email": "user@example.com",
    "phone": "+491635559723",
    "birth_date": "1993-12-31",
    "tax_id": "423.378.593-47",
    "address": {
      "city": "Berlin",
      "country": "DE",
      "line_1": "Sample street",
      "line_2": "ap. 5",
      "postal_code": "10115",
      "state": "BE"
    }
  }
})";

TEST(SumUpParseCustomerTest, MapsTheCustomer) {
  std::vector<core::ShapeError> errors;

  v1::CreateIdentityRequest request =
      ParseCreateCustomer(nlohmann::json::parse(kCustomerBody), errors);

  EXPECT_THAT(errors, IsEmpty());
  const v1::Identity& identity = request.identity();
  EXPECT_EQ(identity.external_id(), "831ff8d4cd5958ab5670");
  EXPECT_EQ(identity.first_name(), "John");
  EXPECT_EQ(identity.last_name(), "Doe");
  EXPECT_EQ(identity.email(), "user@example.com");
  EXPECT_EQ(identity.phone(), "+491635559723");
  EXPECT_EQ(identity.address().line1(), "Sample street");
  EXPECT_EQ(identity.address().line2(), "ap. 5");
  EXPECT_EQ(identity.address().city(), "Berlin");
  EXPECT_EQ(identity.address().region(), "BE");
  EXPECT_EQ(identity.address().postal_code(), "10115");
  EXPECT_EQ(identity.address().country(), "DEU");
  EXPECT_THAT(identity.tags(), IsEmpty());
}

TEST(SumUpParseCustomerTest, AcceptsLine1AndLine2Spellings) {
  std::vector<core::ShapeError> errors;

  v1::CreateIdentityRequest request = ParseCreateCustomer(
      {{"customer_id", "c-1"},
       {"personal_details", {{"address", {{"line1", "1 Main St"}, {"line2", "Unit 2"}}}}}},
      errors);

  EXPECT_THAT(errors, IsEmpty());
  EXPECT_EQ(request.identity().address().line1(), "1 Main St");
  EXPECT_EQ(request.identity().address().line2(), "Unit 2");
}

TEST(SumUpParseCustomerTest, OnlyTheCustomerIdIsRequired) {
  std::vector<core::ShapeError> errors;

  v1::CreateIdentityRequest request = ParseCreateCustomer({{"customer_id", "c-1"}}, errors);

  EXPECT_THAT(errors, IsEmpty());
  EXPECT_EQ(request.identity().external_id(), "c-1");
  EXPECT_FALSE(request.identity().has_address());
}

TEST(SumUpParseCustomerTest, CustomerIdMustBeANonEmptyString) {
  for (const nlohmann::json& id :
       {Absent(), nlohmann::json(nullptr), nlohmann::json(""), nlohmann::json(42)}) {
    std::vector<core::ShapeError> errors;
    nlohmann::json body = nlohmann::json::parse(kCustomerBody);
    if (id.is_discarded()) {
      body.erase("customer_id");
    } else {
      body["customer_id"] = id;
    }

    ParseCreateCustomer(body, errors);

    EXPECT_THAT(Fields(errors), ElementsAre("customer_id")) << id.dump();
  }
}

TEST(SumUpParseCustomerTest, CountryMustBeAnAlpha2Code) {
  for (const char* country : {"DEU", "de", "XX", "D", ""}) {
    std::vector<core::ShapeError> errors;
    nlohmann::json body = nlohmann::json::parse(kCustomerBody);
    body["personal_details"]["address"]["country"] = country;

    ParseCreateCustomer(body, errors);

    EXPECT_THAT(Fields(errors), ElementsAre("personal_details.address.country")) << country;
  }
}

TEST(SumUpParseCustomerTest, NamesMistypedFieldsInDotNotation) {
  std::vector<core::ShapeError> errors;

  ParseCreateCustomer(nlohmann::json::parse(R"({"customer_id": "c-1", "personal_details": {
      "first_name": 1, "email": ["a@b.c"], "address": {"city": 5, "line_1": true}}})"),
                      errors);

  EXPECT_THAT(
      Fields(errors),
      UnorderedElementsAre("personal_details.first_name", "personal_details.email",
                           "personal_details.address.city", "personal_details.address.line_1"));
}

TEST(SumUpParseCustomerTest, PersonalDetailsMustBeAnObject) {
  std::vector<core::ShapeError> errors;

  ParseCreateCustomer({{"customer_id", "c-1"}, {"personal_details", "John Doe"}}, errors);

  EXPECT_THAT(Fields(errors), ElementsAre("personal_details"));
}

}  // namespace
}  // namespace pi::gateway::sumup
