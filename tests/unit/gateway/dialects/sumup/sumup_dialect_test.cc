// The dialect's routing and the answers it gives before any RPC: routing errors, bodies that are
// not JSON, shape errors and ids no customer or instrument can have. The client points at a port
// nothing listens on, and every answer here must arrive synchronously, i.e. without an RPC (the
// flows that call pi-server are tested end to end in tests/e2e/sumup_test.cc).
#include "gateway/dialects/sumup/sumup_dialect.h"

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pi::gateway::sumup {
namespace {

namespace http = server::http;

class SumUpDialectTest : public ::testing::Test {
 protected:
  SumUpDialectTest()
      : client_(grpc::CreateChannel("127.0.0.1:1", grpc::InsecureChannelCredentials()),
                absl::Seconds(1)) {
    // Another dialect at the root, as Finix is by default: SumUp's prefix must still win.
    router_.Mount("/", [](const server::HttpError& error, const server::Exchange& exchange) {
      server::Response response(error.status, exchange.request.version());
      response.body() = "root";
      return response;
    });
    RegisterSumUpRoutes(router_, client_, SumUpOptions{});
  }

  // Where a response lands; shared with the responder, which may run later on a gRPC thread.
  struct Outcome {
    std::mutex mu;
    std::condition_variable sent;
    std::optional<server::Response> response;
  };

  std::shared_ptr<Outcome> Dispatch(http::verb method, const std::string& path,
                                    const std::string& body) {
    server::Exchange exchange;
    exchange.request.method(method);
    exchange.request.version(11);
    exchange.request.target(path);
    exchange.request.set(http::field::content_type, "application/json");
    exchange.request.body() = body;
    exchange.request_id = "req-1";
    exchange.path = path;
    auto outcome = std::make_shared<Outcome>();
    router_.Dispatch(exchange, [outcome](server::Response response) {
      std::lock_guard<std::mutex> lock(outcome->mu);
      outcome->response = std::move(response);
      outcome->sent.notify_all();
    });
    return outcome;
  }

  // The response sent before Dispatch returned (no RPC was made), or nullopt.
  std::optional<server::Response> Send(http::verb method, const std::string& path,
                                       const std::string& body = "") {
    std::shared_ptr<Outcome> outcome = Dispatch(method, path, body);
    std::lock_guard<std::mutex> lock(outcome->mu);
    return outcome->response;
  }

  // The response, however late (at most 10 s).
  std::optional<server::Response> SendAndWait(http::verb method, const std::string& path,
                                              const std::string& body = "") {
    std::shared_ptr<Outcome> outcome = Dispatch(method, path, body);
    std::unique_lock<std::mutex> lock(outcome->mu);
    outcome->sent.wait_for(lock, std::chrono::seconds(10),
                           [&] { return outcome->response.has_value(); });
    return outcome->response;
  }

  static nlohmann::json Body(const server::Response& response) {
    return nlohmann::json::parse(response.body());
  }

  core::InstrumentClient client_;
  server::Router router_;
};

TEST_F(SumUpDialectTest, UnknownPathsUnderThePrefixAreSumUp404s) {
  for (const char* path : {"/v0.1/checkouts", "/v0.1", "/v0.1/customers/c-1",
                           "/v0.1/customers/c-1/payment-instruments/PI1/extra"}) {
    std::optional<server::Response> response = Send(http::verb::get, path);

    ASSERT_TRUE(response.has_value()) << path;
    EXPECT_EQ(response->result(), http::status::not_found) << path;
    EXPECT_EQ(response->body(), R"({"error_code":"NOT_FOUND","message":"Resource not found"})")
        << path;
  }
  // Outside the prefix the root dialect answers.
  EXPECT_EQ(Send(http::verb::get, "/customers")->body(), "root");
}

TEST_F(SumUpDialectTest, WrongMethodsAreSumUp405s) {
  for (auto [method, path] :
       {std::pair{http::verb::get, "/v0.1/customers"},
        std::pair{http::verb::put, "/v0.1/customers/c-1/payment-instruments"},
        std::pair{http::verb::get, "/v0.1/customers/c-1/payment-instruments/PI1"}}) {
    std::optional<server::Response> response = Send(method, path);

    ASSERT_TRUE(response.has_value()) << path;
    EXPECT_EQ(response->result(), http::status::method_not_allowed) << path;
    EXPECT_EQ(Body(*response)["error_code"], "METHOD_NOT_ALLOWED") << path;
    EXPECT_EQ((*response)[http::field::content_type], "application/json");
  }
}

TEST_F(SumUpDialectTest, BodiesThatAreNotJsonObjectsAre400) {
  for (const char* body : {"", "{", "[]", "\"card\""}) {
    for (const char* path : {"/v0.1/customers", "/v0.1/customers/c-1/payment-instruments"}) {
      std::optional<server::Response> response = Send(http::verb::post, path, body);

      ASSERT_TRUE(response.has_value()) << path << " " << body;
      EXPECT_EQ(response->result(), http::status::bad_request);
      EXPECT_EQ(Body(*response)["error_code"], "BAD_REQUEST") << response->body();
    }
  }
}

TEST_F(SumUpDialectTest, ShapeErrorsAre400sBeforeAnyRpc) {
  std::optional<server::Response> one = Send(http::verb::post, "/v0.1/customers", "{}");
  ASSERT_TRUE(one.has_value());
  EXPECT_EQ(one->result(), http::status::bad_request);
  EXPECT_EQ(Body(*one), nlohmann::json::parse(R"(
      {"message": "Validation error", "error_code": "INVALID", "param": "customer_id"})"));

  std::optional<server::Response> several =
      Send(http::verb::post, "/v0.1/customers/c-1/payment-instruments",
           R"({"type": "card", "card": {"name": "A", "number": "4111111111111111",
               "expiry_year": "2029", "expiry_month": "13", "cvv": "12"}})");
  ASSERT_TRUE(several.has_value());
  EXPECT_EQ(several->result(), http::status::bad_request);
  nlohmann::json params = nlohmann::json::array();
  for (const auto& entry : Body(*several)) params.push_back(entry["param"]);
  EXPECT_EQ(params, nlohmann::json({"card.expiry_month", "card.cvv"}));
}

TEST_F(SumUpDialectTest, IdsNoCustomerOrCardCanHaveAre404sBeforeAnyRpc) {
  const std::string long_id(65, 'c');
  const std::string instruments = "/v0.1/customers/" + long_id + "/payment-instruments";
  for (auto [method, path] :
       {std::pair{http::verb::get, instruments},
        std::pair{http::verb::delete_, instruments + "/PI1"},
        std::pair{http::verb::delete_,
                  std::string("/v0.1/customers/c-1/payment-instruments/") + std::string(65, 'P')},
        std::pair{http::verb::get, std::string("/v0.1/customers/c%4/payment-instruments")},
        std::pair{http::verb::delete_,
                  std::string("/v0.1/customers/c-1/payment-instruments/PI%zz")}}) {
    std::optional<server::Response> response = Send(method, path);

    ASSERT_TRUE(response.has_value()) << path;
    EXPECT_EQ(response->result(), http::status::not_found) << path;
    EXPECT_EQ(Body(*response)["error_code"], "NOT_FOUND");
  }
}

TEST_F(SumUpDialectTest, GetAndDeleteNeverReadTheBody) {
  // SumUp's SDKs send Content-Type: application/json on GET and DELETE too. A body that is not
  // JSON does not make a 400: the handler goes on to look the customer up, and the unreachable
  // pi-server makes that a 503, in SumUp's JSON and without the transport's words.
  for (http::verb method : {http::verb::get, http::verb::delete_}) {
    std::string path = "/v0.1/customers/c-1/payment-instruments";
    if (method == http::verb::delete_) path += "/PI1";

    std::optional<server::Response> response = SendAndWait(method, path, "{");

    ASSERT_TRUE(response.has_value()) << path;
    EXPECT_EQ(response->result(), http::status::service_unavailable) << response->body();
    EXPECT_EQ((*response)[http::field::content_type], "application/json");
    EXPECT_EQ(Body(*response)["error_code"], "SERVICE_UNAVAILABLE");
    EXPECT_EQ(response->body().find("127.0.0.1"), std::string::npos);
  }
}

}  // namespace
}  // namespace pi::gateway::sumup
