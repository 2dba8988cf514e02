// End to end with PostgreSQL unreachable: pi-server starts anyway, health says NOT_SERVING, and
// requests fail fast: UNAVAILABLE over gRPC, 503 in Finix's envelope through the gateway.
#include <signal.h>

#include <filesystem>
#include <optional>

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "tests/support/child_process.h"
#include "tests/support/http_client.h"
#include "tests/support/system_under_test.h"

namespace pi {
namespace {

class DatabaseDownTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string nowhere = "host=" + ::testing::TempDir() + "/no-socket-here port=5 dbname=pi";
    auto started = testing::SystemUnderTest::Start(
        "e2e-dbdown", {.database_url = nowhere + " connect_timeout=1",
                       .create_application = false});
    ASSERT_TRUE(started.ok()) << started.status();
    sys_ = *std::move(started);
    grpc_port_ = sys_->grpc_port();
    http_port_ = sys_->http_port();
  }

  std::unique_ptr<testing::SystemUnderTest> sys_;
  int grpc_port_ = 0;
  int http_port_ = 0;
};

TEST_F(DatabaseDownTest, HealthIsNotServing) {
  auto stub = grpc::health::v1::Health::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", grpc_port_), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  ASSERT_TRUE(stub->Check(&context, request, &response).ok());
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::NOT_SERVING);
}

TEST_F(DatabaseDownTest, RequestsFailWith503InFinixEnvelope) {
  auto reply = testing::HttpCall(
      http_port_, "POST", "/payment_instruments",
      R"({"type": "PAYMENT_CARD", "identity": "ID1", "number": "4111111111111111",
          "expiration_month": 12, "expiration_year": 2040})",
      {{"Authorization", "Basic " + absl::Base64Escape("USsomeone:secret")},
       {"Content-Type", "application/json"}});
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->status, 503) << reply->body;
  nlohmann::json body = nlohmann::json::parse(reply->body);
  EXPECT_EQ(body["_embedded"]["errors"][0]["code"], "SERVICE_UNAVAILABLE");
  EXPECT_EQ(body["total"], 1);
  // The server stays up and stops cleanly.
  EXPECT_EQ(*sys_->gateway().Stop(SIGTERM, absl::Seconds(30)), 0);
  EXPECT_EQ(*sys_->server().Stop(SIGTERM, absl::Seconds(30)), 0);
}

}  // namespace
}  // namespace pi
