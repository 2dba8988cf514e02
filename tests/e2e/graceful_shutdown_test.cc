// Graceful rollout end to end: SIGTERM to pi-server, then to pi-gateway, each under a steady load
// of creates and gets from several client threads (gRPC and HTTP through the gateway).
//
// For each process the test checks that health turns NOT_SERVING (gRPC health, /healthz 503)
// while requests are still served (the drain delay), that a request held in flight across the
// closing of the listener (an update waiting on a row lock the test holds) completes OK, that the
// process exits 0, and that no request that reached the service failed. Requests sent before the
// drain began all succeed; of those sent afterwards, failures are only "refused" (gRPC
// UNAVAILABLE, 503 through the gateway, a connection the gone gateway refused) or, for the few
// RPCs whose stream reaches pi-server's open connection at the instant Server::Shutdown begins,
// CANCELLED by gRPC 1.51 before any handler ran (checked against pi-server's access log by
// request id). Each kind is counted, printed and recorded as a test property. Ordering is checked
// from observations (first NOT_SERVING seen, first refusal seen), never from elapsed time.
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <functional>
#include <future>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "payments/instruments/v1/payment_instrument_service.grpc.pb.h"
#include "tests/support/http_client.h"
#include "tests/support/system_under_test.h"
#include "tests/support/test_database.h"

namespace pi {
namespace {

namespace v1 = ::payments::instruments::v1;
using grpc::health::v1::HealthCheckResponse;

constexpr char kPan[] = "4111111111111111";

// Polls `done` until it holds or a minute passes (a bound against hanging, not a measurement).
bool WaitUntil(const std::function<bool()>& done) {
  for (absl::Time deadline = absl::Now() + absl::Minutes(1); absl::Now() < deadline;) {
    if (done()) return true;
    absl::SleepFor(absl::Milliseconds(10));
  }
  return done();
}

// One request as a client saw it.
struct Outcome {
  absl::Time started;
  std::string request_id;  // sent as x-request-id / X-Request-Id, so pi-server's log tells
                           // whether the request reached the service
  bool ok = false;
  bool refused = false;    // the expected failure once the drain began
  bool cancelled = false;  // gRPC CANCELLED, or 499 from the gateway for it
  std::string what;        // gRPC code, HTTP status or transport error
};

// A request id unique within the test run.
std::string NextRequestId() {
  static std::atomic<int> next{0};
  return absl::StrCat("load-", next++);
}

class Outcomes {
 public:
  void Add(Outcome outcome) {
    std::lock_guard<std::mutex> lock(mu_);
    all_.push_back(std::move(outcome));
  }
  std::vector<Outcome> All() const {
    std::lock_guard<std::mutex> lock(mu_);
    return all_;
  }
  int Count(const std::function<bool(const Outcome&)>& which) const {
    std::lock_guard<std::mutex> lock(mu_);
    int n = 0;
    for (const Outcome& o : all_) n += which(o) ? 1 : 0;
    return n;
  }
  int Succeeded() const {
    return Count([](const Outcome& o) { return o.ok; });
  }
  int StartedAfter(absl::Time t) const {
    return Count([t](const Outcome& o) { return o.started > t; });
  }

 private:
  mutable std::mutex mu_;
  std::vector<Outcome> all_;
};

// `threads` threads running `step` in a loop until Stop().
class Load {
 public:
  Load(int threads, std::function<void()> step) {
    for (int i = 0; i < threads; ++i) {
      threads_.emplace_back([this, step] {
        while (!stop_.load()) step();
      });
    }
  }
  ~Load() { Stop(); }
  void Stop() {
    stop_.store(true);
    for (std::thread& t : threads_) {
      if (t.joinable()) t.join();
    }
  }

 private:
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
};

// Polls a health check until stopped and remembers what it saw, in order.
enum class Health { kServing, kNotServing, kUnreachable };
class HealthPoller {
 public:
  explicit HealthPoller(std::function<Health()> check)
      : thread_([this, check = std::move(check)] {
          while (!stop_.load()) {
            Health h = check();
            {
              std::lock_guard<std::mutex> lock(mu_);
              seen_.emplace_back(absl::Now(), h);
            }
            absl::SleepFor(absl::Milliseconds(10));
          }
        }) {}
  ~HealthPoller() { Stop(); }
  void Stop() {
    stop_.store(true);
    if (thread_.joinable()) thread_.join();
  }
  // The first time `h` was seen after `after`, or InfiniteFuture.
  absl::Time First(Health h, absl::Time after) const {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [t, seen] : seen_) {
      if (t > after && seen == h) return t;
    }
    return absl::InfiniteFuture();
  }
  bool SeenSince(Health h, absl::Time after) const {
    return First(h, after) < absl::InfiniteFuture();
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::pair<absl::Time, Health>> seen_;
  std::atomic<bool> stop_{false};
  std::thread thread_;  // last: starts once the rest is built
};

// Holds the row lock of an instrument in an open transaction: an update of it waits.
class RowLock {
 public:
  RowLock(const std::string& url, const std::string& instrument_id)
      : connection_(url), txn_(connection_) {
    txn_.exec_params("SELECT 1 FROM payment_instruments WHERE id = $1 FOR UPDATE", instrument_id);
  }
  // Idempotent.
  void Release() {
    if (!released_) txn_.abort();
    released_ = true;
  }

 private:
  pqxx::connection connection_;
  pqxx::work txn_;
  bool released_ = false;
};

// True once a statement of the scratch database waits for a lock.
bool SomeoneWaitsForALock(const std::string& url) {
  pqxx::connection c(url);
  pqxx::nontransaction txn(c);
  return txn.exec1(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'")[0]
             .as<int>() > 0;
}

nlohmann::json CardBody(const std::string& identity) {
  return {{"type", "PAYMENT_CARD"},
          {"identity", identity},
          {"number", kPan},
          {"expiration_month", 12},
          {"expiration_year", 2040}};
}

// A Finix create and get through the gateway. 503 is pi-server refusing (UNAVAILABLE); a
// transport error is the gateway refusing the connection.
void HttpStep(int port, const std::string& authorization, const std::string& identity,
              Outcomes& outcomes) {
  std::map<std::string, std::string> headers = {{"Authorization", authorization},
                                                {"Content-Type", "application/json"}};
  auto call = [&](const std::string& method, const std::string& target, const std::string& body,
                  int expected, std::string* created_id) {
    Outcome o{.started = absl::Now(), .request_id = NextRequestId()};
    headers["X-Request-Id"] = o.request_id;
    absl::StatusOr<testing::HttpReply> reply =
        testing::HttpCall(port, method, target, body, headers);
    if (!reply.ok()) {
      o.refused = true;
      o.what = absl::StrCat("transport: ", reply.status().message());
    } else {
      o.ok = reply->status == expected;
      o.refused = reply->status == 503;
      o.cancelled = reply->status == 499;
      o.what = absl::StrCat("HTTP ", reply->status, " ", reply->body.substr(0, 200));
      if (o.ok && created_id != nullptr) {
        *created_id = nlohmann::json::parse(reply->body)["id"];
      }
    }
    outcomes.Add(o);
    if (!o.ok) absl::SleepFor(absl::Milliseconds(5));
    return o.ok;
  };
  std::string id;
  if (!call("POST", "/payment_instruments", CardBody(identity).dump(), 201, &id)) return;
  call("GET", "/payment_instruments/" + id, "", 200, nullptr);
}

// A create and get over gRPC. UNAVAILABLE is pi-server refusing.
void GrpcStep(v1::PaymentInstrumentService::Stub& stub, const std::string& authorization,
              const std::string& identity, Outcomes& outcomes) {
  auto call = [&](auto method, const auto& request, auto* response) {
    grpc::ClientContext context;
    Outcome o{.started = absl::Now(), .request_id = NextRequestId()};
    context.AddMetadata("authorization", authorization);
    context.AddMetadata("x-request-id", o.request_id);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    grpc::Status status = (stub.*method)(&context, request, response);
    o.ok = status.ok();
    o.refused = status.error_code() == grpc::StatusCode::UNAVAILABLE;
    o.cancelled = status.error_code() == grpc::StatusCode::CANCELLED;
    o.what = absl::StrCat("gRPC ", status.error_code(), " ", status.error_message());
    outcomes.Add(o);
    if (!o.ok) absl::SleepFor(absl::Milliseconds(5));
    return o.ok;
  };
  v1::CreatePaymentInstrumentRequest create;
  create.mutable_payment_instrument()->set_type(v1::PAYMENT_CARD);
  create.mutable_payment_instrument()->set_identity(identity);
  create.mutable_payment_instrument()->mutable_card()->set_number(kPan);
  create.mutable_payment_instrument()->mutable_card()->set_expiration_month(12);
  create.mutable_payment_instrument()->mutable_card()->set_expiration_year(2040);
  v1::PaymentInstrument created;
  if (!call(&v1::PaymentInstrumentService::Stub::CreatePaymentInstrument, create, &created)) {
    return;
  }
  v1::GetPaymentInstrumentRequest get;
  get.set_name(created.name());
  v1::PaymentInstrument found;
  call(&v1::PaymentInstrumentService::Stub::GetPaymentInstrument, get, &found);
}

// The request ids pi-server logged an access line for: the requests that reached the service.
std::set<std::string> RequestIdsServed(const std::string& server_log) {
  std::set<std::string> ids;
  for (absl::string_view line : absl::StrSplit(server_log, '\n', absl::SkipEmpty())) {
    nlohmann::json parsed = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_object() && parsed.value("msg", "") == "rpc") {
      ids.insert(parsed.value("request_id", ""));
    }
  }
  return ids;
}

// Checks the outcomes of one load against the drain that began at `drain_seen` (the first
// NOT_SERVING or 503 observed) and prints them. Allowed failures, for requests sent after the
// drain began: refused (UNAVAILABLE, 503, connection refused), and CANCELLED for a request that
// never reached the service (no access line in `server_log`): gRPC 1.51 cancels an RPC whose
// stream arrives on an open connection while Server::Shutdown begins, before any handler runs.
// Any other failure is a lost request.
void ExpectNothingLost(const std::string& name, const Outcomes& outcomes, absl::Time drain_seen,
                       const std::string& server_log) {
  std::set<std::string> served = RequestIdsServed(server_log);
  int ok = 0, served_during_drain = 0, refused = 0, cut_before_service = 0, lost = 0;
  for (const Outcome& o : outcomes.All()) {
    bool before_drain = o.started < drain_seen;
    if (o.ok) {
      ++ok;
      served_during_drain += before_drain ? 0 : 1;
    } else if (!before_drain && o.refused) {
      ++refused;
    } else if (!before_drain && o.cancelled && served.count(o.request_id) == 0) {
      ++cut_before_service;
    } else {
      ++lost;
      ADD_FAILURE() << name << ": request " << o.request_id << ", sent "
                    << (before_drain ? "before" : "after") << " the drain began, failed: " << o.what
                    << (served.count(o.request_id) ? " (pi-server served it)" : "");
    }
  }
  std::cout << name << ": " << ok << " OK (" << served_during_drain
            << " sent after the drain began), " << refused << " refused after the drain, "
            << cut_before_service << " cancelled by the shutdown before reaching the service, "
            << lost << " lost\n";
  ::testing::Test::RecordProperty(name + "_ok", ok);
  ::testing::Test::RecordProperty(name + "_served_during_drain", served_during_drain);
  ::testing::Test::RecordProperty(name + "_refused", refused);
  ::testing::Test::RecordProperty(name + "_cancelled_before_service", cut_before_service);
  ::testing::Test::RecordProperty(name + "_lost", lost);
  EXPECT_EQ(lost, 0) << name;
  EXPECT_GT(served_during_drain, 0) << name << ": nothing was served while draining";
  EXPECT_GT(refused, 0) << name << ": the load did not outlast the listener";
}

TEST(GracefulShutdownTest, PiServerDrainsUnderLoadFinishesInFlightRequestsAndExitsZero) {
  std::string url = testing::CreateScratchDatabase("drain_server");
  auto started = testing::SystemUnderTest::Start(
      "e2e-drain-server", {.database_url = url,
                           .max_instruments_per_identity = 1000000,
                           .server_env = {{"PI_DRAIN_DELAY", "2s"}, {"PI_SHUTDOWN_GRACE", "60s"}},
                           .gateway_env = {{"PI_RPC_DEADLINE", "60s"}}});
  ASSERT_TRUE(started.ok()) << started.status();
  testing::SystemUnderTest& sys = **started;
  std::string held_identity = sys.CreateIdentity();
  ASSERT_FALSE(held_identity.empty());
  auto stub = v1::PaymentInstrumentService::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", sys.grpc_port()), grpc::InsecureChannelCredentials()));

  // The instrument whose update will be held in flight across the listener's closing.
  v1::CreatePaymentInstrumentRequest create;
  create.mutable_payment_instrument()->set_type(v1::PAYMENT_CARD);
  create.mutable_payment_instrument()->set_identity(held_identity);
  create.mutable_payment_instrument()->mutable_card()->set_number(kPan);
  create.mutable_payment_instrument()->mutable_card()->set_expiration_month(12);
  create.mutable_payment_instrument()->mutable_card()->set_expiration_year(2040);
  v1::PaymentInstrument held;
  {
    grpc::ClientContext context;
    context.AddMetadata("authorization", sys.basic_auth());
    ASSERT_TRUE(stub->CreatePaymentInstrument(&context, create, &held).ok());
  }

  std::shared_ptr<grpc::health::v1::Health::Stub> health_stub =
      grpc::health::v1::Health::NewStub(grpc::CreateChannel(
          absl::StrCat("127.0.0.1:", sys.grpc_port()), grpc::InsecureChannelCredentials()));
  HealthPoller health([health_stub] {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    HealthCheckResponse response;
    if (!health_stub->Check(&context, {}, &response).ok()) return Health::kUnreachable;
    return response.status() == HealthCheckResponse::SERVING ? Health::kServing
                                                             : Health::kNotServing;
  });
  Outcomes grpc_outcomes, http_outcomes;
  Load grpc_load(3, [&] { GrpcStep(*stub, sys.basic_auth(), sys.identity_id(), grpc_outcomes); });
  Load http_load(
      2, [&] { HttpStep(sys.http_port(), sys.basic_auth(), sys.identity_id(), http_outcomes); });
  ASSERT_TRUE(WaitUntil(
      [&] { return grpc_outcomes.Succeeded() >= 30 && http_outcomes.Succeeded() >= 10; }));

  // An update that waits on the test's row lock: in flight until the test lets it go.
  struct HeldCall {
    grpc::ClientContext context;
    v1::UpdatePaymentInstrumentRequest request;
    v1::PaymentInstrument response;
    std::promise<grpc::Status> done;
  } update;
  update.context.AddMetadata("authorization", sys.basic_auth());
  update.request.mutable_payment_instrument()->set_name(held.name());
  update.request.mutable_payment_instrument()->set_holder_name("Held Across Shutdown");
  update.request.mutable_update_mask()->add_paths("holder_name");
  std::future<grpc::Status> update_done = update.done.get_future();
  std::future<absl::StatusOr<int>> exit;
  RowLock lock(url, held.id());
  stub->async()->UpdatePaymentInstrument(&update.context, &update.request, &update.response,
                                         [&update](grpc::Status s) { update.done.set_value(s); });
  // Whatever fails below, the held call and the server finish before anything goes away.
  absl::Cleanup unblock = [&] {
    lock.Release();
    update.context.TryCancel();
    if (update_done.valid()) update_done.wait();
  };
  ASSERT_TRUE(WaitUntil([&] { return SomeoneWaitsForALock(url); }));

  absl::Time sigterm = absl::Now();
  exit = std::async(std::launch::async,
                    [&sys] { return sys.server().Stop(SIGTERM, absl::Minutes(2)); });
  // Health goes NOT_SERVING, then (the drain delay over) the listener closes; the held update
  // keeps the process alive meanwhile.
  ASSERT_TRUE(WaitUntil([&] { return health.SeenSince(Health::kUnreachable, sigterm); }));
  EXPECT_EQ(update_done.wait_for(std::chrono::seconds(0)), std::future_status::timeout);
  EXPECT_EQ(exit.wait_for(std::chrono::seconds(0)), std::future_status::timeout);
  lock.Release();
  grpc::Status update_status = update_done.get();
  EXPECT_TRUE(update_status.ok()) << update_status.error_code() << " "
                                  << update_status.error_message();
  EXPECT_EQ(update.response.holder_name(), "Held Across Shutdown");
  absl::StatusOr<int> code = exit.get();
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, 0);

  // Keep the load on past the exit, so requests after the drain are seen refused.
  absl::Time exited = absl::Now();
  ASSERT_TRUE(WaitUntil([&] {
    return grpc_outcomes.StartedAfter(exited) >= 3 && http_outcomes.StartedAfter(exited) >= 2;
  }));
  grpc_load.Stop();
  http_load.Stop();
  health.Stop();

  absl::Time not_serving = health.First(Health::kNotServing, sigterm);
  absl::Time unreachable = health.First(Health::kUnreachable, sigterm);
  EXPECT_LT(health.First(Health::kServing, absl::InfinitePast()), sigterm);
  ASSERT_LT(not_serving, absl::InfiniteFuture()) << "health never said NOT_SERVING";
  EXPECT_LT(not_serving, unreachable) << "the listener closed before health said NOT_SERVING";
  ExpectNothingLost("grpc", grpc_outcomes, not_serving, sys.server_log());
  ExpectNothingLost("http_via_gateway", http_outcomes, not_serving, sys.server_log());
  EXPECT_THAT(sys.server_log(), ::testing::HasSubstr("\"msg\":\"pi-server stopped\""));
}

TEST(GracefulShutdownTest, PiGatewayDrainsUnderLoadFinishesInFlightRequestsAndExitsZero) {
  std::string url = testing::CreateScratchDatabase("drain_gateway");
  auto started = testing::SystemUnderTest::Start(
      "e2e-drain-gateway",
      {.database_url = url,
       .max_instruments_per_identity = 1000000,
       .gateway_env = {
           {"PI_DRAIN_DELAY", "2s"}, {"PI_SHUTDOWN_GRACE", "60s"}, {"PI_RPC_DEADLINE", "60s"}}});
  ASSERT_TRUE(started.ok()) << started.status();
  testing::SystemUnderTest& sys = **started;
  const int port = sys.http_port();
  std::map<std::string, std::string> headers = {{"Authorization", sys.basic_auth()},
                                                {"Content-Type", "application/json"}};
  std::string held_identity = sys.CreateIdentity();
  ASSERT_FALSE(held_identity.empty());
  absl::StatusOr<testing::HttpReply> created = testing::HttpCall(
      port, "POST", "/payment_instruments", CardBody(held_identity).dump(), headers);
  ASSERT_TRUE(created.ok() && created->status == 201);
  std::string held_id = nlohmann::json::parse(created->body)["id"];

  HealthPoller health([port] {
    absl::StatusOr<testing::HttpReply> reply = testing::HttpCall(port, "GET", "/healthz");
    if (!reply.ok()) return Health::kUnreachable;
    return reply->status == 200 ? Health::kServing : Health::kNotServing;
  });
  Outcomes outcomes;
  Load load(4, [&] { HttpStep(port, sys.basic_auth(), sys.identity_id(), outcomes); });
  // A kept-alive client, to see it told to leave while draining.
  absl::StatusOr<std::unique_ptr<testing::HttpConnection>> kept =
      testing::HttpConnection::Open(port);
  ASSERT_TRUE(kept.ok()) << kept.status();
  absl::StatusOr<testing::HttpReply> before =
      (*kept)->Call("GET", "/payment_instruments/" + held_id, "", headers);
  ASSERT_TRUE(before.ok()) << before.status();
  EXPECT_EQ(before->status, 200);
  EXPECT_NE(before->headers["connection"], "close");
  ASSERT_TRUE(WaitUntil([&] { return outcomes.Succeeded() >= 40; }));

  // Futures before the lock: on an early return the lock goes first, so they can finish.
  std::future<absl::StatusOr<testing::HttpReply>> update;
  std::future<absl::StatusOr<int>> exit;
  RowLock lock(url, held_id);
  update = std::async(std::launch::async, [&] {
    return testing::HttpCall(port, "PUT", "/payment_instruments/" + held_id,
                             R"({"tags": {"held": "across shutdown"}})", headers);
  });
  ASSERT_TRUE(WaitUntil([&] { return SomeoneWaitsForALock(url); }));

  absl::Time sigterm = absl::Now();
  exit = std::async(std::launch::async,
                    [&sys] { return sys.gateway().Stop(SIGTERM, absl::Minutes(2)); });
  ASSERT_TRUE(WaitUntil([&] { return health.SeenSince(Health::kNotServing, sigterm); }));
  // Draining: the kept-alive connection is served once more, told to close, and closed.
  absl::StatusOr<testing::HttpReply> during =
      (*kept)->Call("GET", "/payment_instruments/" + held_id, "", headers);
  ASSERT_TRUE(during.ok()) << during.status();
  EXPECT_EQ(during->status, 200);
  EXPECT_EQ(during->headers["connection"], "close");
  EXPECT_TRUE((*kept)->ClosedByServer());
  // Then the listener closes while the held update keeps the gateway alive.
  ASSERT_TRUE(WaitUntil([&] { return health.SeenSince(Health::kUnreachable, sigterm); }));
  EXPECT_EQ(update.wait_for(std::chrono::seconds(0)), std::future_status::timeout);
  EXPECT_EQ(exit.wait_for(std::chrono::seconds(0)), std::future_status::timeout);
  lock.Release();
  absl::StatusOr<testing::HttpReply> updated = update.get();
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->status, 200) << updated->body;
  absl::StatusOr<int> code = exit.get();
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, 0);

  absl::Time exited = absl::Now();
  ASSERT_TRUE(WaitUntil([&] { return outcomes.StartedAfter(exited) >= 4; }));
  load.Stop();
  health.Stop();

  absl::Time draining = health.First(Health::kNotServing, sigterm);
  absl::Time closed = health.First(Health::kUnreachable, sigterm);
  EXPECT_LT(health.First(Health::kServing, absl::InfinitePast()), sigterm);
  EXPECT_LT(draining, closed) << "the listener closed before /healthz said 503";
  ExpectNothingLost("http", outcomes, draining, sys.server_log());
  // pi-server stayed up: no request saw it refuse or cancel.
  EXPECT_EQ(outcomes.Count([](const Outcome& o) {
    return o.ok == false && !o.what.empty() && o.what.rfind("HTTP ", 0) == 0;
  }),
            0);
  EXPECT_THAT(sys.gateway_log(), ::testing::HasSubstr("\"msg\":\"pi-gateway stopped\""));
}

}  // namespace
}  // namespace pi
