// Request ids end to end: one request's access-log lines in pi-gateway and pi-server carry the
// same request id (the client's X-Request-Id when it is a safe one, else one the gateway makes),
// the response echoes it, and both logs are JSON lines without secrets.
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "payments/instruments/v1/payment_instrument_service.grpc.pb.h"
#include "tests/support/http_client.h"
#include "tests/support/system_under_test.h"
#include "tests/support/test_database.h"

namespace pi {
namespace {

namespace v1 = ::payments::instruments::v1;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;

constexpr char kPan[] = "5200828282828210";

// Every line of `log`, each of which must be a JSON object with ts, level and msg.
std::vector<nlohmann::json> JsonLines(const std::string& log) {
  std::vector<nlohmann::json> lines;
  for (absl::string_view line : absl::StrSplit(log, '\n', absl::SkipEmpty())) {
    nlohmann::json parsed = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    EXPECT_TRUE(parsed.is_object()) << "not a JSON line: " << line;
    if (!parsed.is_object()) continue;
    EXPECT_TRUE(parsed.contains("ts") && parsed.contains("level") && parsed.contains("msg"))
        << line;
    lines.push_back(std::move(parsed));
  }
  return lines;
}

// The log lines with message `msg` and request id `request_id`.
std::vector<nlohmann::json> LinesOf(const std::string& log, const std::string& msg,
                                    const std::string& request_id) {
  std::vector<nlohmann::json> found;
  for (nlohmann::json& line : JsonLines(log)) {
    if (line["msg"] == msg && line.value("request_id", "") == request_id) {
      found.push_back(std::move(line));
    }
  }
  return found;
}

class RequestIdLogsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto started = testing::SystemUnderTest::Start("e2e-request-id",
                                                   {.database_url = testing::TestDatabaseUrl()});
    ASSERT_TRUE(started.ok()) << started.status();
    sys_ = *std::move(started);
  }

  // A card create through the gateway, with `request_id` as X-Request-Id unless empty.
  testing::HttpReply Create(const std::string& request_id) {
    std::map<std::string, std::string> headers = {{"Authorization", sys_->basic_auth()},
                                                  {"Content-Type", "application/json"}};
    if (!request_id.empty()) headers["X-Request-Id"] = request_id;
    nlohmann::json body = {{"type", "PAYMENT_CARD"},  {"identity", sys_->identity_id()},
                           {"number", kPan},          {"expiration_month", 12},
                           {"expiration_year", 2040}, {"security_code", "739"}};
    absl::StatusOr<testing::HttpReply> reply =
        testing::HttpCall(sys_->http_port(), "POST", "/payment_instruments", body.dump(), headers);
    EXPECT_TRUE(reply.ok()) << reply.status();
    return reply.ok() ? *std::move(reply) : testing::HttpReply();
  }

  // Both processes logged exactly one access line for `request_id`, with what they should hold.
  void ExpectOneLineEach(const std::string& request_id) {
    std::vector<nlohmann::json> gateway = LinesOf(sys_->gateway_log(), "http", request_id);
    ASSERT_EQ(gateway.size(), 1u) << sys_->gateway_log();
    EXPECT_EQ(gateway[0]["method"], "POST");
    EXPECT_EQ(gateway[0]["dialect"], "finix");
    EXPECT_EQ(gateway[0]["route"], "/payment_instruments");
    EXPECT_EQ(gateway[0]["status"], 201);
    EXPECT_TRUE(gateway[0]["latency_ms"].is_number());
    std::vector<nlohmann::json> server = LinesOf(sys_->server_log(), "rpc", request_id);
    ASSERT_EQ(server.size(), 1u) << sys_->server_log();
    EXPECT_EQ(server[0]["method"],
              "payments.instruments.v1.PaymentInstrumentService/CreatePaymentInstrument");
    EXPECT_EQ(server[0]["code"], "OK");
    EXPECT_EQ(server[0]["application"], sys_->application_id());
    EXPECT_TRUE(server[0]["latency_ms"].is_number());
  }

  std::unique_ptr<testing::SystemUnderTest> sys_;
};

TEST_F(RequestIdLogsTest, TheClientsRequestIdIsInBothProcessesLogs) {
  const std::string id = "4f1e8c2a-93b1-4c55-a1f6-0d2e3c4b5a69";
  testing::HttpReply reply = Create(id);
  ASSERT_EQ(reply.status, 201) << reply.body;
  EXPECT_EQ(reply.headers["x-request-id"], id);
  ExpectOneLineEach(id);
}

TEST_F(RequestIdLogsTest, WithoutOneTheGatewayMakesItAndPiServerLogsThatOne) {
  testing::HttpReply reply = Create("");
  ASSERT_EQ(reply.status, 201) << reply.body;
  std::string id = reply.headers["x-request-id"];
  EXPECT_THAT(id, MatchesRegex("RQ[0-9a-f]{32}"));
  ExpectOneLineEach(id);
}

TEST_F(RequestIdLogsTest, AnUnsafeOrLongRequestIdIsReplaced) {
  for (const std::string& bad : {std::string("id with spaces \"and quotes\""),
                                 std::string("semi;colon"), std::string(129, 'a')}) {
    testing::HttpReply reply = Create(bad);
    ASSERT_EQ(reply.status, 201) << reply.body;
    std::string id = reply.headers["x-request-id"];
    EXPECT_THAT(id, MatchesRegex("RQ[0-9a-f]{32}")) << bad;
    ExpectOneLineEach(id);
    EXPECT_THAT(sys_->gateway_log(), Not(HasSubstr(bad)));
    EXPECT_THAT(sys_->server_log(), Not(HasSubstr(bad)));
  }
}

TEST_F(RequestIdLogsTest, GrpcCallersSetItAsMetadataAndGetItBack) {
  auto stub = v1::PaymentInstrumentService::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", sys_->grpc_port()), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.AddMetadata("authorization", sys_->basic_auth());
  context.AddMetadata("x-request-id", "grpc-caller-77");
  v1::GetPaymentInstrumentRequest request;
  request.set_name("paymentInstruments/PInothere");
  v1::PaymentInstrument response;
  EXPECT_EQ(stub->GetPaymentInstrument(&context, request, &response).error_code(),
            grpc::StatusCode::NOT_FOUND);
  auto echoed = context.GetServerInitialMetadata().find("x-request-id");
  ASSERT_NE(echoed, context.GetServerInitialMetadata().end());
  EXPECT_EQ(std::string(echoed->second.data(), echoed->second.size()), "grpc-caller-77");
  std::vector<nlohmann::json> lines = LinesOf(sys_->server_log(), "rpc", "grpc-caller-77");
  ASSERT_EQ(lines.size(), 1u) << sys_->server_log();
  EXPECT_EQ(lines[0]["code"], "NOT_FOUND");
  EXPECT_EQ(lines[0]["level"], "warn");
}

// The access lines hold no body, card data or credential: checked on every line of both logs.
TEST_F(RequestIdLogsTest, LogsAreJsonLinesWithoutSecrets) {
  ASSERT_EQ(Create("secrets-check").status, 201);
  std::string secret = sys_->basic_auth().substr(std::string("Basic ").size());
  for (const std::string& log : {sys_->gateway_log(), sys_->server_log()}) {
    EXPECT_FALSE(JsonLines(log).empty());
    EXPECT_THAT(log, Not(HasSubstr(kPan)));
    EXPECT_THAT(log, Not(HasSubstr("\"739\"")));
    EXPECT_THAT(log, Not(HasSubstr(secret)));
    EXPECT_THAT(log, Not(HasSubstr("Basic ")));
  }
}

}  // namespace
}  // namespace pi
