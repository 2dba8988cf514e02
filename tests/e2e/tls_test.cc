// Transport security end to end: pi-server's gRPC listener with TLS and required client
// certificates (mTLS), its plaintext health port for probes, and pi-gateway serving HTTPS while
// calling pi-server over mTLS. Certificates come from tests/support/make-test-certs.sh.
#include <gtest/gtest.h>
#include <grpcpp/grpcpp.h>

#include <string>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "payments/instruments/v1/payment_instrument_service.grpc.pb.h"
#include "tests/support/child_process.h"
#include "tests/support/http_client.h"
#include "tests/support/system_under_test.h"
#include "tests/support/test_database.h"

namespace pi {
namespace {

namespace v1 = ::payments::instruments::v1;

testing::SystemUnderTest* sys = nullptr;
std::string certs;  // the directory make-test-certs.sh filled
int health_port = 0;

class TlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    certs = absl::StrCat(::testing::TempDir(), "/pi-tls-certs-", ::getpid());
    std::string out;
    absl::StatusOr<int> made =
        testing::RunToCompletion("/bin/bash", {PI_MAKE_TEST_CERTS, certs}, {}, &out);
    ASSERT_TRUE(made.ok() && *made == 0) << "make-test-certs.sh failed";
    std::string health_port_file = certs + "/health.port";
    auto started = testing::SystemUnderTest::Start(
        "e2e-tls",
        {.database_url = testing::TestDatabaseUrl(),
         .create_identity = false,
         .server_env = {{"PI_TLS_CERT_FILE", certs + "/server.pem"},
                        {"PI_TLS_KEY_FILE", certs + "/server.key"},
                        {"PI_TLS_CA_FILE", certs + "/ca.pem"},
                        {"PI_HEALTH_ADDRESS", "127.0.0.1:0"},
                        {"PI_HEALTH_PORT_FILE", health_port_file}},
         .gateway_env = {{"PI_GRPC_TLS_CA_FILE", certs + "/ca.pem"},
                         {"PI_GRPC_TLS_CERT_FILE", certs + "/client.pem"},
                         {"PI_GRPC_TLS_KEY_FILE", certs + "/client.key"},
                         {"PI_HTTP_TLS_CERT_FILE", certs + "/server.pem"},
                         {"PI_HTTP_TLS_KEY_FILE", certs + "/server.key"}}});
    ASSERT_TRUE(started.ok()) << started.status();
    sys = started->release();
    absl::StatusOr<int> port = testing::WaitForPortFile(health_port_file, absl::Seconds(10));
    ASSERT_TRUE(port.ok()) << port.status();
    health_port = *port;
  }

  static void TearDownTestSuite() {
    delete sys;
    sys = nullptr;
    std::error_code ignored;
    std::filesystem::remove_all(certs, ignored);
  }

  // CreateIdentity on pi-server's main port through `credentials`.
  static grpc::Status CreateIdentity(std::shared_ptr<grpc::ChannelCredentials> credentials) {
    auto stub = v1::PaymentInstrumentService::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", sys->grpc_port()), credentials));
    grpc::ClientContext context;
    context.AddMetadata("authorization", sys->basic_auth());
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    v1::CreateIdentityRequest request;
    v1::Identity identity;
    return stub->CreateIdentity(&context, request, &identity);
  }

  static std::shared_ptr<grpc::ChannelCredentials> Tls(const std::string& client) {
    grpc::SslCredentialsOptions options;
    options.pem_root_certs = testing::ReadFile(certs + "/ca.pem");
    if (!client.empty()) {
      options.pem_cert_chain = testing::ReadFile(absl::StrCat(certs, "/", client, ".pem"));
      options.pem_private_key = testing::ReadFile(absl::StrCat(certs, "/", client, ".key"));
    }
    return grpc::SslCredentials(options);
  }
};

TEST_F(TlsTest, GrpcListenerRequiresATrustedClientCertificate) {
  EXPECT_EQ(CreateIdentity(grpc::InsecureChannelCredentials()).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(CreateIdentity(Tls("")).error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(CreateIdentity(Tls("stranger")).error_code(), grpc::StatusCode::UNAVAILABLE);
  grpc::Status trusted = CreateIdentity(Tls("client"));
  EXPECT_TRUE(trusted.ok()) << trusted.error_message();
}

TEST_F(TlsTest, HealthPortStaysPlaintext) {
  auto stub = grpc::health::v1::Health::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", health_port), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  grpc::Status status = stub->Check(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);
}

TEST_F(TlsTest, GatewayServesHttpsAndReachesTheServerOverMutualTls) {
  absl::StatusOr<testing::HttpReply> created = testing::HttpsCall(
      sys->http_port(), certs + "/ca.pem", "POST", "/identities",
      R"({"entity": {"first_name": "Tls"}})",
      {{"Authorization", sys->basic_auth()}, {"Content-Type", "application/json"}});
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->status, 201) << created->body;
  EXPECT_EQ(nlohmann::json::parse(created->body)["entity"]["first_name"], "Tls");
  // Plain HTTP to the HTTPS port gets no HTTP answer.
  absl::StatusOr<testing::HttpReply> plain = testing::HttpCall(sys->http_port(), "GET", "/healthz");
  EXPECT_FALSE(plain.ok() && plain->status == 200);
}

}  // namespace
}  // namespace pi
