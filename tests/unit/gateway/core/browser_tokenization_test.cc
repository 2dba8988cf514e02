#include "gateway/core/browser_tokenization.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pi::gateway::core {
namespace {

namespace http = server::http;
using server::Exchange;
using server::Response;
using ::testing::HasSubstr;

constexpr char kTokens[] = "/tokens";

std::string HeaderOf(const Response& response, absl::string_view name) {
  auto it = response.find(boost::beast::string_view(name.data(), name.size()));
  return it == response.end() ? "" : std::string(it->value());
}

// A router with POST /tokens answering `status` and recording what the dialect saw.
class BrowserTokenizationTest : public ::testing::Test {
 protected:
  void SetUpRoutes(std::shared_ptr<RateLimiter> limiter = nullptr) {
    router_.Mount("/", [](const server::HttpError& error, const Exchange& exchange) {
      Response response(error.status, exchange.request.version());
      response.set(http::field::content_type, "application/hal+json");
      response.body() = "{\"dialect\": \"finix\"}";
      return response;
    });
    router_.Add(http::verb::post, kTokens,
                [this](const Exchange& exchange, server::Responder respond) {
                  seen_origins_.push_back(exchange.browser_origin);
                  Response response(status_, exchange.request.version());
                  response.body() = "{\"id\": \"TKone\"}";
                  respond(std::move(response));
                });
    ASSERT_TRUE(ProtectTokenizationRoute(
                    router_, kTokens,
                    {{"https://vault.example"}, std::move(limiter)})
                    .ok());
  }

  Response Send(http::verb method, std::map<std::string, std::string> headers,
                std::string client = "10.0.0.1") {
    Exchange exchange;
    exchange.request.method(method);
    exchange.request.version(11);
    exchange.request.target(kTokens);
    exchange.path = kTokens;
    exchange.client_address = client;
    for (const auto& [name, value] : headers) exchange.request.set(name, value);
    std::optional<Response> answer;
    router_.Dispatch(exchange, [&](Response r) { answer = std::move(r); });
    EXPECT_TRUE(answer.has_value());
    return answer.value_or(Response());
  }

  server::Router router_;
  http::status status_ = http::status::created;
  std::vector<std::string> seen_origins_;
};

TEST_F(BrowserTokenizationTest, ACrossOriginCallForwardsItsOriginAndIsAllowedOnSuccess) {
  SetUpRoutes();
  Response response = Send(http::verb::post, {{"Origin", "https://shop.example"},
                                              {"Host", "vault.example"}});
  EXPECT_EQ(response.result(), http::status::created);
  EXPECT_EQ(seen_origins_, std::vector<std::string>{"https://shop.example"});
  EXPECT_EQ(HeaderOf(response, "Access-Control-Allow-Origin"), "https://shop.example");
  EXPECT_EQ(HeaderOf(response, "Vary"), "Origin");
  EXPECT_EQ(HeaderOf(response, "Cache-Control"), "no-store");
}

TEST_F(BrowserTokenizationTest, ARefusedCrossOriginCallGetsNoCorsHeader) {
  SetUpRoutes();
  for (http::status refused : {http::status::forbidden, http::status::unprocessable_entity,
                               http::status::unauthorized, http::status::bad_request}) {
    status_ = refused;
    Response response = Send(http::verb::post, {{"Origin", "https://evil.example"}});
    EXPECT_EQ(response.result(), refused);
    EXPECT_EQ(HeaderOf(response, "Access-Control-Allow-Origin"), "") << response.result_int();
    EXPECT_EQ(HeaderOf(response, "Cache-Control"), "no-store");
  }
}

TEST_F(BrowserTokenizationTest, SameOriginAndNonBrowserCallsForwardNoOrigin) {
  SetUpRoutes();
  // The hosted page posts from the gateway's own origin: public base URL or Host.
  Send(http::verb::post, {{"Origin", "https://VAULT.example"}, {"Host", "internal:8080"}});
  Send(http::verb::post, {{"Origin", "http://127.0.0.1:8080"}, {"Host", "127.0.0.1:8080"}});
  Response server_side = Send(http::verb::post, {});
  EXPECT_EQ(seen_origins_, (std::vector<std::string>{"", "", ""}));
  EXPECT_EQ(HeaderOf(server_side, "Access-Control-Allow-Origin"), "");
  EXPECT_EQ(HeaderOf(server_side, "Cache-Control"), "no-store");
}

TEST_F(BrowserTokenizationTest, PreflightAllowsPostAndTheDialectsHeaders) {
  SetUpRoutes();
  Response response = Send(http::verb::options, {{"Origin", "https://shop.example"},
                                                 {"Access-Control-Request-Method", "POST"}});
  EXPECT_EQ(response.result(), http::status::no_content);
  EXPECT_EQ(HeaderOf(response, "Access-Control-Allow-Origin"), "https://shop.example");
  EXPECT_EQ(HeaderOf(response, "Access-Control-Allow-Methods"), "POST");
  EXPECT_THAT(HeaderOf(response, "Access-Control-Allow-Headers"), HasSubstr("Authorization"));
  EXPECT_THAT(HeaderOf(response, "Access-Control-Allow-Headers"), HasSubstr("Content-Type"));
  EXPECT_THAT(HeaderOf(response, "Vary"), HasSubstr("Origin"));
  EXPECT_TRUE(seen_origins_.empty()) << "a preflight never reaches the dialect";
}

TEST_F(BrowserTokenizationTest, OverTheLimitAnswers429InTheDialectsShapeWithRetryAfter) {
  absl::Time now = absl::FromUnixSeconds(1700000000);
  SetUpRoutes(std::make_shared<RateLimiter>(RateLimiter::Options{.per_minute = 2, .burst = 2},
                                            [&now] { return now; }));
  const std::map<std::string, std::string> key = {{"Authorization", "Bearer PKone_secret1"}};
  EXPECT_EQ(Send(http::verb::post, key).result(), http::status::created);
  EXPECT_EQ(Send(http::verb::post, key).result(), http::status::created);
  Response limited = Send(http::verb::post, key);
  EXPECT_EQ(limited.result(), http::status::too_many_requests);
  EXPECT_EQ(limited.body(), "{\"dialect\": \"finix\"}");
  EXPECT_EQ(HeaderOf(limited, "Retry-After"), "30");
  EXPECT_EQ(HeaderOf(limited, "Cache-Control"), "no-store");
  EXPECT_EQ(seen_origins_.size(), 2u) << "a limited request never reaches pi-server";
  // Another secret of the same key id shares the bucket; another address has its own.
  EXPECT_EQ(Send(http::verb::post, {{"Authorization", "Bearer PKone_other"}}).result(),
            http::status::too_many_requests);
  EXPECT_EQ(Send(http::verb::post, key, "10.0.0.2").result(), http::status::created);
  now += absl::Seconds(30);
  EXPECT_EQ(Send(http::verb::post, key).result(), http::status::created);
}

TEST(RateLimitKeyTest, IsTheCredentialIdAndAddressNeverTheSecret) {
  EXPECT_EQ(RateLimitKey("Bearer PKabc_s3cret", "10.0.0.1"), "PKabc|10.0.0.1");
  EXPECT_EQ(RateLimitKey("PKabc_s3cret", "10.0.0.1"), "PKabc|10.0.0.1");  // Rebilly, no scheme
  EXPECT_EQ(RateLimitKey("Basic " + absl::Base64Escape("USabc:s3cret"), "::1"), "USabc|::1");
  EXPECT_EQ(RateLimitKey("Bearer eyJh.eyJz.sig_x", "10.0.0.1"), "-|10.0.0.1");
  EXPECT_EQ(RateLimitKey("", "10.0.0.1"), "-|10.0.0.1");
  EXPECT_EQ(RateLimitKey("Basic !!!", "10.0.0.1"), "-|10.0.0.1");
}

TEST(OriginOfUrlTest, KeepsSchemeHostAndPort) {
  EXPECT_EQ(OriginOfUrl("https://Vault.example:8443/base/path?q"), "https://vault.example:8443");
  EXPECT_EQ(OriginOfUrl("http://localhost:8080"), "http://localhost:8080");
  EXPECT_EQ(OriginOfUrl("localhost:8080"), "");
}

TEST(IsOwnOriginTest, MatchesThePublicOriginOrTheHostHeader) {
  std::vector<std::string> own = {"https://vault.example"};
  EXPECT_TRUE(IsOwnOrigin("https://vault.example", "", own));
  EXPECT_TRUE(IsOwnOrigin("http://127.0.0.1:8080", "127.0.0.1:8080", own));
  EXPECT_FALSE(IsOwnOrigin("http://localhost:8080", "127.0.0.1:8080", own));
  EXPECT_FALSE(IsOwnOrigin("https://vault.example.evil", "vault.example", own));
  EXPECT_FALSE(IsOwnOrigin("null", "null", own));
  EXPECT_FALSE(IsOwnOrigin("http://a", "", {}));
}

}  // namespace
}  // namespace pi::gateway::core
