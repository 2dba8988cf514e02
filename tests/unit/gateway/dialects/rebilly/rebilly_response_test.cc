#include "gateway/dialects/rebilly/rebilly_response.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"

namespace pi::gateway::rebilly {
namespace {

using google::protobuf::util::TimeUtil;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

const absl::Time kNow =
    absl::FromCivil(absl::CivilSecond(2026, 5, 1, 0, 0, 0), absl::UTCTimeZone());

std::vector<std::string> Keys(const nlohmann::ordered_json& object) {
  std::vector<std::string> keys;
  for (auto it = object.begin(); it != object.end(); ++it) keys.push_back(it.key());
  return keys;
}

v1::PaymentInstrument Instrument() {
  v1::PaymentInstrument p;
  p.set_name("paymentInstruments/PIabc");
  p.set_id("PIabc");
  p.set_type(v1::PAYMENT_CARD);
  p.set_enabled(true);
  p.set_holder_name("Jane Van Doe");
  p.set_fingerprint("FPRxyz");
  (*p.mutable_tags())["plan"] = "gold";
  p.mutable_address()->set_line1("1 Main St");
  p.mutable_address()->set_postal_code("78701");
  p.mutable_address()->set_country("USA");
  v1::Card* c = p.mutable_card();
  c->set_number("4111111111111111");
  c->set_security_code("987");
  c->set_bin("411111");
  c->set_last_four("1111");
  c->set_brand(v1::VISA);
  c->set_expiration_month(7);
  c->set_expiration_year(2040);
  c->set_issuer_country("USA");
  *p.mutable_create_time() = TimeUtil::SecondsToTimestamp(1566656122);  // 2019-08-24T14:15:22Z
  *p.mutable_update_time() = TimeUtil::SecondsToTimestamp(1566656182);
  return p;
}

TEST(RebillyResponseTest, BrandsUseRebillyNames) {
  EXPECT_EQ(RebillyBrand(v1::VISA), "Visa");
  EXPECT_EQ(RebillyBrand(v1::MASTERCARD), "MasterCard");
  EXPECT_EQ(RebillyBrand(v1::AMERICAN_EXPRESS), "American Express");
  EXPECT_EQ(RebillyBrand(v1::DISCOVER), "Discover");
  EXPECT_EQ(RebillyBrand(v1::DINERS_CLUB), "Diners Club");
  EXPECT_EQ(RebillyBrand(v1::CHINA_UNION_PAY), "China UnionPay");
  EXPECT_EQ(RebillyBrand(v1::VISA_ELECTRON), "Electron");
  EXPECT_EQ(RebillyBrand(v1::JCB), "JCB");
  EXPECT_EQ(RebillyBrand(v1::MAESTRO), "Maestro");
  EXPECT_EQ(RebillyBrand(v1::ELO), "");
}

TEST(RebillyResponseTest, InstrumentHasTheSeedsFieldsInOrder) {
  nlohmann::ordered_json out =
      RenderPaymentInstrument(Instrument(), "https://h/storefront/x/PIabc", kNow, true);
  EXPECT_THAT(Keys(out), ElementsAre("id", "method", "status", "fingerprint", "bin", "last4",
                                     "expYear", "expMonth", "brand", "bankCountry", "bankName",
                                     "billingAddress", "useAsBackup", "createdTime", "updatedTime",
                                     "customFields", "token", "_links"));
  EXPECT_EQ(out["id"], "PIabc");
  EXPECT_EQ(out["method"], "payment-card");
  EXPECT_EQ(out["status"], "active");
  EXPECT_EQ(out["bin"], "411111");
  EXPECT_EQ(out["last4"], "1111");
  EXPECT_EQ(out["expYear"], 2040);
  EXPECT_EQ(out["expMonth"], 7);
  EXPECT_EQ(out["brand"], "Visa");
  EXPECT_EQ(out["bankCountry"], "US");
  EXPECT_TRUE(out["bankName"].is_null());
  EXPECT_EQ(out["useAsBackup"], false);
  EXPECT_EQ(out["createdTime"], "2019-08-24T14:15:22Z");
  EXPECT_EQ(out["updatedTime"], "2019-08-24T14:16:22Z");
  EXPECT_EQ(out["customFields"], nlohmann::ordered_json({{"plan", "gold"}}));
  EXPECT_TRUE(out["token"].is_null());
  EXPECT_EQ(out["_links"], nlohmann::ordered_json::array(
                               {{{"href", "https://h/storefront/x/PIabc"}, {"rel", "self"}}}));
  const auto& address = out["billingAddress"];
  EXPECT_EQ(address["firstName"], "Jane");
  EXPECT_EQ(address["lastName"], "Van Doe");
  EXPECT_EQ(address["address"], "1 Main St");
  EXPECT_TRUE(address["address2"].is_null());
  EXPECT_EQ(address["country"], "US");
  EXPECT_EQ(address["postalCode"], "78701");
  EXPECT_TRUE(address["phoneNumbers"].is_array());
}

TEST(RebillyResponseTest, ASignUpAnswersTheNewCustomerJwtAsToken) {
  nlohmann::ordered_json out =
      RenderPaymentInstrument(Instrument(), "h", kNow, true, "eyJhbGciOi.payload.sig");
  EXPECT_EQ(out["token"], "eyJhbGciOi.payload.sig");
}

TEST(RebillyResponseTest, NeverRendersCardNumberOrSecurityCode) {
  std::string text = RenderPaymentInstrument(Instrument(), "h", kNow).dump();
  EXPECT_THAT(text, Not(HasSubstr("4111111111111111")));
  EXPECT_THAT(text, Not(HasSubstr("987")));
  EXPECT_FALSE(RenderPaymentInstrument(Instrument(), "h", kNow).contains("token"));
}

TEST(RebillyResponseTest, StatusFollowsEnabledAndExpiry) {
  v1::PaymentInstrument p = Instrument();
  p.set_enabled(false);
  EXPECT_EQ(RenderPaymentInstrument(p, "h", kNow)["status"], "deactivated");
  p = Instrument();
  p.mutable_card()->set_expiration_year(2026);
  p.mutable_card()->set_expiration_month(4);  // April 2026 ended before kNow
  EXPECT_EQ(RenderPaymentInstrument(p, "h", kNow)["status"], "expired");
  p.mutable_card()->set_expiration_month(5);  // May 2026 is still valid
  EXPECT_EQ(RenderPaymentInstrument(p, "h", kNow)["status"], "active");
}

TEST(RebillyResponseTest, TokenIsMaskedWithLinks) {
  v1::Token t;
  t.set_id("TKabc");
  t.set_type(v1::PAYMENT_CARD);
  t.set_holder_name("Jane Doe");
  t.mutable_card()->set_number("5200828282828210");
  t.mutable_card()->set_bin("520082");
  t.mutable_card()->set_last_four("8210");
  t.mutable_card()->set_brand(v1::MASTERCARD);
  t.mutable_card()->set_expiration_month(12);
  t.mutable_card()->set_expiration_year(2039);
  t.mutable_address()->set_country("DEU");
  *t.mutable_create_time() = TimeUtil::SecondsToTimestamp(1566656122);
  *t.mutable_expire_time() = TimeUtil::SecondsToTimestamp(1566656122 + 1800);
  nlohmann::ordered_json out = RenderToken(t, "https://h/organizations/o/tokens/TKabc");
  EXPECT_THAT(Keys(out), ElementsAre("id", "method", "paymentInstrument", "billingAddress",
                                     "isUsed", "expirationTime", "createdTime", "_links"));
  EXPECT_EQ(out["paymentInstrument"], nlohmann::ordered_json({{"bin", "520082"},
                                                              {"last4", "8210"},
                                                              {"brand", "MasterCard"},
                                                              {"expMonth", 12},
                                                              {"expYear", 2039}}));
  EXPECT_EQ(out["isUsed"], false);
  EXPECT_EQ(out["expirationTime"], "2019-08-24T14:45:22Z");
  EXPECT_EQ(out["billingAddress"]["firstName"], "Jane");
  EXPECT_EQ(out["billingAddress"]["country"], "DE");
  EXPECT_EQ(out["_links"][0]["rel"], "self");
  EXPECT_THAT(out.dump(), Not(HasSubstr("5200828282828210")));
}

}  // namespace
}  // namespace pi::gateway::rebilly
