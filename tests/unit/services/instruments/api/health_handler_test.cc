// The health answers Kubernetes probes rely on: readiness ("" and the API's service name) follows
// the database and shutdown, liveness ("liveness") follows neither. Served over an in-process
// channel: no port, no network.
#include "services/instruments/api/health_handler.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace pi::instruments::api {
namespace {

using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

constexpr char kApiService[] = "payments.instruments.v1.PaymentInstrumentService";

class HealthHandlerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    builder.RegisterService(&handler_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    stub_ = grpc::health::v1::Health::NewStub(server_->InProcessChannel(grpc::ChannelArguments()));
  }
  void TearDown() override { server_->Shutdown(); }

  // The status Check answers for `service`, or the RPC's error code as a negative number.
  int Check(const std::string& service) {
    grpc::ClientContext context;
    HealthCheckRequest request;
    request.set_service(service);
    HealthCheckResponse response;
    grpc::Status status = stub_->Check(&context, request, &response);
    if (!status.ok()) return -static_cast<int>(status.error_code());
    return response.status();
  }

  HealthHandler handler_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<grpc::health::v1::Health::Stub> stub_;
};

TEST_F(HealthHandlerTest, ReadinessWaitsForTheDatabase) {
  EXPECT_EQ(Check(""), HealthCheckResponse::NOT_SERVING);
  EXPECT_EQ(Check(kApiService), HealthCheckResponse::NOT_SERVING);
  handler_.SetDatabaseReachable(true);
  EXPECT_EQ(Check(""), HealthCheckResponse::SERVING);
  EXPECT_EQ(Check(kApiService), HealthCheckResponse::SERVING);
  handler_.SetDatabaseReachable(false);
  EXPECT_EQ(Check(""), HealthCheckResponse::NOT_SERVING);
  EXPECT_EQ(Check(kApiService), HealthCheckResponse::NOT_SERVING);
}

TEST_F(HealthHandlerTest, ReadinessEndsWithShutdown) {
  handler_.SetDatabaseReachable(true);
  handler_.SetShuttingDown();
  EXPECT_EQ(Check(""), HealthCheckResponse::NOT_SERVING);
  EXPECT_EQ(Check(kApiService), HealthCheckResponse::NOT_SERVING);
}

TEST_F(HealthHandlerTest, LivenessFollowsNeitherTheDatabaseNorShutdown) {
  EXPECT_EQ(Check(HealthHandler::kLivenessService), HealthCheckResponse::SERVING);
  handler_.SetDatabaseReachable(true);
  EXPECT_EQ(Check(HealthHandler::kLivenessService), HealthCheckResponse::SERVING);
  handler_.SetDatabaseReachable(false);
  handler_.SetShuttingDown();
  EXPECT_EQ(Check(HealthHandler::kLivenessService), HealthCheckResponse::SERVING);
}

TEST_F(HealthHandlerTest, OtherServiceNamesAreNotFound) {
  handler_.SetDatabaseReachable(true);
  EXPECT_EQ(Check("payments.instruments.v1.Other"), -static_cast<int>(grpc::StatusCode::NOT_FOUND));
  EXPECT_EQ(Check("Liveness"), -static_cast<int>(grpc::StatusCode::NOT_FOUND));
}

}  // namespace
}  // namespace pi::instruments::api
