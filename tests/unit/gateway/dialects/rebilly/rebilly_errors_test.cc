#include "gateway/dialects/rebilly/rebilly_errors.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pi::gateway::rebilly {
namespace {

namespace http = server::http;

nlohmann::json Body(const server::Response& response) {
  EXPECT_EQ(response[http::field::content_type], "application/problem+json");
  return nlohmann::json::parse(response.body());
}

core::RpcError Rpc(grpc::StatusCode code, const std::string& reason = "",
                   const std::string& message = "pi-server's words") {
  core::RpcError error;
  error.code = code;
  error.reason = reason;
  error.message = message;
  return error;
}

TEST(RebillyErrorsTest, CanonicalPathsBecomeRebillyFields) {
  EXPECT_EQ(RebillyField("token.card.number"), "paymentInstrument.pan");
  EXPECT_EQ(RebillyField("payment_instrument.card.number"), "paymentInstrument.pan");
  EXPECT_EQ(RebillyField("token.card.expiration_month"), "paymentInstrument.expMonth");
  EXPECT_EQ(RebillyField("token.card.expiration_year"), "paymentInstrument.expYear");
  EXPECT_EQ(RebillyField("token.card.security_code"), "paymentInstrument.cvv");
  EXPECT_EQ(RebillyField("token.address.postal_code"), "billingAddress.postalCode");
  EXPECT_EQ(RebillyField("payment_instrument.address.line1"), "billingAddress.address");
  EXPECT_EQ(RebillyField("payment_instrument.address.line2"), "billingAddress.address2");
  EXPECT_EQ(RebillyField("payment_instrument.address.country"), "billingAddress.country");
  EXPECT_EQ(RebillyField("token"), "token");
  EXPECT_EQ(RebillyField("payment_instrument.tags"), "customFields");
}

TEST(RebillyErrorsTest, ViolationsAre422WithEveryInvalidField) {
  core::RpcError error = Rpc(grpc::StatusCode::INVALID_ARGUMENT, "INVALID_FIELDS");
  error.violations = {{"token.card.number", "fails the Luhn check"},
                      {"token.card.expiration_year", "is in the past"},
                      {"token.address.postal_code", "too long"}};
  server::Response response = RenderRpcError(error, 11);
  EXPECT_EQ(response.result(), http::status::unprocessable_entity);
  nlohmann::json body = Body(response);
  EXPECT_EQ(body["status"], 422);
  EXPECT_EQ(body["type"], "about:blank");
  EXPECT_EQ(body["title"], "Unprocessable Entity");
  EXPECT_TRUE(body["detail"].is_string());
  ASSERT_EQ(body["invalidFields"].size(), 3u);
  EXPECT_EQ(body["invalidFields"][0], nlohmann::json({{"field", "paymentInstrument.pan"},
                                                      {"message", "fails the Luhn check"}}));
  EXPECT_EQ(body["invalidFields"][1]["field"], "paymentInstrument.expYear");
  EXPECT_EQ(body["invalidFields"][2]["field"], "billingAddress.postalCode");
}

TEST(RebillyErrorsTest, ShapeErrorsRenderAs422) {
  server::Response response =
      RenderInvalidFields({{"token", "is required"}, {"customFields", "bad"}}, 11);
  EXPECT_EQ(response.result(), http::status::unprocessable_entity);
  nlohmann::json body = Body(response);
  EXPECT_EQ(body["invalidFields"][0],
            nlohmann::json({{"field", "token"}, {"message", "is required"}}));
  EXPECT_EQ(body["invalidFields"][1]["field"], "customFields");
}

TEST(RebillyErrorsTest, StatusesFollowTheSharedTable) {
  const std::pair<grpc::StatusCode, unsigned> kCases[] = {
      {grpc::StatusCode::UNAUTHENTICATED, 401}, {grpc::StatusCode::PERMISSION_DENIED, 403},
      {grpc::StatusCode::NOT_FOUND, 404},       {grpc::StatusCode::ALREADY_EXISTS, 409},
      {grpc::StatusCode::UNAVAILABLE, 503},
  };
  for (const auto& [code, expected] : kCases) {
    server::Response response = RenderRpcError(Rpc(code), 11);
    EXPECT_EQ(static_cast<unsigned>(response.result()), expected);
    nlohmann::json body = Body(response);
    EXPECT_EQ(body["status"], expected);
    EXPECT_FALSE(body.contains("invalidFields"));
  }
}

TEST(RebillyErrorsTest, ServerErrorsHideTheirText) {
  nlohmann::json body = Body(RenderRpcError(Rpc(grpc::StatusCode::INTERNAL, "", "db: secret"), 11));
  EXPECT_EQ(body["status"], 500);
  EXPECT_EQ(body["detail"], "Internal server error.");
}

TEST(RebillyErrorsTest, ReasonsRefineTheStatus) {
  EXPECT_EQ(RenderRpcError(Rpc(grpc::StatusCode::FAILED_PRECONDITION, "MAX_INSTRUMENT_COUNT"), 11)
                .result(),
            http::status::conflict);
  server::Response used =
      RenderRpcError(Rpc(grpc::StatusCode::FAILED_PRECONDITION, "TOKEN_ALREADY_USED"), 11);
  EXPECT_EQ(used.result(), http::status::unprocessable_entity);
  EXPECT_EQ(Body(used)["invalidFields"][0]["field"], "token");
  EXPECT_EQ(
      RenderRpcError(Rpc(grpc::StatusCode::INVALID_ARGUMENT, "MALFORMED_REQUEST"), 11).result(),
      http::status::unprocessable_entity);
}

TEST(RebillyErrorsTest, RoutingErrorsAreProblems) {
  server::Exchange exchange;
  exchange.request.version(11);
  server::Response response =
      RenderHttpError({http::status::method_not_allowed, "method not allowed"}, exchange);
  EXPECT_EQ(response.result(), http::status::method_not_allowed);
  nlohmann::json body = Body(response);
  EXPECT_EQ(body["status"], 405);
  EXPECT_EQ(body["title"], "Method Not Allowed");
  EXPECT_EQ(Body(RenderHttpError({http::status::payload_too_large, "too big"}, exchange))["status"],
            413);
}

}  // namespace
}  // namespace pi::gateway::rebilly
