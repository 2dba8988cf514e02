// The dialect's routing and the answers it gives before any RPC: problem+json for unknown paths
// and wrong methods under both mounts, unreadable bodies, shape errors and bad list parameters.
// The client points at a port nothing listens on, so any answer that needed an RPC is a 503
// (the flows that call pi-server are in tests/e2e/rebilly_test.cc).
#include "gateway/dialects/rebilly/rebilly_dialect.h"

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pi::gateway::rebilly {
namespace {

namespace http = server::http;

constexpr char kInstruments[] = "/storefront/organizations/org-1/payment-instruments";

class RebillyDialectTest : public ::testing::Test {
 protected:
  RebillyDialectTest()
      : client_(grpc::CreateChannel("127.0.0.1:1", grpc::InsecureChannelCredentials()),
                absl::Seconds(1)) {
    // Finix at the root, as by default: Rebilly's mounts must still win under their paths.
    router_.Mount("/", [](const server::HttpError& error, const server::Exchange& exchange) {
      server::Response response(error.status, exchange.request.version());
      response.body() = "root";
      return response;
    });
    RegisterRebillyRoutes(router_, client_, RebillyOptions{});
  }

  // Where a response lands; shared with the responder, which may run later on a gRPC thread.
  struct Outcome {
    std::mutex mu;
    std::condition_variable sent;
    std::optional<server::Response> response;
  };

  std::shared_ptr<Outcome> Dispatch(http::verb method, const std::string& path,
                                    const std::string& body, const std::string& query) {
    server::Exchange exchange;
    exchange.request.method(method);
    exchange.request.version(11);
    exchange.request.target(query.empty() ? path : path + "?" + query);
    exchange.request.set(http::field::content_type, "application/json");
    exchange.request.set(http::field::authorization, "Bearer eyJ.x.y");
    exchange.request.body() = body;
    exchange.path = path;
    exchange.query = query;
    auto outcome = std::make_shared<Outcome>();
    router_.Dispatch(exchange, [outcome](server::Response response) {
      std::lock_guard<std::mutex> lock(outcome->mu);
      outcome->response = std::move(response);
      outcome->sent.notify_all();
    });
    return outcome;
  }

  // The response, however late (at most 10 s), so no RPC outlives the test.
  std::optional<server::Response> Send(http::verb method, const std::string& path,
                                       const std::string& body = "",
                                       const std::string& query = "") {
    std::shared_ptr<Outcome> outcome = Dispatch(method, path, body, query);
    std::unique_lock<std::mutex> lock(outcome->mu);
    outcome->sent.wait_for(lock, std::chrono::seconds(10),
                           [&] { return outcome->response.has_value(); });
    return outcome->response;
  }

  static nlohmann::json Problem(const server::Response& response) {
    EXPECT_EQ(response[http::field::content_type], "application/problem+json");
    return nlohmann::json::parse(response.body());
  }

  core::InstrumentClient client_;
  server::Router router_;
};

TEST_F(RebillyDialectTest, UnknownPathsUnderBothMountsAreProblem404s) {
  for (const char* path : {"/organizations/org-1/customers", "/storefront/organizations/o/x",
                           "/storefront/organizations/o/payment-instruments/PI1/extra"}) {
    std::optional<server::Response> response = Send(http::verb::get, path);
    ASSERT_TRUE(response.has_value()) << path;
    EXPECT_EQ(response->result(), http::status::not_found) << path;
    EXPECT_EQ(Problem(*response)["status"], 404) << path;
  }
  EXPECT_EQ(Send(http::verb::get, "/tokens")->body(), "root");
}

TEST_F(RebillyDialectTest, WrongMethodsAreProblem405s) {
  for (auto [method, path] :
       {std::pair{http::verb::get, "/organizations/org-1/tokens"},
        std::pair{http::verb::delete_, "/storefront/organizations/o/payment-instruments"},
        std::pair{http::verb::get,
                  "/storefront/organizations/o/payment-instruments/P/deactivation"}}) {
    std::optional<server::Response> response = Send(method, path);
    ASSERT_TRUE(response.has_value()) << path;
    EXPECT_EQ(response->result(), http::status::method_not_allowed) << path;
    EXPECT_EQ(Problem(*response)["title"], "Method Not Allowed");
  }
}

TEST_F(RebillyDialectTest, UnreadableBodiesAre422BeforeAnyRpc) {
  for (const char* body : {"", "{", "[]"}) {
    std::optional<server::Response> response =
        Send(http::verb::post, "/organizations/org-1/tokens", body);
    ASSERT_TRUE(response.has_value()) << body;
    EXPECT_EQ(response->result(), http::status::unprocessable_entity);
    EXPECT_EQ(Problem(*response)["status"], 422);
  }
}

TEST_F(RebillyDialectTest, ShapeErrorsAre422WithInvalidFieldsBeforeAnyRpc) {
  std::optional<server::Response> token =
      Send(http::verb::post, "/organizations/org-1/tokens",
           R"({"method": "payment-card", "paymentInstrument": {"pan": 4111, "expMonth": 7}})");
  ASSERT_TRUE(token.has_value());
  EXPECT_EQ(token->result(), http::status::unprocessable_entity);
  std::vector<std::string> fields;
  nlohmann::json body = Problem(*token);
  for (const auto& f : body["invalidFields"]) fields.push_back(f["field"]);
  EXPECT_THAT(fields, ::testing::UnorderedElementsAre(
                          "paymentInstrument.pan", "paymentInstrument.expYear", "billingAddress"));

  std::optional<server::Response> create = Send(http::verb::post, kInstruments, "{}");
  ASSERT_TRUE(create.has_value());
  EXPECT_EQ(Problem(*create)["invalidFields"][0]["field"], "token");
}

TEST_F(RebillyDialectTest, BadListParametersAre422) {
  for (const char* query : {"limit=-1", "limit=1001", "offset=x", "limit=1&offset=99999"}) {
    std::optional<server::Response> response = Send(http::verb::get, kInstruments, "", query);
    ASSERT_TRUE(response.has_value()) << query;
    EXPECT_EQ(response->result(), http::status::unprocessable_entity) << query;
  }
  // Valid parameters go on to pi-server, which is unreachable here.
  std::optional<server::Response> valid =
      Send(http::verb::get, kInstruments, "", "limit=10&offset=5");
  ASSERT_TRUE(valid.has_value());
  EXPECT_EQ(valid->result(), http::status::service_unavailable);
  EXPECT_EQ(Problem(*valid)["status"], 503);
}

}  // namespace
}  // namespace pi::gateway::rebilly
