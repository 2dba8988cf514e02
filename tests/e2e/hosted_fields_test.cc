// Hosted fields over real HTTP to the real binaries: the allowed origins set by the admin CLI,
// the card page's security headers (CSP frame-ancestors = the one allowed origin, nosniff,
// no-referrer, no-store) and its refusals, CORS on the tokenization endpoints for allowed origins
// only (refusals audited by pi-server), the preflight, and the tokenization rate limit's 429 in
// each dialect's shape. The browser side is tests/browser/ (HostedFieldsBrowser).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/support/http_client.h"
#include "tests/support/system_under_test.h"
#include "tests/support/test_database.h"

namespace pi {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::HttpCall;
using testing::HttpReply;

constexpr char kShop[] = "http://127.0.0.1:8081";
constexpr char kOtherShop[] = "https://shop.example";
constexpr char kEvil[] = "http://localhost:8081";

class HostedFieldsTest : public ::testing::Test {
 protected:
  void Start(std::map<std::string, std::string> gateway_env = {}) {
    auto started = testing::SystemUnderTest::Start(
        "e2e-hosted-fields", {.database_url = testing::TestDatabaseUrl(),
                              .create_identity = false,
                              .gateway_env = std::move(gateway_env)});
    ASSERT_TRUE(started.ok()) << started.status();
    sys_ = *std::move(started);
    absl::StatusOr<std::string> publishable = sys_->CreateCredential({"--kind=publishable"});
    ASSERT_TRUE(publishable.ok()) << publishable.status();
    publishable_key_ = nlohmann::json::parse(*publishable)["key"];
    absl::StatusOr<std::string> set = sys_->AdminCommand(
        {"set-allowed-origins", "--application=" + sys_->application_id(),
         absl::StrCat("--allowed_origins=", kShop, ",HTTPS://Shop.Example:443")});
    ASSERT_TRUE(set.ok()) << set.status();
    EXPECT_EQ(nlohmann::json::parse(*set)["allowed_origins"],
              nlohmann::json({kShop, kOtherShop}));
  }

  HttpReply Get(const std::string& target) {
    absl::StatusOr<HttpReply> reply = HttpCall(sys_->http_port(), "GET", target);
    EXPECT_TRUE(reply.ok()) << reply.status();
    return reply.value_or(HttpReply{});
  }

  HttpReply CardPage(const std::string& key, const std::string& origin) {
    return Get(absl::StrCat("/hosted-fields/v1/card?key=", key, "&origin=", origin));
  }

  HttpReply Tokenize(const std::string& path, const std::string& body,
                     std::map<std::string, std::string> headers) {
    headers["Content-Type"] = "application/json";
    absl::StatusOr<HttpReply> reply = HttpCall(sys_->http_port(), "POST", path, body, headers);
    EXPECT_TRUE(reply.ok()) << reply.status();
    return reply.value_or(HttpReply{});
  }

  HttpReply FinixToken(const std::string& origin = "") {
    // As a browser sends it: with the port.
    std::map<std::string, std::string> headers = {
        {"Authorization", "Bearer " + publishable_key_},
        {"Host", absl::StrCat("127.0.0.1:", sys_->http_port())}};
    if (!origin.empty()) headers["Origin"] = origin;
    return Tokenize("/tokens", kFinixCard, headers);
  }

  HttpReply RebillyToken(const std::string& origin = "") {
    std::map<std::string, std::string> headers = {{"Authorization", publishable_key_}};
    if (!origin.empty()) headers["Origin"] = origin;
    return Tokenize("/organizations/org-1/tokens", kRebillyCard, headers);
  }

  // The number of `action` events with `outcome`, once it reaches `at_least`: refusals are
  // audited off the request path (AuditLog::Append never blocks), so the row may land just after
  // the answer. Gives up after a while and returns what is there.
  int64_t AuditCount(const std::string& action, const std::string& outcome, int64_t at_least) {
    int64_t count = 0;
    for (int attempt = 0; attempt < 100; ++attempt) {
      pqxx::connection c(testing::TestDatabaseUrl());
      pqxx::read_transaction txn(c);
      count = txn.exec_params1("SELECT count(*) FROM audit_events WHERE application_id = $1 "
                               "AND action = $2 AND outcome = $3",
                               sys_->application_id(), action, outcome)[0]
                  .as<int64_t>();
      if (count >= at_least) break;
      absl::SleepFor(absl::Milliseconds(100));
    }
    return count;
  }

  static constexpr char kFinixCard[] =
      R"({"type": "PAYMENT_CARD", "number": "4111111111111111", "expiration_month": 12,
          "expiration_year": 2040, "security_code": "123"})";
  static constexpr char kRebillyCard[] =
      R"({"method": "payment-card", "paymentInstrument": {"pan": "4111111111111111",
          "expMonth": 12, "expYear": 2040, "cvv": "123"},
          "billingAddress": {"firstName": "Jane", "lastName": "Doe", "address": "1 Main St",
                             "city": "Austin", "region": "TX", "country": "US",
                             "postalCode": "78701"}})";

  std::unique_ptr<testing::SystemUnderTest> sys_;
  std::string publishable_key_;
};

TEST_F(HostedFieldsTest, TheCardPageIsFramableByTheAllowedOriginOnly) {
  Start();
  HttpReply page = CardPage(publishable_key_, "http%3A%2F%2F127.0.0.1%3A8081");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(page.headers["content-type"], "text/html; charset=utf-8");
  EXPECT_EQ(page.headers["content-security-policy"],
            "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
            "frame-ancestors http://127.0.0.1:8081; base-uri 'none'; form-action 'none'");
  EXPECT_EQ(page.headers["x-content-type-options"], "nosniff");
  EXPECT_EQ(page.headers["referrer-policy"], "no-referrer");
  EXPECT_EQ(page.headers["cache-control"], "no-store");
  EXPECT_THAT(page.body, HasSubstr("data-parent-origin=\"http://127.0.0.1:8081\""));
  EXPECT_THAT(page.body, HasSubstr("data-tokens-url=\"/tokens\""));
  EXPECT_THAT(page.body, Not(HasSubstr("<script>")));

  // The canonical form goes into the header, whatever the case or default port asked for.
  HttpReply other = CardPage(publishable_key_, "HTTPS://SHOP.example:443");
  ASSERT_EQ(other.status, 200) << other.body;
  EXPECT_THAT(other.headers["content-security-policy"],
              HasSubstr("frame-ancestors https://shop.example;"));
}

TEST_F(HostedFieldsTest, TheCardPageRefusesOtherOriginsKeysAndRoles) {
  Start();
  HttpReply evil = CardPage(publishable_key_, kEvil);
  EXPECT_EQ(evil.status, 403);
  EXPECT_THAT(evil.body, HasSubstr("not allowed"));
  EXPECT_THAT(evil.headers["content-security-policy"], Not(HasSubstr("script-src")));
  EXPECT_EQ(evil.headers["cache-control"], "no-store");
  // A header injection attempt through the origin is refused, never echoed into a header.
  HttpReply injected = CardPage(publishable_key_, "http%3A%2F%2F127.0.0.1%3A8081%3B%20script-src%20*");
  EXPECT_EQ(injected.status, 403);
  EXPECT_THAT(injected.headers["content-security-policy"], Not(HasSubstr("8081")));
  EXPECT_EQ(CardPage("PKnope_nope", kShop).status, 401);
  // A secret key must never be put in a page: only publishable keys get the fields.
  absl::StatusOr<std::string> api_key = sys_->CreateCredential({"--kind=api_key"});
  ASSERT_TRUE(api_key.ok());
  HttpReply secret = CardPage(nlohmann::json::parse(*api_key)["key"], kShop);
  EXPECT_EQ(secret.status, 403);
  EXPECT_THAT(secret.body, HasSubstr("publishable key"));
  EXPECT_EQ(Get("/hosted-fields/v1/card?origin=http://127.0.0.1:8081").status, 400);
  EXPECT_EQ(Get("/hosted-fields/v1/nothing").status, 404);
  EXPECT_GE(AuditCount("origin.check", "ORIGIN_NOT_ALLOWED", 2), 2);
}

TEST_F(HostedFieldsTest, TheScriptsAndStyleAreServedWithTheirTypes) {
  Start();
  HttpReply client = Get("/hosted-fields/v1/payment-fields.js");
  EXPECT_EQ(client.status, 200);
  EXPECT_EQ(client.headers["content-type"], "text/javascript; charset=utf-8");
  EXPECT_EQ(client.headers["x-content-type-options"], "nosniff");
  EXPECT_THAT(client.body, HasSubstr("PaymentFields"));
  EXPECT_EQ(Get("/hosted-fields/v1/card.js").headers["content-type"],
            "text/javascript; charset=utf-8");
  EXPECT_EQ(Get("/hosted-fields/v1/card.css").headers["content-type"], "text/css; charset=utf-8");
}

TEST_F(HostedFieldsTest, TokenizationAllowsCorsForAllowedOriginsOnly) {
  Start();
  HttpReply allowed = FinixToken(kShop);
  ASSERT_EQ(allowed.status, 201) << allowed.body;
  EXPECT_EQ(allowed.headers["access-control-allow-origin"], kShop);
  EXPECT_EQ(allowed.headers["vary"], "Origin");
  EXPECT_EQ(allowed.headers["cache-control"], "no-store");

  HttpReply refused = FinixToken(kEvil);
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_EQ(refused.headers.count("access-control-allow-origin"), 0u);
  EXPECT_EQ(refused.headers["cache-control"], "no-store");
  EXPECT_THAT(refused.body, Not(HasSubstr("TK")));
  EXPECT_EQ(AuditCount("token.create", "ORIGIN_NOT_ALLOWED", 1), 1);

  // "null" (sandboxed frames, file: pages) is no allowed origin either.
  EXPECT_EQ(FinixToken("null").status, 403);

  // Rebilly's FramePay endpoint: the same rule, RFC 7807 refusal.
  HttpReply rebilly = RebillyToken(kOtherShop);
  EXPECT_EQ(rebilly.status, 201) << rebilly.body;
  EXPECT_EQ(rebilly.headers["access-control-allow-origin"], kOtherShop);
  HttpReply rebilly_refused = RebillyToken(kEvil);
  EXPECT_EQ(rebilly_refused.status, 403) << rebilly_refused.body;
  EXPECT_EQ(rebilly_refused.headers["content-type"], "application/problem+json");
  EXPECT_EQ(rebilly_refused.headers.count("access-control-allow-origin"), 0u);

  // Server-side calls (no Origin) and the hosted page's own same-origin calls are not checked.
  HttpReply server_side = FinixToken();
  EXPECT_EQ(server_side.status, 201) << server_side.body;
  EXPECT_EQ(server_side.headers.count("access-control-allow-origin"), 0u);
  EXPECT_EQ(server_side.headers["cache-control"], "no-store");
  EXPECT_EQ(FinixToken(absl::StrCat("http://127.0.0.1:", sys_->http_port())).status, 201);
}

TEST_F(HostedFieldsTest, ThePreflightAnswersMethodsAndHeaders) {
  Start();
  absl::StatusOr<HttpReply> preflight =
      HttpCall(sys_->http_port(), "OPTIONS", "/tokens", "",
               {{"Origin", kShop},
                {"Access-Control-Request-Method", "POST"},
                {"Access-Control-Request-Headers", "authorization, content-type"}});
  ASSERT_TRUE(preflight.ok());
  EXPECT_EQ(preflight->status, 204);
  EXPECT_EQ(preflight->headers["access-control-allow-origin"], kShop);
  EXPECT_EQ(preflight->headers["access-control-allow-methods"], "POST");
  EXPECT_THAT(preflight->headers["access-control-allow-headers"], HasSubstr("Authorization"));
  EXPECT_THAT(preflight->headers["access-control-allow-headers"], HasSubstr("Content-Type"));
  EXPECT_EQ(preflight->headers.count("access-control-allow-credentials"), 0u);
  absl::StatusOr<HttpReply> rebilly = HttpCall(
      sys_->http_port(), "OPTIONS", "/organizations/org-1/tokens", "",
      {{"Origin", kShop}, {"Access-Control-Request-Method", "POST"}});
  ASSERT_TRUE(rebilly.ok());
  EXPECT_EQ(rebilly->status, 204);
}

TEST_F(HostedFieldsTest, TokenizationOverTheRateLimitIs429InEachDialectsShape) {
  Start({{"PI_TOKENIZE_RATE", "1"}, {"PI_TOKENIZE_BURST", "2"}});
  EXPECT_EQ(FinixToken().status, 201);
  EXPECT_EQ(FinixToken().status, 201);
  HttpReply limited = FinixToken();
  ASSERT_EQ(limited.status, 429) << limited.body;
  EXPECT_EQ(limited.headers["retry-after"], "60");
  EXPECT_EQ(limited.headers["cache-control"], "no-store");
  nlohmann::json finix = nlohmann::json::parse(limited.body, nullptr, false);
  ASSERT_TRUE(finix.contains("_embedded")) << limited.body;
  EXPECT_EQ(finix["_embedded"]["errors"].size(), 1u);
  // The key's bucket is shared by the dialects; Rebilly answers a problem document.
  HttpReply problem = RebillyToken();
  EXPECT_EQ(problem.status, 429);
  EXPECT_EQ(problem.headers["content-type"], "application/problem+json");
  EXPECT_EQ(nlohmann::json::parse(problem.body, nullptr, false)["status"], 429) << problem.body;
  EXPECT_EQ(problem.headers["retry-after"], "60");
  // Other credentials have buckets of their own.
  HttpReply merchant = Tokenize("/tokens", kFinixCard, {{"Authorization", sys_->basic_auth()}});
  EXPECT_EQ(merchant.status, 201) << merchant.body;
}

}  // namespace
}  // namespace pi
