// End to end through the SumUp dialect: the real pi-server and pi-gateway on loopback and the
// throwaway PostgreSQL, spoken to over HTTP as SumUp's SDKs do (Bearer API keys, Content-Type:
// application/json on every request, bodiless GET and DELETE). Customers, saved cards, the bare
// list, deactivation, and every error body of seed 001: 400 (one object or an array), 401, 403,
// 404, 409. No response ever holds a card number or a security code.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "tests/support/http_client.h"
#include "tests/support/system_under_test.h"
#include "tests/support/test_database.h"

namespace pi {
namespace {

using ::testing::HasSubstr;
using testing::HttpReply;
using ::testing::Not;
using ::testing::StartsWith;

constexpr char kVisa[] = "4111111111111111";
constexpr char kMastercard[] = "5200828282828210";
constexpr char kCvv[] = "987";

testing::SystemUnderTest* sys = nullptr;

// True when `code` occurs in `text` as a number of its own (not inside an id or a longer number).
bool ContainsAsNumber(const std::string& text, const std::string& code) {
  return std::regex_search(text, std::regex("(^|[^0-9A-Za-z.])" + code + "($|[^0-9A-Za-z.])"));
}

class SumUpTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto started = testing::SystemUnderTest::Start(
        "e2e-sumup", {.database_url = testing::TestDatabaseUrl(),
                      .create_identity = false,
                      .gateway_env = {{"PI_MAX_BODY_BYTES", "8192"}}});
    ASSERT_TRUE(started.ok()) << started.status();
    sys = started->release();
    absl::StatusOr<std::string> key = sys->CreateCredential({"--kind=api_key"});
    ASSERT_TRUE(key.ok()) << key.status();
    api_key_ = nlohmann::json::parse(*key)["authorization"];
    ASSERT_THAT(api_key_, StartsWith("Bearer "));
  }

  static void TearDownTestSuite() {
    delete sys;
    sys = nullptr;
  }

  void SetUp() override { ASSERT_NE(sys, nullptr) << "the system did not start"; }

  // One request as SumUp's SDKs send it; `authorization` "" sends none. Every response is checked
  // for card data and for the content type of its status.
  static HttpReply Send(const std::string& method, const std::string& target,
                        const std::string& body = "", const std::string& authorization = api_key_) {
    std::map<std::string, std::string> headers = {{"Content-Type", "application/json"}};
    if (!authorization.empty()) headers["Authorization"] = authorization;
    auto reply = testing::HttpCall(sys->http_port(), method, target, body, headers);
    EXPECT_TRUE(reply.ok()) << reply.status();
    if (!reply.ok()) return HttpReply{};
    EXPECT_THAT(reply->body, Not(HasSubstr(kVisa)));
    EXPECT_THAT(reply->body, Not(HasSubstr(kMastercard)));
    EXPECT_FALSE(ContainsAsNumber(reply->body, kCvv)) << reply->body;
    EXPECT_THAT(reply->body, Not(HasSubstr("\"cvv\"")));
    EXPECT_THAT(reply->body, Not(HasSubstr("\"number\"")));
    if (reply->status == 204) {
      EXPECT_EQ(reply->body, "");
      EXPECT_EQ(reply->headers.count("content-type"), 0u);
      EXPECT_EQ(reply->headers.count("content-length"), 0u);
    } else {
      EXPECT_EQ(reply->headers["content-type"], "application/json") << method << " " << target;
      EXPECT_FALSE(nlohmann::json::parse(reply->body, nullptr, false).is_discarded())
          << reply->body;
    }
    return *reply;
  }

  static nlohmann::json Json(const HttpReply& reply) {
    return nlohmann::json::parse(reply.body, nullptr, false);
  }

  static std::string Instruments(const std::string& customer) {
    return absl::StrCat("/v0.1/customers/", customer, "/payment-instruments");
  }

  static nlohmann::json CardBody(const std::string& number = kVisa,
                                 const std::string& expiry_year = "2040") {
    return {{"type", "card"},
            {"card",
             {{"name", "John Doe"},
              {"number", number},
              {"expiry_year", expiry_year},
              {"expiry_month", "07"},
              {"cvv", kCvv},
              {"zip_code", "94404"}}}};
  }

  // Creates a customer (201 asserted) with `authorization`.
  static void CreateCustomer(const std::string& customer_id,
                             const std::string& authorization = api_key_) {
    HttpReply created = Send("POST", "/v0.1/customers",
                             nlohmann::json({{"customer_id", customer_id}}).dump(), authorization);
    ASSERT_EQ(created.status, 201) << created.body;
  }

  // Saves a card for the customer; returns its token ("" when not 201).
  static std::string SaveCard(const std::string& customer, const std::string& number = kVisa,
                              const std::string& authorization = api_key_) {
    HttpReply saved = Send("POST", Instruments(customer), CardBody(number).dump(), authorization);
    EXPECT_EQ(saved.status, 201) << saved.body;
    return saved.status == 201 ? Json(saved)["token"].get<std::string>() : "";
  }

  // The tokens of the customer's list (200 asserted).
  static std::vector<std::string> ListedTokens(const std::string& customer,
                                               const std::string& authorization = api_key_) {
    HttpReply list = Send("GET", Instruments(customer), "", authorization);
    EXPECT_EQ(list.status, 200) << list.body;
    nlohmann::json body = Json(list);
    EXPECT_TRUE(body.is_array()) << list.body;
    std::vector<std::string> tokens;
    if (!body.is_array()) return tokens;
    for (const auto& entry : body) tokens.push_back(entry["token"]);
    return tokens;
  }

  static std::string api_key_;
};

std::string SumUpTest::api_key_;

const nlohmann::json kNotFound = {{"error_code", "NOT_FOUND"}, {"message", "Resource not found"}};

TEST_F(SumUpTest, CreatesACustomerAndRefusesATakenCustomerId) {
  // SumUp's public example of a customer.
  const nlohmann::json customer = nlohmann::json::parse(R"({
    "customer_id": "831ff8d4cd5958ab5670",
    "personal_details": {
      "first_name": "John", "last_name": "Doe", "email": "user@example.com",
      "phone": "+491635559723",
      "address": {"city": "Berlin", "country": "DE", "line_1": "Sample street",
                  "line_2": "ap. 5", "postal_code": "10115", "state": "BE"}
    }
  })");

  HttpReply created = Send("POST", "/v0.1/customers", customer.dump());
  HttpReply again = Send("POST", "/v0.1/customers", customer.dump());

  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(Json(created), customer);
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(Json(again)["error_code"], "CUSTOMER_ALREADY_EXISTS");
  EXPECT_TRUE(Json(again)["message"].is_string());
}

TEST_F(SumUpTest, AGermanStateIsANameNotAUsCode) {
  HttpReply created = Send("POST", "/v0.1/customers", R"({
    "customer_id": "c-berlin",
    "personal_details": {"address": {"city": "Berlin", "country": "DE", "state": "Berlin",
                                     "postal_code": "10115"}}})");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(Json(created)["personal_details"]["address"]["state"], "Berlin");
}

TEST_F(SumUpTest, CustomerFieldErrorsAre400sWithSumUpParams) {
  HttpReply one = Send("POST", "/v0.1/customers",
                       R"({"customer_id": "c-bad-email", "personal_details":
                           {"email": "not an email"}})");
  HttpReply several = Send("POST", "/v0.1/customers",
                           R"({"customer_id": "c bad id", "personal_details":
                               {"email": "x", "address": {"state": "Berlin"}}})");

  EXPECT_EQ(one.status, 400) << one.body;
  EXPECT_EQ(Json(one), nlohmann::json::parse(R"(
      {"message": "Validation error", "error_code": "INVALID",
       "param": "personal_details.email"})"));
  EXPECT_EQ(several.status, 400) << several.body;
  std::set<std::string> params;
  for (const auto& entry : Json(several)) params.insert(entry["param"].get<std::string>());
  EXPECT_EQ(params, (std::set<std::string>{"customer_id", "personal_details.email",
                                           "personal_details.address.state"}));
}

TEST_F(SumUpTest, SavesACardInTheSeedsShape) {
  CreateCustomer("c-save");
  nlohmann::json body = CardBody();
  body["card"]["expiry_year"] = "40";  // YY

  absl::Time before = absl::Now() - absl::Seconds(5);
  HttpReply saved = Send("POST", Instruments("c-save"), body.dump());

  ASSERT_EQ(saved.status, 201) << saved.body;
  nlohmann::json card = Json(saved);
  std::set<std::string> keys;
  for (const auto& [key, value] : card.items()) keys.insert(key);
  EXPECT_EQ(keys, (std::set<std::string>{"token", "active", "type", "card", "created_at"}));
  EXPECT_THAT(card["token"].get<std::string>(), StartsWith("PI"));
  EXPECT_EQ(card["active"], true);
  EXPECT_EQ(card["type"], "card");
  EXPECT_EQ(card["card"], nlohmann::json({{"last_4_digits", "1111"}, {"type", "VISA"}}));
  absl::Time created_at;
  std::string error;
  ASSERT_TRUE(absl::ParseTime(absl::RFC3339_full, card["created_at"].get<std::string>(),
                              &created_at, &error))
      << card["created_at"] << ": " << error;
  EXPECT_GT(created_at, before);
  EXPECT_LT(created_at, absl::Now() + absl::Seconds(5));
}

TEST_F(SumUpTest, EchoesAMandateOnlyWhenOneWasAskedFor) {
  CreateCustomer("c-mandate");
  nlohmann::json body = CardBody(kMastercard);
  body["mandate"] = {
      {"type", "recurrent"}, {"user_agent", "Mozilla/5.0"}, {"user_ip", "172.217.169.174"}};

  HttpReply saved = Send("POST", Instruments("c-mandate"), body.dump());

  ASSERT_EQ(saved.status, 201) << saved.body;
  EXPECT_EQ(Json(saved)["card"]["type"], "MASTERCARD");
  EXPECT_EQ(Json(saved)["mandate"], nlohmann::json({{"type", "recurrent"},
                                                    {"status", "active"},
                                                    {"merchant_code", sys->application_id()}}));
  EXPECT_FALSE(Json(Send("POST", Instruments("c-mandate"), CardBody().dump())).contains("mandate"));
}

TEST_F(SumUpTest, ListsActiveCardsAsABareArrayAndDeleteDeactivates) {
  CreateCustomer("c-list");
  EXPECT_EQ(Send("GET", Instruments("c-list")).body, "[]");
  std::string visa = SaveCard("c-list", kVisa);
  std::string mastercard = SaveCard("c-list", kMastercard);
  ASSERT_FALSE(visa.empty());
  ASSERT_FALSE(mastercard.empty());

  HttpReply listed = Send("GET", Instruments("c-list"));
  ASSERT_EQ(listed.status, 200) << listed.body;
  nlohmann::json list = Json(listed);
  ASSERT_TRUE(list.is_array()) << listed.body;
  ASSERT_EQ(list.size(), 2u);
  std::set<std::string> tokens;
  for (const auto& entry : list) {
    tokens.insert(entry["token"].get<std::string>());
    EXPECT_EQ(entry["active"], true);
    EXPECT_EQ(entry["type"], "card");
    EXPECT_TRUE(entry["created_at"].is_string());
    EXPECT_FALSE(entry.contains("mandate"));
  }
  EXPECT_EQ(tokens, (std::set<std::string>{visa, mastercard}));

  HttpReply deleted = Send("DELETE", absl::StrCat(Instruments("c-list"), "/", visa));
  EXPECT_EQ(deleted.status, 204) << deleted.body;
  EXPECT_THAT(ListedTokens("c-list"), ::testing::ElementsAre(mastercard));
  // Deactivating an inactive card again changes nothing and still succeeds.
  EXPECT_EQ(Send("DELETE", absl::StrCat(Instruments("c-list"), "/", visa)).status, 204);
  EXPECT_THAT(ListedTokens("c-list"), ::testing::ElementsAre(mastercard));
}

TEST_F(SumUpTest, PercentEncodedCustomerIdsWork) {
  CreateCustomer("shop:42@eu");

  std::string token = SaveCard("shop%3A42%40eu");

  EXPECT_THAT(ListedTokens("shop:42@eu"), ::testing::ElementsAre(token));
}

TEST_F(SumUpTest, UnknownCustomersAre404) {
  HttpReply save = Send("POST", Instruments("c-nobody"), CardBody().dump());
  HttpReply list = Send("GET", Instruments("c-nobody"));
  HttpReply remove = Send("DELETE", absl::StrCat(Instruments("c-nobody"), "/PIxyz"));

  EXPECT_EQ(save.status, 404);
  EXPECT_EQ(Json(save), kNotFound);
  EXPECT_EQ(list.status, 404);
  EXPECT_EQ(Json(list), kNotFound);
  EXPECT_EQ(remove.status, 404);
  EXPECT_EQ(Json(remove), kNotFound);
}

TEST_F(SumUpTest, AnotherCustomersTokenIs404AndStaysActive) {
  CreateCustomer("c-owner");
  CreateCustomer("c-other");
  std::string token = SaveCard("c-owner");

  HttpReply foreign = Send("DELETE", absl::StrCat(Instruments("c-other"), "/", token));
  HttpReply unknown =
      Send("DELETE", absl::StrCat(Instruments("c-owner"), "/PI0000000000000000000000"));

  EXPECT_EQ(foreign.status, 404) << foreign.body;
  EXPECT_EQ(Json(foreign), kNotFound);
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  EXPECT_EQ(Json(unknown), kNotFound);
  EXPECT_THAT(ListedTokens("c-owner"), ::testing::ElementsAre(token));
  EXPECT_THAT(ListedTokens("c-other"), ::testing::IsEmpty());
}

TEST_F(SumUpTest, InvalidParametersAre400OneObjectOrAnArray) {
  CreateCustomer("c-invalid");
  nlohmann::json shape_one = CardBody();
  shape_one["card"]["expiry_year"] = "202";
  nlohmann::json shape_several = CardBody();
  shape_several["card"].erase("name");
  shape_several["card"]["expiry_month"] = "13";
  shape_several["card"]["zip_code"] = "944";
  // Shape-valid, refused by pi-server: a four-digit code on a Visa.
  nlohmann::json server_one = CardBody();
  server_one["card"]["cvv"] = "1234";
  // Shape-valid, refused by pi-server twice: a bad check digit and an expired card.
  nlohmann::json server_several = CardBody("4111111111111112", "2020");

  HttpReply a = Send("POST", Instruments("c-invalid"), shape_one.dump());
  HttpReply b = Send("POST", Instruments("c-invalid"), shape_several.dump());
  HttpReply c = Send("POST", Instruments("c-invalid"), server_one.dump());
  HttpReply d = Send("POST", Instruments("c-invalid"), server_several.dump());

  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(Json(a), nlohmann::json::parse(R"(
      {"message": "Validation error", "error_code": "INVALID", "param": "card.expiry_year"})"));
  EXPECT_EQ(b.status, 400);
  EXPECT_EQ(Json(b), nlohmann::json::parse(R"([
      {"error_code": "INVALID", "message": "Validation error", "param": "card.name"},
      {"error_code": "INVALID", "message": "Validation error", "param": "card.expiry_month"},
      {"error_code": "INVALID", "message": "Validation error", "param": "card.zip_code"}])"));
  EXPECT_EQ(c.status, 400);
  EXPECT_EQ(Json(c), nlohmann::json::parse(R"(
      {"message": "Validation error", "error_code": "INVALID", "param": "card.cvv"})"));
  EXPECT_EQ(d.status, 400);
  EXPECT_EQ(Json(d), nlohmann::json::parse(R"([
      {"error_code": "INVALID", "message": "Validation error", "param": "card.number"},
      {"error_code": "INVALID", "message": "Validation error", "param": "card.expiry_year"}])"));
  EXPECT_THAT(ListedTokens("c-invalid"), ::testing::IsEmpty());
}

TEST_F(SumUpTest, MissingOrRefusedKeysAre401) {
  CreateCustomer("c-auth");
  const nlohmann::json missing = {{"message", "access token required"},
                                  {"error_code", "NOT_AUTHORIZED"}};
  const nlohmann::json invalid = {{"error_message", "invalid access token"},
                                  {"error_code", "NOT_AUTHORIZED"}};
  struct Case {
    std::string method, target, body;
  };
  const Case kCases[] = {
      {"POST", "/v0.1/customers", R"({"customer_id": "c-auth-2"})"},
      {"POST", Instruments("c-auth"), CardBody().dump()},
      {"GET", Instruments("c-auth"), ""},
      {"DELETE", Instruments("c-auth") + "/PIxyz", ""},
  };
  for (const Case& c : kCases) {
    HttpReply without = Send(c.method, c.target, c.body, "");
    HttpReply bad = Send(c.method, c.target, c.body, "Bearer APfake_notasecret");
    HttpReply basic = Send(c.method, c.target, c.body, "Basic bm90OmF1c2Vy");

    EXPECT_EQ(without.status, 401) << c.method << " " << c.target;
    EXPECT_EQ(Json(without), missing);
    EXPECT_EQ(bad.status, 401) << c.method << " " << c.target;
    EXPECT_EQ(Json(bad), invalid);
    EXPECT_EQ(basic.status, 401) << c.method << " " << c.target;
    EXPECT_EQ(Json(basic), invalid);
  }
  EXPECT_THAT(ListedTokens("c-auth"), ::testing::IsEmpty());
}

TEST_F(SumUpTest, KeysWithoutTheRightRoleAre403) {
  absl::StatusOr<std::string> publishable = sys->CreateCredential({"--kind=publishable"});
  ASSERT_TRUE(publishable.ok()) << publishable.status();
  std::string key = nlohmann::json::parse(*publishable)["authorization"];

  HttpReply refused = Send("POST", "/v0.1/customers", R"({"customer_id": "c-publishable"})", key);

  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_EQ(
      refused.body,
      R"({"error_message":"request_not_allowed","error_code":"FORBIDDEN","status_code":"403"})");
}

TEST_F(SumUpTest, TheLimitOfActiveCardsIs409) {
  absl::StatusOr<std::string> app =
      sys->AdminCommand({"create-application", "--name=sumup-limited", "--kind=api_key",
                         "--max_instruments_per_identity=2"});
  ASSERT_TRUE(app.ok()) << app.status();
  std::string key = nlohmann::json::parse(*app)["authorization"];
  CreateCustomer("c-limited", key);
  std::string first = SaveCard("c-limited", kVisa, key);
  SaveCard("c-limited", kMastercard, key);

  HttpReply third = Send("POST", Instruments("c-limited"), CardBody().dump(), key);

  EXPECT_EQ(third.status, 409) << third.body;
  EXPECT_EQ(third.body, R"({"error_code":"MAX_INSTRUMENT_COUNT",)"
                        R"("message":"Max number of payment instruments on file reached"})");
  // Only active cards count: after a deactivation there is room again.
  EXPECT_EQ(Send("DELETE", absl::StrCat(Instruments("c-limited"), "/", first), "", key).status,
            204);
  EXPECT_FALSE(SaveCard("c-limited", kVisa, key).empty());
  // The other application's customers are not this one's: same id, unknown here.
  EXPECT_EQ(Send("GET", Instruments("c-limited")).status, 404);
}

TEST_F(SumUpTest, RoutingAndTransportErrorsAreSumUpJson) {
  HttpReply unknown = Send("GET", "/v0.1/checkouts");
  HttpReply wrong_method = Send("PUT", Instruments("c-any"), "{}");
  HttpReply too_large = Send("POST", "/v0.1/customers",
                             nlohmann::json({{"customer_id", std::string(9000, 'x')}}).dump());
  HttpReply not_json = Send("POST", "/v0.1/customers", "customer_id=c-1");

  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(Json(unknown), kNotFound);
  EXPECT_EQ(wrong_method.status, 405);
  EXPECT_EQ(Json(wrong_method)["error_code"], "METHOD_NOT_ALLOWED");
  EXPECT_EQ(too_large.status, 413);
  EXPECT_EQ(Json(too_large)["error_code"], "PAYLOAD_TOO_LARGE");
  EXPECT_EQ(not_json.status, 400);
  EXPECT_EQ(Json(not_json)["error_code"], "BAD_REQUEST");
}

TEST_F(SumUpTest, LogsHoldNoCardData) {
  CreateCustomer("c-logs");
  SaveCard("c-logs", kMastercard);

  for (const std::string& log : {sys->server_log(), sys->gateway_log()}) {
    EXPECT_THAT(log, Not(HasSubstr(kVisa)));
    EXPECT_THAT(log, Not(HasSubstr(kMastercard)));
    EXPECT_FALSE(ContainsAsNumber(log, kCvv));
  }
}

}  // namespace
}  // namespace pi
