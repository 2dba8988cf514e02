// Ahrvo's instrument JSON against seed 002's two example responses: same fields, same order,
// same values (the seed's fingerprints and times are stand-ins, so those come from the proto).
#include "gateway/dialects/ahrvo/ahrvo_response.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pi::gateway::ahrvo {
namespace {

finix::FinixOptions SeedOptions() {
  finix::FinixOptions options;
  options.prefix = "/payments/na";
  options.public_base_url = "https://api.ahrvo.network";
  return options;
}

void SetSeedTimes(v1::PaymentInstrument& pi) {
  pi.mutable_create_time()->set_seconds(1686825000);  // 2023-06-15T10:30:00Z
  pi.mutable_update_time()->set_seconds(1686825000);
}

// The card of seed 002's request, as pi-server answers it.
v1::PaymentInstrument SeedCard() {
  v1::PaymentInstrument pi;
  pi.set_id("PIpaymentCardExample123");
  pi.set_type(v1::PAYMENT_CARD);
  pi.set_identity("IDentityExample123");
  pi.set_enabled(true);
  pi.set_fingerprint("FPR-123456789");
  pi.set_currency("USD");
  pi.set_holder_name("John Doe");
  v1::Address* a = pi.mutable_address();
  a->set_line1("123 Main Street");
  a->set_city("San Francisco");
  a->set_region("CA");
  a->set_postal_code("94105");
  a->set_country("USA");
  v1::Card* card = pi.mutable_card();
  card->set_bin("411111");
  card->set_last_four("1111");
  card->set_brand(v1::VISA);
  card->set_expiration_month(12);
  card->set_expiration_year(2025);
  card->set_account_updater_enabled(true);
  card->set_security_code_verification(v1::SECURITY_CODE_MATCHED);
  card->set_address_verification(v1::POSTAL_CODE_AND_STREET_MATCH);
  SetSeedTimes(pi);
  return pi;
}

v1::PaymentInstrument SeedBankAccount() {
  v1::PaymentInstrument pi;
  pi.set_id("PIbankAccountExample456");
  pi.set_type(v1::BANK_ACCOUNT);
  pi.set_identity("IDentityExample123");
  pi.set_enabled(true);
  pi.set_fingerprint("FPR-987654321");
  pi.set_currency("USD");
  pi.set_holder_name("John Doe");
  v1::BankAccount* bank = pi.mutable_bank_account();
  bank->set_account_type(v1::CHECKING);
  bank->set_routing_number("021000021");
  bank->set_masked_account_number("XXXXX6789");
  bank->set_last_four("6789");
  bank->set_country("USA");
  bank->set_validation_check(v1::VALID);
  SetSeedTimes(pi);
  return pi;
}

// Seed 002, "Example Response (Payment Card)", verbatim.
constexpr char kSeedCardResponse[] = R"({
"id": "PIpaymentCardExample123",
"created_at": "2023-06-15T10:30:00Z",
"updated_at": "2023-06-15T10:30:00Z",
"type": "PAYMENT_CARD",
"identity": "IDentityExample123",
"enabled": true,
"fingerprint": "FPR-123456789",
"currency": "USD",
"name": "John Doe",
"brand": "VISA",
"last_four": "1111",
"expiration_month": 12,
"expiration_year": 2025,
"account_updater_enabled": true,
"network_token_enabled": false,
"security_code_verification": "MATCHED",
"address_verification": "POSTAL_CODE_AND_STREET_MATCH",
"address": {
"line1": "123 Main Street",
"city": "San Francisco",
"region": "CA",
"postal_code": "94105",
"country": "USA"
},
"tags": {},
"_links": {
"self": {
"href": "https://api.ahrvo.network/payments/na/payment_instruments/PIpaymentCardExample123"
}
}
})";

// Seed 002, "Example Response (Bank Account)", verbatim.
constexpr char kSeedBankResponse[] = R"({
"id": "PIbankAccountExample456",
"created_at": "2023-06-15T10:30:00Z",
"updated_at": "2023-06-15T10:30:00Z",
"type": "BANK_ACCOUNT",
"identity": "IDentityExample123",
"enabled": true,
"fingerprint": "FPR-987654321",
"currency": "USD",
"name": "John Doe",
"account_type": "CHECKING",
"bank_code": "021000021",
"masked_account_number": "XXXXX6789",
"bank_account_validation_check": "VALID",
"tags": {},
"_links": {
"self": {
"href": "https://api.ahrvo.network/payments/na/payment_instruments/PIbankAccountExample456"
}
}
})";

// Field names in document order, for comparing order as well as content.
std::vector<std::string> Keys(const nlohmann::ordered_json& object) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : object.items()) keys.push_back(key);
  return keys;
}

TEST(AhrvoResponseTest, CardMatchesTheSeedFieldForFieldAndInOrder) {
  nlohmann::ordered_json expected = nlohmann::ordered_json::parse(kSeedCardResponse);
  nlohmann::ordered_json rendered = RenderAhrvoPaymentInstrument(SeedCard(), SeedOptions());
  EXPECT_EQ(rendered, expected) << rendered.dump(2);
  EXPECT_EQ(Keys(rendered), Keys(expected));
  EXPECT_EQ(Keys(rendered["address"]), Keys(expected["address"]));
}

TEST(AhrvoResponseTest, BankAccountMatchesTheSeedFieldForFieldAndInOrder) {
  nlohmann::ordered_json expected = nlohmann::ordered_json::parse(kSeedBankResponse);
  nlohmann::ordered_json rendered = RenderAhrvoPaymentInstrument(SeedBankAccount(), SeedOptions());
  EXPECT_EQ(rendered, expected) << rendered.dump(2);
  EXPECT_EQ(Keys(rendered), Keys(expected));
}

TEST(AhrvoResponseTest, CanadianAccountAddsInstitutionTransitAndCountry) {
  v1::PaymentInstrument pi = SeedBankAccount();
  v1::BankAccount* bank = pi.mutable_bank_account();
  bank->clear_routing_number();
  bank->set_institution_number("001");
  bank->set_transit_number("12345");
  bank->set_country("CAN");
  bank->set_validation_check(v1::NOT_ATTEMPTED);
  pi.set_currency("CAD");
  nlohmann::ordered_json rendered = RenderAhrvoPaymentInstrument(pi, SeedOptions());
  EXPECT_FALSE(rendered.contains("bank_code"));
  EXPECT_EQ(rendered["institution_number"], "001");
  EXPECT_EQ(rendered["transit_number"], "12345");
  EXPECT_EQ(rendered["country"], "CAN");
  EXPECT_EQ(rendered["currency"], "CAD");
  EXPECT_EQ(rendered["bank_account_validation_check"], "NOT_ATTEMPTED");
}

TEST(AhrvoResponseTest, WalletCarriesThirdPartyAndMerchantIdentityButNeverTheToken) {
  v1::PaymentInstrument pi;
  pi.set_id("PIwallet");
  pi.set_type(v1::GOOGLE_PAY);
  pi.set_identity("IDowner");
  pi.mutable_wallet()->set_third_party("PLAID");
  pi.mutable_wallet()->set_merchant_identity("IDmerchant");
  pi.mutable_wallet()->set_third_party_token("secret-wallet-token");
  nlohmann::ordered_json rendered = RenderAhrvoPaymentInstrument(pi, SeedOptions());
  EXPECT_EQ(rendered["type"], "GOOGLE_PAY");
  EXPECT_EQ(rendered["third_party"], "PLAID");
  EXPECT_EQ(rendered["merchant_identity"], "IDmerchant");
  EXPECT_THAT(rendered.dump(), ::testing::Not(::testing::HasSubstr("secret-wallet-token")));
  EXPECT_FALSE(rendered.contains("address"));
}

TEST(AhrvoResponseTest, TimesKeepTheirFractionWhenTheyHaveOne) {
  v1::PaymentInstrument pi = SeedCard();
  pi.mutable_create_time()->set_nanos(780000000);
  nlohmann::ordered_json rendered = RenderAhrvoPaymentInstrument(pi, SeedOptions());
  EXPECT_EQ(rendered["created_at"], "2023-06-15T10:30:00.78Z");
  EXPECT_EQ(rendered["updated_at"], "2023-06-15T10:30:00Z");
}

TEST(AhrvoResponseTest, DisabledInstrumentSaysWhy) {
  v1::PaymentInstrument pi = SeedCard();
  pi.set_enabled(false);
  pi.set_disabled_code("DISABLED_BY_REQUEST");
  pi.set_disabled_message("disabled by the merchant");
  nlohmann::ordered_json rendered = RenderAhrvoPaymentInstrument(pi, SeedOptions());
  EXPECT_EQ(rendered["enabled"], false);
  EXPECT_EQ(rendered["disabled_code"], "DISABLED_BY_REQUEST");
}

}  // namespace
}  // namespace pi::gateway::ahrvo
