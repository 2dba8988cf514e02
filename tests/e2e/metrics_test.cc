// Prometheus metrics end to end: both processes' /metrics after known traffic (families and
// types present, counts moved by exactly the traffic sent, labels bounded: no ids), and what
// the listener refuses.
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "payments/instruments/v1/payment_instrument_service.grpc.pb.h"
#include "tests/support/http_client.h"
#include "tests/support/metrics_scrape.h"
#include "tests/support/system_under_test.h"
#include "tests/support/test_database.h"

namespace pi {
namespace {

namespace v1 = ::payments::instruments::v1;
using ::testing::HasSubstr;
using testing::MetricsScrape;
using ::testing::Not;

class MetricsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto started = testing::SystemUnderTest::Start(
        "e2e-metrics",
        {.database_url = testing::TestDatabaseUrl(), .server_env = {{"PI_SWEEP_INTERVAL", "1s"}}});
    ASSERT_TRUE(started.ok()) << started.status();
    sys_ = *std::move(started);
    ASSERT_GT(sys_->server_metrics_port(), 0);
    ASSERT_GT(sys_->gateway_metrics_port(), 0);
  }

  MetricsScrape Scrape(int port) {
    absl::StatusOr<MetricsScrape> scrape = testing::ScrapeMetrics(port);
    EXPECT_TRUE(scrape.ok()) << scrape.status();
    return scrape.ok() ? *std::move(scrape) : MetricsScrape();
  }

  // Scrapes `port` until `ready` holds (background tasks publish on their own schedule).
  template <typename Ready>
  MetricsScrape ScrapeUntil(int port, Ready ready) {
    MetricsScrape scrape = Scrape(port);
    for (absl::Time deadline = absl::Now() + absl::Seconds(30);
         !ready(scrape) && absl::Now() < deadline;) {
      absl::SleepFor(absl::Milliseconds(100));
      scrape = Scrape(port);
    }
    return scrape;
  }

  testing::HttpReply Http(const std::string& method, const std::string& target,
                          const std::string& body = "") {
    absl::StatusOr<testing::HttpReply> reply = testing::HttpCall(
        sys_->http_port(), method, target, body,
        {{"Authorization", sys_->basic_auth()}, {"Content-Type", "application/json"}});
    EXPECT_TRUE(reply.ok()) << reply.status();
    return reply.ok() ? *std::move(reply) : testing::HttpReply();
  }

  std::string CardBody() {
    return nlohmann::json{{"type", "PAYMENT_CARD"},
                          {"identity", sys_->identity_id()},
                          {"number", "4111111111111111"},
                          {"expiration_month", 12},
                          {"expiration_year", 2040}}
        .dump();
  }

  std::unique_ptr<testing::SystemUnderTest> sys_;
};

TEST_F(MetricsTest, BothProcessesCountTheTrafficTheyServed) {
  MetricsScrape server_before = Scrape(sys_->server_metrics_port());
  MetricsScrape gateway_before = Scrape(sys_->gateway_metrics_port());

  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    testing::HttpReply created = Http("POST", "/payment_instruments", CardBody());
    ASSERT_EQ(created.status, 201) << created.body;
    ids.push_back(nlohmann::json::parse(created.body)["id"]);
  }
  ASSERT_EQ(Http("GET", "/payment_instruments/" + ids[0]).status, 200);
  ASSERT_EQ(Http("GET", "/payment_instruments/PInotthere123").status, 404);
  ASSERT_EQ(Http("GET", "/no/such/route/PIsecret42").status, 404);
  // Straight to pi-server, without credentials.
  auto stub = v1::PaymentInstrumentService::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", sys_->grpc_port()), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  v1::GetPaymentInstrumentRequest get;
  get.set_name("paymentInstruments/" + ids[0]);
  v1::PaymentInstrument out;
  ASSERT_EQ(stub->GetPaymentInstrument(&context, get, &out).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);

  // The sweeper and the key inventory run every second here; wait for them to report the data
  // key the creates made.
  constexpr char kActiveDek[] = "pi_data_keys{state=\"active\",kek_version=\"1\"}";
  MetricsScrape server = ScrapeUntil(sys_->server_metrics_port(), [&](const MetricsScrape& s) {
    // At least: other tests' applications share the database and have data keys too.
    return s.Value(kActiveDek) >= 1 && s.Value("pi_sweep_runs_total") >= 1;
  });
  MetricsScrape gateway = Scrape(sys_->gateway_metrics_port());
  EXPECT_EQ(server.content_type, "text/plain; version=0.0.4; charset=utf-8");

  auto moved = [](const MetricsScrape& before, const MetricsScrape& after,
                  const std::string& series) { return after.Value(series) - before.Value(series); };
  // pi-server: by method and code, exactly what was sent.
  EXPECT_EQ(moved(server_before, server,
                  "pi_grpc_requests_total{method=\"CreatePaymentInstrument\",code=\"OK\"}"),
            3);
  EXPECT_EQ(moved(server_before, server,
                  "pi_grpc_requests_total{method=\"GetPaymentInstrument\",code=\"OK\"}"),
            1);
  EXPECT_EQ(moved(server_before, server,
                  "pi_grpc_requests_total{method=\"GetPaymentInstrument\",code=\"NOT_FOUND\"}"),
            1);
  EXPECT_EQ(
      moved(server_before, server,
            "pi_grpc_requests_total{method=\"GetPaymentInstrument\",code=\"UNAUTHENTICATED\"}"),
      1);
  const std::string create_latency = "pi_grpc_request_duration_seconds";
  EXPECT_EQ(
      moved(server_before, server, create_latency + "_count{method=\"CreatePaymentInstrument\"}"),
      3);
  EXPECT_EQ(
      server.Value(create_latency + "_bucket{method=\"CreatePaymentInstrument\",le=\"+Inf\"}"),
      server.Value(create_latency + "_count{method=\"CreatePaymentInstrument\"}"));
  EXPECT_GT(server.Value(create_latency + "_sum{method=\"CreatePaymentInstrument\"}"), 0);
  EXPECT_EQ(server.Value("pi_grpc_requests_in_flight"), 0);
  // Pool, health, sweeper and keys.
  EXPECT_EQ(server.Value("pi_db_pool_workers"), 4);
  EXPECT_TRUE(server.Has("pi_db_pool_busy_workers"));
  EXPECT_TRUE(server.Has("pi_db_pool_queued_jobs"));
  EXPECT_EQ(server.Value("pi_db_connection_failures_total"), 0);
  EXPECT_EQ(server.Value("pi_health_serving"), 1);
  EXPECT_GE(server.Value("pi_sweep_runs_total"), 1);
  EXPECT_EQ(server.Value("pi_sweep_failures_total"), 0);
  EXPECT_GT(server.Value("pi_sweep_last_success_timestamp_seconds"), 0);
  EXPECT_TRUE(server.Has("pi_sweep_deleted_total{kind=\"token_payload\"}"));
  EXPECT_EQ(server.Value("pi_kek_loaded{version=\"1\"}"), 1);
  EXPECT_EQ(server.Value("pi_kek_active_version"), 1);
  EXPECT_EQ(server.Value("pi_kek_min_version"), 1);
  EXPECT_GE(server.Value(kActiveDek), 1);

  // pi-gateway: by dialect, route pattern, method and status.
  const std::string http = "pi_http_requests_total";
  EXPECT_EQ(moved(gateway_before, gateway,
                  http + "{dialect=\"finix\",route=\"/payment_instruments\",method=\"POST\","
                         "code=\"201\"}"),
            3);
  EXPECT_EQ(moved(gateway_before, gateway,
                  http + "{dialect=\"finix\",route=\"/payment_instruments/{id}\",method=\"GET\","
                         "code=\"200\"}"),
            1);
  EXPECT_EQ(moved(gateway_before, gateway,
                  http + "{dialect=\"finix\",route=\"/payment_instruments/{id}\",method=\"GET\","
                         "code=\"404\"}"),
            1);
  EXPECT_EQ(moved(gateway_before, gateway,
                  http + "{dialect=\"finix\",route=\"unmatched\",method=\"GET\",code=\"404\"}"),
            1);
  EXPECT_EQ(moved(gateway_before, gateway,
                  "pi_http_request_duration_seconds_count{dialect=\"finix\","
                  "route=\"/payment_instruments\"}"),
            3);
  EXPECT_EQ(gateway.Value("pi_http_requests_in_flight"), 0);
  EXPECT_EQ(moved(gateway_before, gateway,
                  "pi_upstream_grpc_requests_total{method=\"CreatePaymentInstrument\","
                  "code=\"OK\"}"),
            3);
  EXPECT_EQ(moved(gateway_before, gateway,
                  "pi_upstream_grpc_requests_total{method=\"GetPaymentInstrument\","
                  "code=\"NOT_FOUND\"}"),
            1);
  EXPECT_EQ(moved(gateway_before, gateway,
                  "pi_upstream_grpc_request_duration_seconds_count{method="
                  "\"CreatePaymentInstrument\"}"),
            3);

  // Every family with its type.
  const std::map<std::string, std::string> kServerFamilies = {
      {"pi_grpc_requests_total", "counter"},
      {"pi_grpc_request_duration_seconds", "histogram"},
      {"pi_grpc_requests_in_flight", "gauge"},
      {"pi_health_serving", "gauge"},
      {"pi_db_pool_workers", "gauge"},
      {"pi_db_pool_busy_workers", "gauge"},
      {"pi_db_pool_queued_jobs", "gauge"},
      {"pi_db_connection_failures_total", "counter"},
      {"pi_sweep_runs_total", "counter"},
      {"pi_sweep_failures_total", "counter"},
      {"pi_sweep_deleted_total", "counter"},
      {"pi_sweep_last_success_timestamp_seconds", "gauge"},
      {"pi_kek_loaded", "gauge"},
      {"pi_kek_active_version", "gauge"},
      {"pi_kek_min_version", "gauge"},
      {"pi_data_keys", "gauge"},
      {"pi_key_inventory_failures_total", "counter"}};
  for (const auto& [family, type] : kServerFamilies) {
    EXPECT_EQ(server.types[family], type) << family;
  }
  const std::map<std::string, std::string> kGatewayFamilies = {
      {"pi_http_requests_total", "counter"},
      {"pi_http_request_duration_seconds", "histogram"},
      {"pi_http_requests_in_flight", "gauge"},
      {"pi_upstream_grpc_requests_total", "counter"},
      {"pi_upstream_grpc_request_duration_seconds", "histogram"}};
  for (const auto& [family, type] : kGatewayFamilies) {
    EXPECT_EQ(gateway.types[family], type) << family;
  }

  // Bounded labels: no instrument, identity or application id, no path a client chose.
  for (const std::string& text : {server.text, gateway.text}) {
    for (const std::string& id : ids) EXPECT_THAT(text, Not(HasSubstr(id)));
    EXPECT_THAT(text, Not(HasSubstr(sys_->identity_id())));
    EXPECT_THAT(text, Not(HasSubstr(sys_->application_id())));
    EXPECT_THAT(text, Not(HasSubstr("PInotthere123")));
    EXPECT_THAT(text, Not(HasSubstr("PIsecret42")));
  }
}

// Only GET /metrics is answered; the listener reads nothing big and no body.
TEST_F(MetricsTest, TheListenerAnswersOnlyGetMetrics) {
  for (int port : {sys_->server_metrics_port(), sys_->gateway_metrics_port()}) {
    SCOPED_TRACE(port);
    absl::StatusOr<testing::HttpReply> ok = testing::HttpCall(port, "GET", "/metrics");
    ASSERT_TRUE(ok.ok()) << ok.status();
    EXPECT_EQ(ok->status, 200);
    EXPECT_EQ(ok->headers["content-type"], "text/plain; version=0.0.4; charset=utf-8");
    EXPECT_THAT(ok->body, HasSubstr("# TYPE "));
    for (const auto& [method, target] : std::vector<std::pair<std::string, std::string>>{
             {"GET", "/"},
             {"GET", "/healthz"},
             {"GET", "/metricsx"},
             {"GET", "/metrics/../payment_instruments"},
             {"HEAD", "/metrics"},
             {"POST", "/metrics"},
             {"DELETE", "/metrics"}}) {
      absl::StatusOr<testing::HttpReply> refused = testing::HttpCall(port, method, target);
      ASSERT_TRUE(refused.ok()) << method << " " << target << ": " << refused.status();
      EXPECT_EQ(refused->status, 404) << method << " " << target;
    }
    // Over 8 KiB of headers, or a body: the connection is closed without an answer (writing
    // the rest of the headers may then fail, which is as good).
    absl::StatusOr<std::string> big = testing::RawExchange(
        port, "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Pad: " + std::string(20000, 'a') + "\r\n\r\n");
    if (big.ok()) {
      EXPECT_THAT(*big, Not(HasSubstr("200 OK")));
    }
    absl::StatusOr<std::string> with_body = testing::RawExchange(
        port, "GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
    ASSERT_TRUE(with_body.ok()) << with_body.status();
    EXPECT_THAT(*with_body, Not(HasSubstr("200 OK")));
  }
}

}  // namespace
}  // namespace pi
