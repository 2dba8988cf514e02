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

namespace pi {
namespace {

class DatabaseDownTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/pi-e2e-dbdown-" + std::to_string(::getpid());
    std::filesystem::create_directories(dir_);
    std::string out;
    ASSERT_EQ(*testing::RunToCompletion(PI_SERVER_BINARY, {"keygen", "--out=" + dir_ + "/keys"},
                                        {}, &out),
              0);
    auto server = testing::ChildProcess::Start(
        PI_SERVER_BINARY, {},
        {{"PI_DATABASE_URL", "host=" + dir_ + "/no-socket-here port=5 dbname=pi connect_timeout=1"},
         {"PI_KEY_FILE", dir_ + "/keys"},
         {"PI_GRPC_ADDRESS", "127.0.0.1:0"},
         {"PI_PORT_FILE", dir_ + "/grpc.port"}},
        dir_ + "/pi-server.log");
    ASSERT_TRUE(server.ok());
    server_.emplace(std::move(*server));
    auto grpc_port = testing::WaitForPortFile(dir_ + "/grpc.port", absl::Seconds(20));
    ASSERT_TRUE(grpc_port.ok()) << testing::ReadFile(dir_ + "/pi-server.log");
    grpc_port_ = *grpc_port;
    auto gateway = testing::ChildProcess::Start(
        PI_GATEWAY_BINARY, {},
        {{"PI_GRPC_TARGET", absl::StrCat("127.0.0.1:", grpc_port_)},
         {"PI_HTTP_ADDRESS", "127.0.0.1:0"},
         {"PI_PORT_FILE", dir_ + "/http.port"}},
        dir_ + "/pi-gateway.log");
    ASSERT_TRUE(gateway.ok());
    gateway_.emplace(std::move(*gateway));
    auto http_port = testing::WaitForPortFile(dir_ + "/http.port", absl::Seconds(20));
    ASSERT_TRUE(http_port.ok()) << testing::ReadFile(dir_ + "/pi-gateway.log");
    http_port_ = *http_port;
  }

  std::string dir_;
  std::optional<testing::ChildProcess> server_;
  std::optional<testing::ChildProcess> gateway_;
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
  EXPECT_EQ(*gateway_->Stop(SIGTERM, absl::Seconds(30)), 0);
  EXPECT_EQ(*server_->Stop(SIGTERM, absl::Seconds(30)), 0);
}

}  // namespace
}  // namespace pi
