// End to end through the Rebilly dialect: the real pi-server and pi-gateway on loopback and the
// throwaway PostgreSQL, spoken to as FramePay and Rebilly's storefront SDK do: a FramePay token
// made with the publishable key sent without a scheme, then the storefront payment instruments
// with a customer JWT (create with Location, get, list with pagination headers, patch,
// deactivation sent as an empty form post), and RFC 7807 problems for 401, 403, 404 and 422.
// No response ever holds a card number or a security code.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/common/secret.h"
#include "services/instruments/crypto/customer_jwt.h"
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
constexpr char kCvv[] = "987";
constexpr char kTokens[] = "/organizations/org-1/tokens";
constexpr char kInstruments[] = "/storefront/organizations/org-1/payment-instruments";

testing::SystemUnderTest* sys = nullptr;

bool ContainsAsNumber(const std::string& text, const std::string& code) {
  return std::regex_search(text, std::regex("(^|[^0-9A-Za-z.])" + code + "($|[^0-9A-Za-z.])"));
}

class RebillyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto started = testing::SystemUnderTest::Start("e2e-rebilly",
                                                   {.database_url = testing::TestDatabaseUrl()});
    ASSERT_TRUE(started.ok()) << started.status();
    sys = started->release();
    absl::StatusOr<std::string> publishable = sys->CreateCredential({"--kind=publishable"});
    ASSERT_TRUE(publishable.ok()) << publishable.status();
    nlohmann::json p = nlohmann::json::parse(*publishable);
    std::string authorization = p["authorization"];
    ASSERT_THAT(authorization, StartsWith("Bearer "));
    publishable_key_ = authorization.substr(7);  // FramePay sends the key without a scheme
    absl::StatusOr<std::string> jwt = sys->CreateCredential({"--kind=jwt_hs256"});
    ASSERT_TRUE(jwt.ok()) << jwt.status();
    nlohmann::json j = nlohmann::json::parse(*jwt);
    jwt_key_id_ = j["credential_id"];
    ASSERT_TRUE(absl::WebSafeBase64Unescape(j["signing_key"].get<std::string>(), &signing_key_));
    customer_ = sys->identity_id();
    other_customer_ = sys->CreateIdentity();
    ASSERT_FALSE(other_customer_.empty());
  }

  static void TearDownTestSuite() {
    delete sys;
    sys = nullptr;
  }

  void SetUp() override { ASSERT_NE(sys, nullptr) << "the system did not start"; }

  static std::string Jwt(const std::string& subject) {
    return absl::StrCat(
        "Bearer ", instruments::crypto::SignCustomerJwt(common::Secret(std::string(signing_key_)),
                                                        jwt_key_id_, sys->application_id(), subject,
                                                        absl::Now() + absl::Minutes(10)));
  }

  // One request; every response is checked for card data and for its content type.
  static HttpReply Send(const std::string& method, const std::string& target,
                        const std::string& body, const std::string& authorization,
                        const std::string& content_type = "application/json") {
    std::map<std::string, std::string> headers = {{"Content-Type", content_type}};
    if (!authorization.empty()) headers["Authorization"] = authorization;
    auto reply = testing::HttpCall(sys->http_port(), method, target, body, headers);
    EXPECT_TRUE(reply.ok()) << reply.status();
    if (!reply.ok()) return HttpReply{};
    EXPECT_THAT(reply->body, Not(HasSubstr(kVisa)));
    EXPECT_FALSE(ContainsAsNumber(reply->body, kCvv)) << reply->body;
    EXPECT_THAT(reply->body, Not(HasSubstr("\"pan\"")));
    EXPECT_THAT(reply->body, Not(HasSubstr("\"cvv\"")));
    EXPECT_EQ(reply->headers["content-type"],
              reply->status < 300 ? "application/json" : "application/problem+json")
        << method << " " << target << ": " << reply->body;
    EXPECT_FALSE(nlohmann::json::parse(reply->body, nullptr, false).is_discarded()) << reply->body;
    return *reply;
  }

  static nlohmann::json Json(const HttpReply& reply) {
    return nlohmann::json::parse(reply.body, nullptr, false);
  }

  static nlohmann::json FramePayBody(const std::string& pan = kVisa) {
    return {
        {"method", "payment-card"},
        {"paymentInstrument", {{"pan", pan}, {"expMonth", 7}, {"expYear", 2040}, {"cvv", kCvv}}},
        {"billingAddress",
         {{"firstName", "Jane"},
          {"lastName", "Doe"},
          {"address", "1 Main St"},
          {"city", "Austin"},
          {"region", "TX"},
          {"country", "US"},
          {"postalCode", "78701"}}}};
  }

  // A FramePay token made with the scheme-less publishable key; "" unless 201.
  static std::string MakeToken() {
    HttpReply token = Send("POST", kTokens, FramePayBody().dump(), publishable_key_);
    EXPECT_EQ(token.status, 201) << token.body;
    return token.status == 201 ? Json(token)["id"].get<std::string>() : "";
  }

  // A saved card of `subject`; "" unless 201.
  static std::string SaveCard(const std::string& subject) {
    std::string token = MakeToken();
    HttpReply created =
        Send("POST", kInstruments, nlohmann::json({{"token", token}}).dump(), Jwt(subject));
    EXPECT_EQ(created.status, 201) << created.body;
    return created.status == 201 ? Json(created)["id"].get<std::string>() : "";
  }

  static void ExpectProblem(const HttpReply& reply, int status) {
    EXPECT_EQ(reply.status, status) << reply.body;
    nlohmann::json body = Json(reply);
    EXPECT_EQ(body["status"], status) << reply.body;
    EXPECT_TRUE(body["type"].is_string()) << reply.body;
    EXPECT_TRUE(body["title"].is_string()) << reply.body;
    EXPECT_TRUE(body["detail"].is_string()) << reply.body;
  }

  static std::string publishable_key_;
  static std::string jwt_key_id_;
  static std::string signing_key_;
  static std::string customer_;
  static std::string other_customer_;
};

std::string RebillyTest::publishable_key_;
std::string RebillyTest::jwt_key_id_;
std::string RebillyTest::signing_key_;
std::string RebillyTest::customer_;
std::string RebillyTest::other_customer_;

TEST_F(RebillyTest, FramePayTokenIsMaskedWithRebillyNames) {
  HttpReply token = Send("POST", kTokens, FramePayBody().dump(), publishable_key_);

  ASSERT_EQ(token.status, 201) << token.body;
  nlohmann::json body = Json(token);
  EXPECT_FALSE(body["id"].get<std::string>().empty());
  EXPECT_EQ(body["method"], "payment-card");
  EXPECT_EQ(body["paymentInstrument"], nlohmann::json({{"bin", "411111"},
                                                       {"last4", "1111"},
                                                       {"brand", "Visa"},
                                                       {"expMonth", 7},
                                                       {"expYear", 2040}}));
  EXPECT_EQ(body["billingAddress"]["firstName"], "Jane");
  EXPECT_EQ(body["billingAddress"]["country"], "US");
  EXPECT_EQ(body["isUsed"], false);
  EXPECT_TRUE(body["expirationTime"].is_string());
  EXPECT_EQ(body["_links"][0]["rel"], "self");
}

TEST_F(RebillyTest, StorefrontFlowFromTokenToDeactivation) {
  std::string token = MakeToken();
  ASSERT_FALSE(token.empty());
  std::string jwt = Jwt(customer_);

  HttpReply created =
      Send("POST", kInstruments,
           nlohmann::json({{"token", token}, {"customFields", {{"plan", "gold"}}}}).dump(), jwt);
  ASSERT_EQ(created.status, 201) << created.body;
  nlohmann::json instrument = Json(created);
  std::string id = instrument["id"];
  std::string location = created.headers["location"];
  EXPECT_TRUE(absl::EndsWith(location, absl::StrCat(kInstruments, "/", id))) << location;
  EXPECT_EQ(instrument["method"], "payment-card");
  EXPECT_EQ(instrument["status"], "active");
  EXPECT_EQ(instrument["brand"], "Visa");
  EXPECT_EQ(instrument["last4"], "1111");
  EXPECT_EQ(instrument["bin"], "411111");
  EXPECT_EQ(instrument["expYear"], 2040);
  EXPECT_TRUE(instrument["token"].is_null());
  EXPECT_EQ(instrument["customFields"], nlohmann::json({{"plan", "gold"}}));
  EXPECT_EQ(instrument["billingAddress"]["postalCode"], "78701");
  EXPECT_EQ(instrument["_links"], nlohmann::json::array({{{"href", location}, {"rel", "self"}}}));

  HttpReply got = Send("GET", absl::StrCat(kInstruments, "/", id), "", jwt);
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(Json(got)["id"], id);
  EXPECT_FALSE(Json(got).contains("token"));

  // A second card, then the list in pages of one.
  std::string second = SaveCard(customer_);
  ASSERT_FALSE(second.empty());
  HttpReply all = Send("GET", kInstruments, "", jwt);
  ASSERT_EQ(all.status, 200) << all.body;
  ASSERT_TRUE(Json(all).is_array());
  int total = std::stoi(all.headers["pagination-total"]);
  EXPECT_GE(total, 2);
  EXPECT_EQ(static_cast<int>(Json(all).size()), total);
  EXPECT_EQ(all.headers["pagination-limit"], "100");
  EXPECT_EQ(all.headers["pagination-offset"], "0");
  HttpReply page = Send("GET", absl::StrCat(kInstruments, "?limit=1&offset=1"), "", jwt);
  ASSERT_EQ(page.status, 200) << page.body;
  ASSERT_EQ(Json(page).size(), 1u);
  EXPECT_EQ(Json(page)[0]["id"], Json(all)[1]["id"]);
  EXPECT_EQ(page.headers["pagination-total"], std::to_string(total));
  EXPECT_EQ(page.headers["pagination-limit"], "1");
  EXPECT_EQ(page.headers["pagination-offset"], "1");

  HttpReply patched = Send("PATCH", absl::StrCat(kInstruments, "/", id),
                           R"({"billingAddress": {"firstName": "Ann", "lastName": "Lee",
                                                  "postalCode": "10001", "country": "DE"},
                               "customFields": {"plan": "silver"}})",
                           jwt);
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(Json(patched)["billingAddress"]["firstName"], "Ann");
  EXPECT_EQ(Json(patched)["billingAddress"]["lastName"], "Lee");
  EXPECT_EQ(Json(patched)["billingAddress"]["postalCode"], "10001");
  EXPECT_EQ(Json(patched)["billingAddress"]["country"], "DE");
  EXPECT_EQ(Json(patched)["customFields"], nlohmann::json({{"plan", "silver"}}));

  // The SDK posts an empty form; the body is never parsed.
  HttpReply deactivated = Send("POST", absl::StrCat(kInstruments, "/", id, "/deactivation"), "",
                               jwt, "application/x-www-form-urlencoded");
  ASSERT_EQ(deactivated.status, 200) << deactivated.body;
  EXPECT_EQ(Json(deactivated)["status"], "deactivated");
  HttpReply after = Send("GET", absl::StrCat(kInstruments, "/", id), "", jwt);
  EXPECT_EQ(Json(after)["status"], "deactivated");
}

TEST_F(RebillyTest, AnotherCustomersInstrumentIsNotFound) {
  std::string id = SaveCard(other_customer_);
  ASSERT_FALSE(id.empty());
  std::string jwt = Jwt(customer_);

  ExpectProblem(Send("GET", absl::StrCat(kInstruments, "/", id), "", jwt), 404);
  ExpectProblem(Send("PATCH", absl::StrCat(kInstruments, "/", id), R"({"customFields": {}})", jwt),
                404);
  ExpectProblem(Send("POST", absl::StrCat(kInstruments, "/", id, "/deactivation"), "", jwt), 404);
  HttpReply list = Send("GET", kInstruments, "", jwt);
  ASSERT_EQ(list.status, 200) << list.body;
  nlohmann::json listed = Json(list);
  for (const auto& entry : listed) EXPECT_NE(entry["id"], id);
}

TEST_F(RebillyTest, UnknownInstrumentIdsAreNotFound) {
  std::string jwt = Jwt(customer_);
  for (const char* id : {"PInotthere000000000000000", "not-an-id"}) {
    ExpectProblem(Send("GET", absl::StrCat(kInstruments, "/", id), "", jwt), 404);
    ExpectProblem(
        Send("PATCH", absl::StrCat(kInstruments, "/", id), R"({"customFields": {}})", jwt), 404);
    ExpectProblem(Send("POST", absl::StrCat(kInstruments, "/", id, "/deactivation"), "", jwt), 404);
  }
}

TEST_F(RebillyTest, BadCredentialsAre401Problems) {
  ExpectProblem(Send("GET", kInstruments, "", "Bearer null"), 401);
  ExpectProblem(Send("GET", kInstruments, "", ""), 401);
  ExpectProblem(Send("POST", kTokens, FramePayBody().dump(), "junk"), 401);
}

TEST_F(RebillyTest, APublishableKeySignsUpANewCustomerAndGetsItsJwt) {
  std::string token = MakeToken();
  HttpReply created =
      Send("POST", kInstruments, nlohmann::json({{"token", token}}).dump(), publishable_key_);
  ASSERT_EQ(created.status, 201) << created.body;
  nlohmann::json instrument = Json(created);
  ASSERT_TRUE(instrument["token"].is_string()) << created.body;
  std::string customer_jwt = instrument["token"];
  EXPECT_EQ(std::count(customer_jwt.begin(), customer_jwt.end(), '.'), 2) << "a JWT";
  std::string id = instrument["id"];

  // The new JWT is the new customer's: it sees this instrument and nothing else.
  std::string as_customer = "Bearer " + customer_jwt;
  EXPECT_EQ(Send("GET", absl::StrCat(kInstruments, "/", id), "", as_customer).status, 200);
  HttpReply all = Send("GET", kInstruments, "", as_customer);
  ASSERT_EQ(all.status, 200) << all.body;
  ASSERT_EQ(Json(all).size(), 1u);
  EXPECT_EQ(Json(all)[0]["id"], id);
  ExpectProblem(Send("GET", absl::StrCat(kInstruments, "/", id), "", Jwt(customer_)), 404);

  // A second sign-up is a different customer.
  HttpReply again = Send("POST", kInstruments,
                         nlohmann::json({{"token", MakeToken()}}).dump(), publishable_key_);
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_NE(Json(again)["token"], customer_jwt);
  ExpectProblem(Send("GET", absl::StrCat(kInstruments, "/", Json(again)["id"].get<std::string>()),
                     "", as_customer),
                404);
  // The token was consumed by the first sign-up.
  ExpectProblem(
      Send("POST", kInstruments, nlohmann::json({{"token", token}}).dump(), publishable_key_),
      422);
}

TEST_F(RebillyTest, AMerchantKeyCannotUseTheStorefront) {
  HttpReply refused = Send("POST", kInstruments,
                           nlohmann::json({{"token", MakeToken()}}).dump(), sys->basic_auth());
  ExpectProblem(refused, 403);
}

TEST_F(RebillyTest, InvalidDataIs422WithEveryInvalidField) {
  nlohmann::json body = FramePayBody("4111111111111112");  // fails Luhn
  body["paymentInstrument"]["expMonth"] = 13;
  body["billingAddress"]["postalCode"] = "12345678901";
  HttpReply shape = Send("POST", kTokens, body.dump(), publishable_key_);
  ExpectProblem(shape, 422);
  std::set<std::string> fields;
  nlohmann::json shape_body = Json(shape);
  for (const auto& f : shape_body["invalidFields"]) fields.insert(f["field"].get<std::string>());
  EXPECT_EQ(fields,
            (std::set<std::string>{"paymentInstrument.expMonth", "billingAddress.postalCode"}))
      << shape.body;

  HttpReply luhn = Send("POST", kTokens, FramePayBody("4111111111111112").dump(), publishable_key_);
  ExpectProblem(luhn, 422);
  ASSERT_FALSE(Json(luhn)["invalidFields"].empty()) << luhn.body;
  EXPECT_EQ(Json(luhn)["invalidFields"][0]["field"], "paymentInstrument.pan");

  HttpReply no_token = Send("POST", kInstruments, "{}", Jwt(customer_));
  ExpectProblem(no_token, 422);
  EXPECT_EQ(Json(no_token)["invalidFields"][0]["field"], "token");
}

TEST_F(RebillyTest, UnknownRoutesAndMethodsAreProblems) {
  ExpectProblem(Send("GET", "/storefront/organizations/org-1/nothing", "", Jwt(customer_)), 404);
  ExpectProblem(Send("DELETE", kInstruments, "", Jwt(customer_)), 405);
}

}  // namespace
}  // namespace pi
