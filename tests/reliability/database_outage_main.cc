// pi_database_outage: PostgreSQL goes away for a while under load, and the system degrades and
// recovers as promised.
//
// Starts a private PostgreSQL, pi-server and pi-gateway, and keeps them busy: gRPC creates and
// gets, and REST through the gateway in all four dialects (a Finix create, an Ahrvo get, a SumUp
// list, a Rebilly FramePay tokenization), each from its own thread, while another thread polls
// grpc.health.v1 for the service's name. Then it stops PostgreSQL (`pg_ctl stop -m immediate`)
// for `down` (30 s), starts it again, and checks:
//   - pi-server and pi-gateway never exit (and pi-server is never restarted);
//   - while PostgreSQL is down, health answers NOT_SERVING, and every request fails: gRPC with
//     UNAVAILABLE, the gateway with 503 in its dialect's error shape (Finix and Ahrvo
//     `_embedded.errors[].code` SERVICE_UNAVAILABLE, SumUp `error_code` SERVICE_UNAVAILABLE,
//     Rebilly `application/problem+json` with status 503), each well within the deadline
//     (`fail_fast_bound`, 2 s; the client deadline is 10 s);
//   - after PostgreSQL accepts connections again, health answers SERVING and a create succeeds
//     within `recovery_bound` (5 s), and from then on every dialect's requests succeed.
// The only timings asserted are the issue's explicit bounds, measured with 50 ms polling.
//
//   pi_database_outage [--down=30s] [--state_dir=DIR] [--fail_fast_bound=2s]
//                      [--recovery_bound=5s]
//
// --state_dir is the private cluster's directory (default: a new one under the temporary
// directory); it is removed at the end. pi-server and pi-gateway keep their keys and logs in
// SystemUnderTest's own directory, also removed.
//
// Prints the counts per phase and source, the slowest failure while down and the recovery time;
// exits 0 when every check holds. scripts/database-outage.sh runs it from the build tree.
#include <grpcpp/grpcpp.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "payments/instruments/v1/payment_instrument_service.grpc.pb.h"
#include "services/common/settings.h"
#include "tests/reliability/card_requests.h"
#include "tests/reliability/private_cluster.h"
#include "tests/support/http_client.h"
#include "tests/support/system_under_test.h"

extern char** environ;

namespace pi::reliability {
namespace {

using HealthStatus = grpc::health::v1::HealthCheckResponse;
constexpr char kServiceName[] = "payments.instruments.v1.PaymentInstrumentService";
constexpr auto kClientDeadline = std::chrono::seconds(10);

struct Config {
  absl::Duration down = absl::Seconds(30);
  absl::Duration fail_fast_bound = absl::Seconds(2);
  absl::Duration recovery_bound = absl::Seconds(5);
  std::string state_dir;
};

absl::StatusOr<Config> ParseConfig(const std::vector<std::string>& args) {
  absl::StatusOr<common::Settings> settings = common::Settings::Parse(
      {"down", "state_dir", "fail_fast_bound", "recovery_bound"}, args, environ);
  if (!settings.ok()) return settings.status();
  Config config;
  std::vector<std::string> problems;
  settings->GetDuration("down", config.down, problems);
  settings->GetDuration("fail_fast_bound", config.fail_fast_bound, problems);
  settings->GetDuration("recovery_bound", config.recovery_bound, problems);
  config.state_dir =
      settings->Get("state_dir", absl::StrCat(std::filesystem::temp_directory_path().string(),
                                              "/pi-database-outage-pg-", ::getpid()));
  if (!problems.empty()) {
    std::string message;
    for (const std::string& p : problems) absl::StrAppend(&message, p, "\n");
    return absl::InvalidArgumentError(message);
  }
  return config;
}

// How one request ended.
enum class Outcome { kOk, kUnavailable, kOther };

struct Sample {
  std::string source;
  absl::Time start;
  absl::Time end;
  Outcome outcome;
  std::string detail;  // for kOther: what came back
};

class Recorder {
 public:
  void Add(Sample s) {
    std::lock_guard<std::mutex> lock(mu_);
    samples_.push_back(std::move(s));
  }
  std::vector<Sample> Take() {
    std::lock_guard<std::mutex> lock(mu_);
    return samples_;
  }

 private:
  std::mutex mu_;
  std::vector<Sample> samples_;
};

grpc::ClientContext* Prepare(grpc::ClientContext& context, const std::string& authorization) {
  context.AddMetadata("authorization", authorization);
  context.set_deadline(std::chrono::system_clock::now() + kClientDeadline);
  return &context;
}

Outcome FromGrpc(const grpc::Status& status, std::string& detail) {
  if (status.ok()) return Outcome::kOk;
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE) return Outcome::kUnavailable;
  detail = absl::StrCat("gRPC ", status.error_code(), " ", status.error_message());
  return Outcome::kOther;
}

// A dialect's request, and whether a 503 has that dialect's error shape.
struct RestSource {
  std::string name;
  std::string method;
  std::string target;
  std::function<std::string()> body;  // "" for none
  std::string authorization;
  std::function<bool(const testing::HttpReply&)> unavailable_shape;
};

bool FinixShape(const testing::HttpReply& reply) {
  nlohmann::json body = nlohmann::json::parse(reply.body, nullptr, false);
  return body.is_object() && body.value("total", 0) == 1 &&
         body["_embedded"]["errors"].is_array() &&
         body["_embedded"]["errors"][0].value("code", "") == "SERVICE_UNAVAILABLE";
}

bool SumUpShape(const testing::HttpReply& reply) {
  nlohmann::json body = nlohmann::json::parse(reply.body, nullptr, false);
  auto type = reply.headers.find("content-type");
  return type != reply.headers.end() && type->second == "application/json" && body.is_object() &&
         body.value("error_code", "") == "SERVICE_UNAVAILABLE" && body.contains("message");
}

bool RebillyShape(const testing::HttpReply& reply) {
  nlohmann::json body = nlohmann::json::parse(reply.body, nullptr, false);
  auto type = reply.headers.find("content-type");
  return type != reply.headers.end() && type->second == "application/problem+json" &&
         body.is_object() && body.value("status", 0) == 503 &&
         body.value("title", "") == "Service Unavailable" && body.contains("detail");
}

Sample CallRest(int http_port, const RestSource& source) {
  Sample s{source.name, absl::Now(), {}, Outcome::kOther, ""};
  std::map<std::string, std::string> headers = {{"Authorization", source.authorization}};
  std::string body = source.body ? source.body() : "";
  if (!body.empty()) headers["Content-Type"] = "application/json";
  absl::StatusOr<testing::HttpReply> reply =
      testing::HttpCall(http_port, source.method, source.target, body, headers);
  s.end = absl::Now();
  if (!reply.ok()) {
    s.detail = absl::StrCat("no answer: ", reply.status().ToString());
  } else if (reply->status >= 200 && reply->status < 300) {
    s.outcome = Outcome::kOk;
  } else if (reply->status == 503 && source.unavailable_shape(*reply)) {
    s.outcome = Outcome::kUnavailable;
  } else {
    s.detail = absl::StrCat("HTTP ", reply->status, " ", reply->body.substr(0, 300));
  }
  return s;
}

struct Timeline {
  absl::Time crashing;    // pg-cluster.sh crash called
  absl::Time crashed;     // pg_ctl stop -m immediate returned
  absl::Time restarting;  // pg-cluster.sh start called
  absl::Time up;          // PostgreSQL accepts connections again
  absl::Time recovered;   // health SERVING and a create OK
};

std::string Ms(absl::Duration d) { return absl::StrCat(absl::ToInt64Milliseconds(d), " ms"); }

int Main(const std::vector<std::string>& args) {
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  absl::StatusOr<Config> config = ParseConfig(args);
  if (!config.ok()) {
    std::cerr << "pi_database_outage: invalid settings:\n" << config.status().message();
    return 2;
  }
  absl::StatusOr<std::unique_ptr<PrivateCluster>> cluster =
      PrivateCluster::Start(config->state_dir, /*durable=*/false);
  if (!cluster.ok()) {
    std::cerr << "pi_database_outage: " << cluster.status() << "\n";
    return 1;
  }
  auto started = testing::SystemUnderTest::Start(
      "database-outage", {.database_url = (*cluster)->url(),
                          .max_instruments_per_identity = 1000000,
                          .server_env = {{"PI_LOG_LEVEL", "warn"}},
                          .gateway_env = {{"PI_LOG_LEVEL", "warn"}, {"PI_TOKENIZE_RATE", "0"}}});
  if (!started.ok()) {
    std::cerr << "pi_database_outage: " << started.status() << "\n";
    return 1;
  }
  testing::SystemUnderTest& sys = **started;
  const pid_t server_pid = sys.server().pid();
  const pid_t gateway_pid = sys.gateway().pid();

  // Credentials and resources each dialect's requests need.
  absl::StatusOr<std::string> api_key = sys.CreateCredential({"--kind=api_key"});
  absl::StatusOr<std::string> publishable = sys.CreateCredential({"--kind=publishable"});
  if (!api_key.ok() || !publishable.ok()) {
    std::cerr << "pi_database_outage: cannot create credentials\n";
    return 1;
  }
  std::string sumup_auth = nlohmann::json::parse(*api_key)["authorization"];
  std::string rebilly_key =
      nlohmann::json::parse(*publishable)["authorization"].get<std::string>().substr(7);
  std::atomic<uint64_t> card_counter{0};
  auto finix_card = [&] {
    return nlohmann::json({{"type", "PAYMENT_CARD"},
                           {"identity", sys.identity_id()},
                           {"number", NumberedCardNumber(card_counter++)},
                           {"expiration_month", 12},
                           {"expiration_year", 2031},
                           {"security_code", "123"},
                           {"name", "Amy White"}})
        .dump();
  };
  auto first = testing::HttpCall(
      sys.http_port(), "POST", "/payment_instruments", finix_card(),
      {{"Authorization", sys.basic_auth()}, {"Content-Type", "application/json"}});
  auto customer = testing::HttpCall(
      sys.http_port(), "POST", "/v0.1/customers", R"({"customer_id": "outage-customer"})",
      {{"Authorization", sumup_auth}, {"Content-Type", "application/json"}});
  if (!first.ok() || first->status != 201 || !customer.ok() || customer->status != 201) {
    std::cerr << "pi_database_outage: setup requests failed\n";
    return 1;
  }
  std::string instrument_id = nlohmann::json::parse(first->body)["id"];

  std::vector<RestSource> rest = {
      {"finix POST /payment_instruments", "POST", "/payment_instruments", finix_card,
       sys.basic_auth(), FinixShape},
      {"ahrvo GET /payments/na/payment_instruments/{id}", "GET",
       "/payments/na/payment_instruments/" + instrument_id, nullptr, sys.basic_auth(), FinixShape},
      {"sumup GET /v0.1/customers/{id}/payment-instruments", "GET",
       "/v0.1/customers/outage-customer/payment-instruments", nullptr, sumup_auth, SumUpShape},
      {"rebilly POST /organizations/{org}/tokens", "POST", "/organizations/org-1/tokens",
       [] {
         return nlohmann::json({{"method", "payment-card"},
                                {"paymentInstrument",
                                 {{"pan", "4111111111111111"},
                                  {"expMonth", 7},
                                  {"expYear", 2040},
                                  {"cvv", "123"}}},
                                {"billingAddress", {{"firstName", "Jane"}, {"lastName", "Doe"}}}})
             .dump();
       },
       rebilly_key, RebillyShape},
  };

  // Load: one thread per source.
  std::string target = absl::StrCat("127.0.0.1:", sys.grpc_port());
  auto channel = grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
  auto stub = v1::PaymentInstrumentService::NewStub(channel);
  auto health = grpc::health::v1::Health::NewStub(channel);
  Recorder recorder;
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  auto every = [&](std::function<Sample()> one) {
    threads.emplace_back([&stop, &recorder, one = std::move(one)] {
      while (!stop) {
        recorder.Add(one());
        absl::SleepFor(absl::Milliseconds(20));
      }
    });
  };
  every([&] {
    Sample s{"grpc CreatePaymentInstrument", absl::Now(), {}, Outcome::kOther, ""};
    grpc::ClientContext context;
    v1::PaymentInstrument created;
    grpc::Status status = stub->CreatePaymentInstrument(
        Prepare(context, sys.basic_auth()),
        NumberedCardCreate(sys.identity_id(), 500000000 + card_counter++), &created);
    s.end = absl::Now();
    s.outcome = FromGrpc(status, s.detail);
    return s;
  });
  every([&] {
    Sample s{"grpc GetPaymentInstrument", absl::Now(), {}, Outcome::kOther, ""};
    grpc::ClientContext context;
    v1::GetPaymentInstrumentRequest request;
    request.set_name("paymentInstruments/" + instrument_id);
    v1::PaymentInstrument got;
    grpc::Status status =
        stub->GetPaymentInstrument(Prepare(context, sys.basic_auth()), request, &got);
    s.end = absl::Now();
    s.outcome = FromGrpc(status, s.detail);
    return s;
  });
  for (const RestSource& source : rest) {
    every([&sys, &source] { return CallRest(sys.http_port(), source); });
  }
  // Health, by its own thread: status per poll (kOk = SERVING, kUnavailable = NOT_SERVING).
  every([&] {
    Sample s{"health", absl::Now(), {}, Outcome::kOther, ""};
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(kServiceName);
    HealthStatus response;
    grpc::Status status = health->Check(&context, request, &response);
    s.end = absl::Now();
    if (!status.ok()) {
      s.detail = absl::StrCat("health check failed: ", status.error_code());
    } else if (response.status() == HealthStatus::SERVING) {
      s.outcome = Outcome::kOk;
    } else if (response.status() == HealthStatus::NOT_SERVING) {
      s.outcome = Outcome::kUnavailable;
    } else {
      s.detail = absl::StrCat("health status ", response.status());
    }
    return s;
  });

  std::cout << "database outage: PostgreSQL down for " << absl::FormatDuration(config->down)
            << " under load (gRPC create and get; Finix, Ahrvo, SumUp and Rebilly through the "
               "gateway; health polled)"
            << std::endl;
  absl::SleepFor(absl::Seconds(3));
  Timeline t;
  bool failed = false;
  t.crashing = absl::Now();
  if (absl::Status crashed = (*cluster)->Crash(); !crashed.ok()) {
    std::cerr << "pi_database_outage: " << crashed << "\n";
    failed = true;
  }
  t.crashed = absl::Now();
  std::cout << "  PostgreSQL stopped (-m immediate)" << std::endl;
  absl::SleepFor(config->down);
  t.restarting = absl::Now();
  if (absl::Status restarted = (*cluster)->Restart(); !restarted.ok()) {
    std::cerr << "pi_database_outage: " << restarted << "\n";
    failed = true;
  }
  t.up = absl::Now();
  std::cout << "  PostgreSQL started again, accepting connections after " << Ms(t.up - t.restarting)
            << std::endl;

  // Recovery: health SERVING and a create succeeding, polled every 50 ms for up to 30 s.
  bool recovered = false;
  for (absl::Time limit = t.up + absl::Seconds(30); !recovered && absl::Now() < limit;) {
    grpc::ClientContext health_context;
    health_context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(kServiceName);
    HealthStatus response;
    if (health->Check(&health_context, request, &response).ok() &&
        response.status() == HealthStatus::SERVING) {
      grpc::ClientContext context;
      v1::PaymentInstrument created;
      recovered =
          stub->CreatePaymentInstrument(
                  Prepare(context, sys.basic_auth()),
                  NumberedCardCreate(sys.identity_id(), 900000000 + card_counter++), &created)
              .ok();
    }
    if (!recovered) absl::SleepFor(absl::Milliseconds(50));
  }
  t.recovered = absl::Now();
  absl::SleepFor(absl::Seconds(3));
  stop = true;
  for (std::thread& thread : threads) thread.join();
  std::vector<Sample> samples = recorder.Take();

  // Phases: before the crash (ended before it began); down (started after the crash returned, ended
  // before the restart began); after recovery (started at least a second after recovery).
  struct Counts {
    int ok = 0, unavailable = 0, other = 0;
    absl::Duration slowest_failure;
  };
  std::map<std::string, Counts> before, down, after;
  std::vector<std::string> problems;
  absl::Duration slowest_failure;
  for (const Sample& s : samples) {
    Counts* c = nullptr;
    if (s.end < t.crashing) {
      c = &before[s.source];
    } else if (s.start >= t.crashed && s.end <= t.restarting) {
      // Health needs one probe interval (200 ms) to notice; give it a second.
      if (s.source == "health" && s.start < t.crashed + absl::Seconds(1)) continue;
      c = &down[s.source];
      if (s.source != "health") {
        c->slowest_failure = std::max(c->slowest_failure, s.end - s.start);
        slowest_failure = std::max(slowest_failure, s.end - s.start);
      }
      if (s.outcome != Outcome::kUnavailable && problems.size() < 20) {
        problems.push_back(absl::StrCat("while down, ", s.source, ": ",
                                        s.outcome == Outcome::kOk ? "succeeded" : s.detail));
      }
    } else if (s.start >= t.recovered + absl::Seconds(1)) {
      c = &after[s.source];
      if (s.outcome != Outcome::kOk && problems.size() < 20) {
        problems.push_back(absl::StrCat("after recovery, ", s.source, ": ", s.detail));
      }
    }
    if (c == nullptr) continue;
    (s.outcome == Outcome::kOk            ? c->ok
     : s.outcome == Outcome::kUnavailable ? c->unavailable
                                          : c->other)++;
  }
  std::vector<std::string> sources = {"grpc CreatePaymentInstrument", "grpc GetPaymentInstrument"};
  for (const RestSource& r : rest) sources.push_back(r.name);
  sources.push_back("health");
  std::cout << "per source: before (ok/failed) | while down (unavailable/other, slowest) | "
               "after recovery (ok/failed)\n";
  for (const std::string& name : sources) {
    const Counts& b = before[name];
    const Counts& d = down[name];
    const Counts& a = after[name];
    std::cout << "  " << name << ": " << b.ok << "/" << b.unavailable + b.other << " | "
              << d.unavailable << "/" << d.ok + d.other;
    if (name != "health") std::cout << ", " << Ms(d.slowest_failure);
    std::cout << " | " << a.ok << "/" << a.unavailable + a.other << "\n";
    if (b.ok == 0) problems.push_back(name + ": nothing succeeded before the outage");
    if (d.unavailable == 0) problems.push_back(name + ": no failure observed while down");
    if (a.ok == 0) problems.push_back(name + ": nothing succeeded after recovery");
  }
  bool server_up = !sys.server().Exited() && sys.server().pid() == server_pid;
  bool gateway_up = !sys.gateway().Exited() && sys.gateway().pid() == gateway_pid;
  absl::Duration recovery = t.recovered - t.up;
  std::cout << "pi-server " << (server_up ? "stayed up" : "EXITED") << ", pi-gateway "
            << (gateway_up ? "stayed up" : "EXITED") << "\n"
            << "slowest failed request while down: " << Ms(slowest_failure) << " (bound "
            << Ms(config->fail_fast_bound) << ")\n"
            << "recovery (PostgreSQL accepting connections -> health SERVING and a create OK): "
            << (recovered ? Ms(recovery) : "none within 30 s") << " (bound "
            << Ms(config->recovery_bound) << ")" << std::endl;
  if (!server_up) problems.push_back("pi-server exited");
  if (!gateway_up) problems.push_back("pi-gateway exited");
  if (slowest_failure >= config->fail_fast_bound) problems.push_back("failures were not fast");
  if (!recovered || recovery > config->recovery_bound) problems.push_back("recovery too slow");
  for (const std::string& p : problems) std::cout << "  problem: " << p << "\n";
  bool ok = !failed && problems.empty();
  std::cout << (ok ? "OK" : "FAILED") << std::endl;
  if (!ok) {
    std::string log = sys.server_log();
    std::cout << "--- pi-server log (last 4 KiB) ---\n"
              << log.substr(log.size() > 4096 ? log.size() - 4096 : 0) << std::endl;
  }
  return ok ? 0 : 1;
}

}  // namespace
}  // namespace pi::reliability

int main(int argc, char** argv) {
  return pi::reliability::Main(std::vector<std::string>(argv + 1, argv + argc));
}
