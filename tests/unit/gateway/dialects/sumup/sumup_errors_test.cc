#include "gateway/dialects/sumup/sumup_errors.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pi::gateway::sumup {
namespace {

namespace http = server::http;

nlohmann::json Body(const server::Response& response) {
  return nlohmann::json::parse(response.body());
}

core::RpcError Rpc(grpc::StatusCode code, const std::string& reason,
                   const std::string& message = "pi-server's words") {
  core::RpcError error;
  error.code = code;
  error.reason = reason;
  error.message = message;
  return error;
}

ErrorContext WithCredentials() { return {11, true}; }

void ExpectJson(const server::Response& response) {
  EXPECT_EQ(response[http::field::content_type], "application/json");
  EXPECT_EQ(response[http::field::content_length], std::to_string(response.body().size()));
}

// ---- SumUpParam ------------------------------------------------------------------------------

TEST(SumUpParamTest, MapsCanonicalPathsToSumUpParams) {
  struct Case {
    const char* canonical;
    const char* sumup;
  };
  const Case kCases[] = {
      {"payment_instrument.card.number", "card.number"},
      {"payment_instrument.number", "card.number"},
      {"payment_instrument.card.expiration_month", "card.expiry_month"},
      {"payment_instrument.expiration_month", "card.expiry_month"},
      {"payment_instrument.card.expiration_year", "card.expiry_year"},
      {"payment_instrument.expiration_year", "card.expiry_year"},
      {"payment_instrument.card.security_code", "card.cvv"},
      {"payment_instrument.security_code", "card.cvv"},
      {"payment_instrument.holder_name", "card.name"},
      {"payment_instrument.address.postal_code", "card.zip_code"},
      {"payment_instrument.identity", "customer_id"},
      {"payment_instrument.type", "type"},
      {"payment_instrument.card", "card"},
      {"payment_instrument.name", "token"},
      {"name", "token"},
      {"identity.external_id", "customer_id"},
      {"external_id", "customer_id"},
      {"identity.first_name", "personal_details.first_name"},
      {"identity.last_name", "personal_details.last_name"},
      {"identity.email", "personal_details.email"},
      {"identity.phone", "personal_details.phone"},
      {"identity.address.line1", "personal_details.address.line_1"},
      {"identity.address.line2", "personal_details.address.line_2"},
      {"identity.address.city", "personal_details.address.city"},
      {"identity.address.region", "personal_details.address.state"},
      {"identity.address.postal_code", "personal_details.address.postal_code"},
      {"identity.address.country", "personal_details.address.country"},
      {"something_else", "something_else"},
  };
  for (const Case& c : kCases) {
    EXPECT_EQ(SumUpParam(c.canonical), c.sumup) << c.canonical;
  }
}

// ---- 400 -------------------------------------------------------------------------------------

TEST(SumUpInvalidParamsTest, OneParamIsOneObjectAsInTheSeed) {
  server::Response response = RenderInvalidParams({{"card.expiry_year", "must be YY or YYYY"}}, 11);

  EXPECT_EQ(response.result(), http::status::bad_request);
  ExpectJson(response);
  // The seed's Invalid_Parameter example, key order included.
  EXPECT_EQ(response.body(),
            R"({"message":"Validation error","error_code":"INVALID","param":"card.expiry_year"})");
}

TEST(SumUpInvalidParamsTest, SeveralParamsAreAnArrayAsInTheSeed) {
  server::Response response = RenderInvalidParams(
      {{"card.name", "is required"}, {"card.number", "x"}, {"card.expiry_year", "y"}}, 11);

  EXPECT_EQ(response.result(), http::status::bad_request);
  ExpectJson(response);
  // The seed's Multiple_Invalid_Parameters example.
  EXPECT_EQ(Body(response), nlohmann::json::parse(R"([
    {"error_code": "INVALID", "message": "Validation error", "param": "card.name"},
    {"error_code": "INVALID", "message": "Validation error", "param": "card.number"},
    {"error_code": "INVALID", "message": "Validation error", "param": "card.expiry_year"}
  ])"));
}

TEST(SumUpInvalidParamsTest, RepeatsOfOneParamCountOnce) {
  server::Response response = RenderInvalidParams(
      {{"card.expiry_year", "the card has expired"}, {"card.expiry_year", "again"}}, 11);

  EXPECT_TRUE(Body(response).is_object()) << response.body();
  EXPECT_EQ(Body(response)["param"], "card.expiry_year");
}

TEST(SumUpRpcErrorTest, FieldViolationsBecomeSumUpParams) {
  core::RpcError error = Rpc(grpc::StatusCode::INVALID_ARGUMENT, "INVALID_FIELDS");
  error.violations = {{"payment_instrument.holder_name", "must be at most 100 characters"},
                      {"payment_instrument.card.number", "check digit mismatch"},
                      {"payment_instrument.card.expiration_year", "the card has expired"},
                      {"payment_instrument.address.postal_code", "must be at most 7"}};

  server::Response response = RenderRpcError(error, WithCredentials());

  EXPECT_EQ(response.result(), http::status::bad_request);
  ExpectJson(response);
  nlohmann::json params = nlohmann::json::array();
  for (const auto& entry : Body(response)) params.push_back(entry["param"]);
  EXPECT_EQ(params,
            nlohmann::json({"card.name", "card.number", "card.expiry_year", "card.zip_code"}));
}

TEST(SumUpRpcErrorTest, OneFieldViolationIsOneObject) {
  core::RpcError error = Rpc(grpc::StatusCode::INVALID_ARGUMENT, "INVALID_FIELDS");
  error.violations = {{"payment_instrument.card.security_code", "must be 3 digits"}};

  server::Response response = RenderRpcError(error, WithCredentials());

  EXPECT_EQ(Body(response), nlohmann::json::parse(R"(
      {"message": "Validation error", "error_code": "INVALID", "param": "card.cvv"})"));
}

TEST(SumUpRpcErrorTest, OtherBadRequestsCarryTheReason) {
  server::Response response = RenderRpcError(
      Rpc(grpc::StatusCode::FAILED_PRECONDITION, "IDEMPOTENCY_KEY_REUSED", "key reused"),
      WithCredentials());

  EXPECT_EQ(response.result(), http::status::bad_request);
  EXPECT_EQ(Body(response),
            nlohmann::json::parse(
                R"({"message": "key reused", "error_code": "IDEMPOTENCY_KEY_REUSED"})"));
}

TEST(SumUpBadRequestTest, IsAMessageAndACode) {
  server::Response response = RenderBadRequest("the body is not valid JSON", 11);

  EXPECT_EQ(response.result(), http::status::bad_request);
  ExpectJson(response);
  EXPECT_EQ(Body(response),
            nlohmann::json::parse(
                R"({"message": "the body is not valid JSON", "error_code": "BAD_REQUEST"})"));
}

// ---- 401, 403, 404, 409 ----------------------------------------------------------------------

TEST(SumUpRpcErrorTest, MissingTokenIsTheSeedsMissingTokenBody) {
  server::Response response =
      RenderRpcError(Rpc(grpc::StatusCode::UNAUTHENTICATED, "UNAUTHENTICATED_CALLER"), {11, false});

  EXPECT_EQ(response.result(), http::status::unauthorized);
  ExpectJson(response);
  EXPECT_EQ(Body(response),
            nlohmann::json::parse(
                R"({"message": "access token required", "error_code": "NOT_AUTHORIZED"})"));
}

TEST(SumUpRpcErrorTest, RefusedTokenIsTheSeedsInvalidTokenBody) {
  server::Response response = RenderRpcError(
      Rpc(grpc::StatusCode::UNAUTHENTICATED, "UNAUTHENTICATED_CALLER"), WithCredentials());

  EXPECT_EQ(response.result(), http::status::unauthorized);
  EXPECT_EQ(Body(response),
            nlohmann::json::parse(
                R"({"error_message": "invalid access token", "error_code": "NOT_AUTHORIZED"})"));
}

TEST(SumUpRpcErrorTest, ForbiddenIsTheSeedsForbiddenBodyWithAStringStatusCode) {
  server::Response response = RenderRpcError(
      Rpc(grpc::StatusCode::PERMISSION_DENIED, "PERMISSION_DENIED_FOR_ROLE"), WithCredentials());

  EXPECT_EQ(response.result(), http::status::forbidden);
  ExpectJson(response);
  EXPECT_EQ(
      response.body(),
      R"({"error_message":"request_not_allowed","error_code":"FORBIDDEN","status_code":"403"})");
}

TEST(SumUpRpcErrorTest, NotFoundIsTheSeedsNotFoundBody) {
  server::Response response =
      RenderRpcError(Rpc(grpc::StatusCode::NOT_FOUND, "RESOURCE_NOT_FOUND"), WithCredentials());

  EXPECT_EQ(response.result(), http::status::not_found);
  EXPECT_EQ(response.body(), R"({"error_code":"NOT_FOUND","message":"Resource not found"})");
  EXPECT_EQ(RenderNotFound(11).body(), response.body());
}

TEST(SumUpRpcErrorTest, MaxInstrumentCountIsTheSeeds409) {
  server::Response response = RenderRpcError(
      Rpc(grpc::StatusCode::FAILED_PRECONDITION, "MAX_INSTRUMENT_COUNT", "limit of 10 reached"),
      WithCredentials());

  EXPECT_EQ(response.result(), http::status::conflict);
  ExpectJson(response);
  EXPECT_EQ(response.body(), R"({"error_code":"MAX_INSTRUMENT_COUNT",)"
                             R"("message":"Max number of payment instruments on file reached"})");
}

TEST(SumUpRpcErrorTest, TakenCustomerIdIs409) {
  server::Response response =
      RenderRpcError(Rpc(grpc::StatusCode::ALREADY_EXISTS, "ALREADY_EXISTS"), WithCredentials());

  EXPECT_EQ(response.result(), http::status::conflict);
  nlohmann::json body = Body(response);
  EXPECT_EQ(body["error_code"], "CUSTOMER_ALREADY_EXISTS");
  EXPECT_TRUE(body["message"].is_string());
  EXPECT_EQ(body.size(), 2u);
}

TEST(SumUpRpcErrorTest, OtherConflictsCarryTheReason) {
  server::Response response = RenderRpcError(
      Rpc(grpc::StatusCode::ABORTED, "IDEMPOTENCY_KEY_IN_USE", "in use"), WithCredentials());

  EXPECT_EQ(response.result(), http::status::conflict);
  EXPECT_EQ(
      Body(response),
      nlohmann::json::parse(R"({"error_code": "IDEMPOTENCY_KEY_IN_USE", "message": "in use"})"));
}

// ---- 5xx and routing -------------------------------------------------------------------------

TEST(SumUpRpcErrorTest, ServerErrorsAreJsonWithoutTheTransportsText) {
  struct Case {
    grpc::StatusCode code;
    http::status status;
    const char* error_code;
  };
  const Case kCases[] = {
      {grpc::StatusCode::UNAVAILABLE, http::status::service_unavailable, "SERVICE_UNAVAILABLE"},
      {grpc::StatusCode::DEADLINE_EXCEEDED, http::status::gateway_timeout, "GATEWAY_TIMEOUT"},
      {grpc::StatusCode::INTERNAL, http::status::internal_server_error, "INTERNAL_SERVER_ERROR"},
      {grpc::StatusCode::UNKNOWN, http::status::internal_server_error, "INTERNAL_SERVER_ERROR"},
      {grpc::StatusCode::UNIMPLEMENTED, http::status::not_implemented, "NOT_IMPLEMENTED"},
  };
  for (const Case& c : kCases) {
    server::Response response = RenderRpcError(
        Rpc(c.code, "", "failed to connect to ipv4:10.0.0.7:50051"), WithCredentials());

    EXPECT_EQ(response.result(), c.status) << c.error_code;
    ExpectJson(response);
    nlohmann::json body = Body(response);
    EXPECT_EQ(body["error_code"], c.error_code);
    EXPECT_TRUE(body["message"].is_string());
    EXPECT_EQ(response.body().find("10.0.0.7"), std::string::npos) << response.body();
  }
}

TEST(SumUpRpcErrorTest, TooManyRequestsIs429) {
  server::Response response = RenderRpcError(
      Rpc(grpc::StatusCode::RESOURCE_EXHAUSTED, "", "queue full"), WithCredentials());

  EXPECT_EQ(response.result(), http::status::too_many_requests);
  EXPECT_EQ(Body(response)["error_code"], "TOO_MANY_REQUESTS");
}

TEST(SumUpHttpErrorTest, RoutingAndTransportErrorsAreSumUpJson) {
  server::Exchange exchange;
  exchange.request.version(11);
  exchange.path = "/v0.1/nowhere";
  struct Case {
    http::status status;
    const char* error_code;
  };
  const Case kCases[] = {
      {http::status::not_found, "NOT_FOUND"},
      {http::status::method_not_allowed, "METHOD_NOT_ALLOWED"},
      {http::status::payload_too_large, "PAYLOAD_TOO_LARGE"},
      {http::status::bad_request, "BAD_REQUEST"},
      {http::status::request_timeout, "REQUEST_TIMEOUT"},
      {http::status::request_header_fields_too_large, "HEADERS_TOO_LARGE"},
      {http::status::service_unavailable, "SERVICE_UNAVAILABLE"},
  };
  for (const Case& c : kCases) {
    server::Response response = RenderHttpError({c.status, "what happened"}, exchange);

    EXPECT_EQ(response.result(), c.status);
    ExpectJson(response);
    EXPECT_EQ(Body(response)["error_code"], c.error_code) << response.body();
  }
  EXPECT_EQ(RenderHttpError({http::status::not_found, "no such resource"}, exchange).body(),
            RenderNotFound(11).body());
  EXPECT_EQ(Body(RenderHttpError({http::status::payload_too_large, "too big"}, exchange)),
            nlohmann::json::parse(R"({"error_code": "PAYLOAD_TOO_LARGE", "message": "too big"})"));
}

}  // namespace
}  // namespace pi::gateway::sumup
