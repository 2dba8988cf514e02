// The Ahrvo Network dialect end to end (seed 002), at /payments/na on the real binaries: seed
// 002's card and bank account requests give its responses' shapes; errors come in the Finix
// envelope; Ahrvo replies carry no Finix-Version.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/http_client.h"
#include "tests/support/system_under_test.h"
#include "tests/support/test_database.h"

namespace pi {
namespace {

using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::HttpCall;
using testing::HttpReply;

testing::SystemUnderTest* sys = nullptr;

class AhrvoFlowTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto started = testing::SystemUnderTest::Start(
        "e2e-ahrvo", {.database_url = testing::TestDatabaseUrl(),
                      .gateway_env = {{"PI_PUBLIC_BASE_URL", "https://api.ahrvo.network"}}});
    ASSERT_TRUE(started.ok()) << started.status();
    sys = started->release();
  }
  static void TearDownTestSuite() {
    delete sys;
    sys = nullptr;
  }

  static HttpReply Call(const std::string& method, const std::string& target,
                        const std::string& body = "") {
    auto reply = HttpCall(sys->http_port(), method, target, body,
                          {{"Authorization", sys->basic_auth()},
                           {"Content-Type", "application/json"}});
    EXPECT_TRUE(reply.ok()) << reply.status();
    return reply.ok() ? *reply : HttpReply{};
  }

  static std::vector<std::string> Keys(const nlohmann::ordered_json& object) {
    std::vector<std::string> keys;
    for (const auto& [key, value] : object.items()) keys.push_back(key);
    return keys;
  }
};

TEST_F(AhrvoFlowTest, SeedCardRequestGetsTheSeedResponseShape) {
  nlohmann::json request = {
      {"type", "PAYMENT_CARD"}, {"identity", sys->identity_id()}, {"number", "4111111111111111"},
      {"expiration_month", 12}, {"expiration_year", 2040},           {"security_code", "123"},
      {"name", "John Doe"},
      {"address", {{"line1", "123 Main Street"}, {"city", "San Francisco"}, {"region", "CA"},
                   {"postal_code", "94105"}, {"country", "USA"}}},
      {"account_updater_enabled", true}};
  HttpReply created = Call("POST", "/payments/na/payment_instruments", request.dump());
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.headers.count("finix-version"), 0u);
  nlohmann::ordered_json card = nlohmann::ordered_json::parse(created.body);
  EXPECT_THAT(Keys(card),
              ElementsAreArray({"id", "created_at", "updated_at", "type", "identity", "enabled",
                                "fingerprint", "currency", "name", "brand", "last_four",
                                "expiration_month", "expiration_year", "account_updater_enabled",
                                "network_token_enabled", "security_code_verification",
                                "address_verification", "address", "tags", "_links"}));
  EXPECT_EQ(card["brand"], "VISA");
  EXPECT_EQ(card["last_four"], "1111");
  EXPECT_EQ(card["account_updater_enabled"], true);
  EXPECT_EQ(card["security_code_verification"], "MATCHED");
  EXPECT_EQ(card["address_verification"], "POSTAL_CODE_AND_STREET_MATCH");
  EXPECT_EQ(card["_links"]["self"]["href"],
            "https://api.ahrvo.network/payments/na/payment_instruments/" +
                card["id"].get<std::string>());
  EXPECT_THAT(created.body, Not(HasSubstr("4111111111111111")));
  // GET answers the same shape.
  HttpReply fetched = Call("GET", "/payments/na/payment_instruments/" + card["id"].get<std::string>());
  ASSERT_EQ(fetched.status, 200) << fetched.body;
  EXPECT_EQ(Keys(nlohmann::ordered_json::parse(fetched.body)), Keys(card));
}

TEST_F(AhrvoFlowTest, SeedBankAccountRequestGetsTheSeedResponseShape) {
  nlohmann::json request = {{"type", "BANK_ACCOUNT"},     {"identity", sys->identity_id()},
                            {"account_number", "123456789"}, {"bank_code", "021000021"},
                            {"account_type", "CHECKING"},  {"name", "John Doe"},
                            {"country", "USA"},            {"currency", "USD"}};
  HttpReply created = Call("POST", "/payments/na/payment_instruments", request.dump());
  ASSERT_EQ(created.status, 201) << created.body;
  nlohmann::ordered_json bank = nlohmann::ordered_json::parse(created.body);
  EXPECT_THAT(Keys(bank),
              ElementsAreArray({"id", "created_at", "updated_at", "type", "identity", "enabled",
                                "fingerprint", "currency", "name", "account_type", "bank_code",
                                "masked_account_number", "bank_account_validation_check", "tags",
                                "_links"}));
  EXPECT_EQ(bank["masked_account_number"], "XXXXX6789");
  EXPECT_EQ(bank["bank_account_validation_check"], "VALID");
  EXPECT_THAT(created.body, Not(HasSubstr("123456789\"")));
}

TEST_F(AhrvoFlowTest, CanadianAccountAndErrorsInTheFinixEnvelope) {
  nlohmann::json canadian = {{"type", "BANK_ACCOUNT"},       {"identity", sys->identity_id()},
                             {"account_number", "1234567"}, {"institution_number", "001"},
                             {"transit_number", "12345"},    {"account_type", "SAVINGS"},
                             {"country", "CAN"},             {"currency", "CAD"}};
  HttpReply created = Call("POST", "/payments/na/payment_instruments", canadian.dump());
  ASSERT_EQ(created.status, 201) << created.body;
  nlohmann::json bank = nlohmann::json::parse(created.body);
  EXPECT_EQ(bank["institution_number"], "001");
  EXPECT_EQ(bank["transit_number"], "12345");
  EXPECT_EQ(bank["country"], "CAN");
  EXPECT_EQ(bank["currency"], "CAD");

  HttpReply invalid = Call("POST", "/payments/na/payment_instruments",
                           R"({"type": "PAYMENT_CARD", "number": "4111111111111112"})");
  EXPECT_EQ(invalid.status, 422) << invalid.body;
  nlohmann::json envelope = nlohmann::json::parse(invalid.body);
  EXPECT_GE(envelope["total"].get<int>(), 2);
  EXPECT_EQ(envelope["_embedded"]["errors"][0]["code"], "INVALID_FIELD");
  HttpReply missing = Call("GET", "/payments/na/payment_instruments/PInope");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(nlohmann::json::parse(missing.body)["_embedded"]["errors"][0]["code"], "NOT_FOUND");
  HttpReply no_route = Call("GET", "/payments/na/nowhere");
  EXPECT_EQ(no_route.status, 404);
  EXPECT_TRUE(nlohmann::json::parse(no_route.body).contains("_embedded"));
}

}  // namespace
}  // namespace pi
