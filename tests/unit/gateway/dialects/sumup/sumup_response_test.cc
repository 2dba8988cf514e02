#include "gateway/dialects/sumup/sumup_response.h"

#include <string>
#include <utility>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pi::gateway::sumup {
namespace {

// A saved card as pi-server returns it.
v1::PaymentInstrument SavedCard() {
  v1::PaymentInstrument pi;
  pi.set_name("paymentInstruments/PImmCg3Po7oNi7jaZcXhfkEu");
  pi.set_id("PImmCg3Po7oNi7jaZcXhfkEu");
  pi.set_type(v1::PAYMENT_CARD);
  pi.set_identity("IDgWxBhfGYLLdkhxx2ddYf9K");
  pi.set_application("APgPDQrLD52TYvqazjHJJchM");
  pi.set_enabled(true);
  pi.set_holder_name("John Doe");
  pi.mutable_address()->set_postal_code("94404");
  pi.set_fingerprint("FPRxyz");
  pi.mutable_create_time()->set_seconds(1685693742);  // 2023-06-02T08:15:42Z
  pi.mutable_create_time()->set_nanos(123000000);
  v1::Card* card = pi.mutable_card();
  card->set_bin("411111");
  card->set_last_four("1111");
  card->set_brand(v1::VISA);
  card->set_expiration_month(7);
  card->set_expiration_year(2029);
  return pi;
}

// Order-insensitive view of a rendering, for whole-object comparison.
nlohmann::json Unordered(const nlohmann::ordered_json& rendered) {
  return nlohmann::json::parse(rendered.dump());
}

TEST(SumUpRenderCardTest, RendersTheSeedShapeExactly) {
  nlohmann::ordered_json rendered = RenderPaymentInstrument(SavedCard());

  // The seed's 201 example, with this card's values and no mandate (none was asked for).
  nlohmann::json expected = nlohmann::json::parse(R"({
    "token": "PImmCg3Po7oNi7jaZcXhfkEu",
    "active": true,
    "type": "card",
    "card": {"last_4_digits": "1111", "type": "VISA"},
    "created_at": "2023-06-02T08:15:42.123Z"
  })");
  EXPECT_EQ(Unordered(rendered), expected);
  // The seed's order of keys.
  EXPECT_EQ(rendered.dump(), R"({"token":"PImmCg3Po7oNi7jaZcXhfkEu","active":true,"type":"card",)"
                             R"("card":{"last_4_digits":"1111","type":"VISA"},)"
                             R"("created_at":"2023-06-02T08:15:42.123Z"})");
}

TEST(SumUpRenderCardTest, EchoesTheMandateThatWasAskedFor) {
  MandateRequest mandate{"recurrent", "Mozilla/5.0", "172.217.169.174"};

  nlohmann::ordered_json rendered = RenderPaymentInstrument(SavedCard(), &mandate);

  EXPECT_EQ(Unordered(rendered["mandate"]),
            nlohmann::json({{"type", "recurrent"},
                            {"status", "active"},
                            {"merchant_code", "APgPDQrLD52TYvqazjHJJchM"}}));
  // Between card and created_at, as in the seed; the payer's agent and address stay private.
  EXPECT_EQ(rendered.dump().find("Mozilla"), std::string::npos);
  EXPECT_LT(rendered.dump().find("\"mandate\""), rendered.dump().find("\"created_at\""));
}

TEST(SumUpRenderCardTest, InactiveCardsSayActiveFalse) {
  v1::PaymentInstrument pi = SavedCard();
  pi.set_enabled(false);

  EXPECT_EQ(RenderPaymentInstrument(pi)["active"], false);
}

TEST(SumUpRenderCardTest, RendersNothingSecretOrUndocumented) {
  v1::PaymentInstrument pi = SavedCard();
  pi.mutable_card()->set_number("4111111111111111");  // never sent by pi-server; still not shown
  pi.mutable_card()->set_security_code("123");

  std::string text = RenderPaymentInstrument(pi).dump();

  EXPECT_EQ(text.find("4111111111111111"), std::string::npos);
  EXPECT_EQ(text.find("123\""), std::string::npos);
  EXPECT_EQ(text.find("411111"), std::string::npos);  // no BIN: SumUp shows the last four only
  EXPECT_EQ(text.find("FPR"), std::string::npos);
  EXPECT_EQ(text.find("John"), std::string::npos);
}

TEST(SumUpCardTypeTest, MapsEveryCanonicalBrandToSumUpsEnum) {
  const std::pair<v1::CardBrand, const char*> kCases[] = {
      {v1::VISA, "VISA"},
      {v1::VISA_ELECTRON, "VISA_ELECTRON"},
      {v1::VPAY, "VISA_VPAY"},
      {v1::MASTERCARD, "MASTERCARD"},
      {v1::MAESTRO, "MAESTRO"},
      {v1::AMERICAN_EXPRESS, "AMEX"},
      {v1::DISCOVER, "DISCOVER"},
      {v1::DINERS_CLUB, "DINERS"},
      {v1::JCB, "JCB"},
      {v1::CHINA_UNION_PAY, "CUP"},
      {v1::ELO, "ELO"},
      {v1::HIPERCARD, "HIPERCARD"},
      {v1::UNKNOWN_BRAND, "UNKNOWN"},
      {v1::CARD_BRAND_UNSPECIFIED, "UNKNOWN"},
  };
  for (const auto& [brand, sumup] : kCases) {
    EXPECT_EQ(SumUpCardType(brand), sumup) << v1::CardBrand_Name(brand);
  }
  // Every brand the proto knows has a case above.
  EXPECT_EQ(std::size(kCases), static_cast<size_t>(v1::CardBrand_ARRAYSIZE));
}

TEST(SumUpRenderCustomerTest, RendersSumUpsCustomer) {
  v1::Identity identity;
  identity.set_id("IDgWxBhfGYLLdkhxx2ddYf9K");
  identity.set_external_id("831ff8d4cd5958ab5670");
  identity.set_first_name("John");
  identity.set_last_name("Doe");
  identity.set_email("user@example.com");
  identity.set_phone("+491635559723");
  v1::Address* a = identity.mutable_address();
  a->set_line1("Sample street");
  a->set_line2("ap. 5");
  a->set_city("Berlin");
  a->set_region("BE");
  a->set_postal_code("10115");
  a->set_country("DEU");

  nlohmann::json expected = nlohmann::json::parse(R"({
    "customer_id": "831ff8d4cd5958ab5670",
    "personal_details": {
      "first_name": "John",
      "last_name": "Doe",
      "email": "user@example.com",
      "phone": "+491635559723",
      "address": {
        "city": "Berlin",
        "country": "DE",
        "line_1": "Sample street",
        "line_2": "ap. 5",
        "postal_code": "10115",
        "state": "BE"
      }
    }
  })");
  EXPECT_EQ(Unordered(RenderCustomer(identity)), expected);
}

TEST(SumUpRenderCustomerTest, LeavesOutWhatTheCustomerDoesNotHave) {
  v1::Identity identity;
  identity.set_external_id("c-1");
  identity.set_last_name("Doe");

  EXPECT_EQ(Unordered(RenderCustomer(identity)),
            nlohmann::json::parse(R"({"customer_id": "c-1", "personal_details":
                                      {"last_name": "Doe"}})"));

  identity.clear_last_name();
  EXPECT_EQ(Unordered(RenderCustomer(identity)),
            nlohmann::json::parse(R"({"customer_id": "c-1"})"));
}

}  // namespace
}  // namespace pi::gateway::sumup
