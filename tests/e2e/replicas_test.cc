// End to end with two pi-server processes on one database behind one gateway, which balances
// over them with round_robin (PI_GRPC_LB_POLICY): the rules PostgreSQL enforces must hold when
// concurrent requests for the same owner, idempotency key or token land on different processes.
// Each test fires its requests from many threads released together, then counts outcomes; both
// servers' access logs must show that each took part.
#include <unistd.h>

#include <functional>
#include <iostream>
#include <latch>
#include <set>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "payments/instruments/v1/payment_instrument_service.grpc.pb.h"
#include "tests/support/child_process.h"
#include "tests/support/http_client.h"
#include "tests/support/metrics_scrape.h"
#include "tests/support/system_under_test.h"
#include "tests/support/test_database.h"

namespace pi {
namespace {

namespace v1 = ::payments::instruments::v1;
using testing::HttpCall;
using testing::HttpReply;

constexpr int kOwnerLimit = 10;
constexpr int kConcurrentCalls = 24;

class ReplicasTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto started = testing::SystemUnderTest::Start(
        "e2e-replicas", {.database_url = testing::TestDatabaseUrl(),
                         .max_instruments_per_identity = kOwnerLimit,
                         .server_replicas = 2});
    ASSERT_TRUE(started.ok()) << started.status();
    sys = started->release();
  }

  static void TearDownTestSuite() {
    delete sys;
    sys = nullptr;
  }

  static HttpReply Post(const std::string& target, const nlohmann::json& body,
                        std::map<std::string, std::string> headers = {}) {
    headers["Authorization"] = sys->basic_auth();
    headers["Content-Type"] = "application/json";
    absl::StatusOr<HttpReply> reply = HttpCall(sys->http_port(), "POST", target, body.dump(),
                                               headers);
    EXPECT_TRUE(reply.ok()) << reply.status();
    return reply.ok() ? *reply : HttpReply{};
  }

  // `count` calls of `call(i)`, each on its own thread, all released at once.
  static std::vector<HttpReply> Concurrently(int count,
                                             const std::function<HttpReply(int)>& call) {
    std::vector<HttpReply> replies(count);
    std::latch start(count);
    std::vector<std::thread> threads;
    for (int i = 0; i < count; ++i) {
      threads.emplace_back([&, i] {
        start.arrive_and_wait();
        replies[i] = call(i);
      });
    }
    for (std::thread& t : threads) t.join();
    return replies;
  }

  // Calls of `method` (e.g. "CreatePaymentInstrument") in a server's access log: all of them,
  // or only those answered OK.
  static int CallsIn(const std::string& log, const std::string& method, bool only_ok) {
    int count = 0;
    for (absl::string_view line : absl::StrSplit(log, '\n')) {
      nlohmann::json entry = nlohmann::json::parse(line, nullptr, false);
      if (!entry.is_object() || entry.value("msg", "") != "rpc") continue;
      if (absl::EndsWith(entry.value("method", ""), method) && (!only_ok || entry.value("code", "") == "OK")) {
        ++count;
      }
    }
    return count;
  }

  // The number of `method` calls each pi-server has logged so far (all, or only OK ones).
  static std::vector<int> CallsPerServer(const std::string& method, bool only_ok = false) {
    return {CallsIn(sys->server_log(), method, only_ok),
            CallsIn(testing::ReadFile(sys->dir() + "/replica1.log"), method, only_ok)};
  }
  static std::vector<int> OkCallsPerServer(const std::string& method) {
    return CallsPerServer(method, /*only_ok=*/true);
  }
  // Fails the test unless both servers logged `method` calls between `before` and now.
  static void ExpectBothServersTookPart(const std::vector<int>& before, const std::string& method) {
    std::vector<int> after = CallsPerServer(method);
    EXPECT_GT(after[0], before[0]) << "the first server took no " << method << " call";
    EXPECT_GT(after[1], before[1]) << "the replica took no " << method << " call";
  }

  static nlohmann::json Card(const std::string& identity) {
    return {{"type", "PAYMENT_CARD"},   {"identity", identity},     {"number", "4242424242424242"},
            {"expiration_month", 11},   {"expiration_year", 2041},  {"security_code", "321"},
            {"name", "Replica Tester"}};
  }

  static inline testing::SystemUnderTest* sys = nullptr;
};

TEST_F(ReplicasTest, TheGatewayBalancesCallsOverBothServers) {
  std::vector<int> before = OkCallsPerServer("CreateIdentity");
  for (int i = 0; i < 10; ++i) ASSERT_FALSE(sys->CreateIdentity().empty());
  std::vector<int> after = OkCallsPerServer("CreateIdentity");
  EXPECT_EQ((after[0] - before[0]) + (after[1] - before[1]), 10);
  EXPECT_GE(after[0] - before[0], 3) << "round_robin should alternate";
  EXPECT_GE(after[1] - before[1], 3) << "round_robin should alternate";
}

TEST_F(ReplicasTest, TheOwnerLimitHoldsUnderConcurrentCreates) {
  std::string owner = sys->CreateIdentity();
  ASSERT_FALSE(owner.empty());
  std::vector<int> before = CallsPerServer("CreatePaymentInstrument");
  std::vector<HttpReply> replies = Concurrently(
      kConcurrentCalls, [&](int) { return Post("/payment_instruments", Card(owner)); });
  int created = 0;
  for (const HttpReply& reply : replies) {
    if (reply.status == 201) {
      ++created;
      continue;
    }
    EXPECT_EQ(reply.status / 100, 4) << reply.body;
    nlohmann::json body = nlohmann::json::parse(reply.body, nullptr, false);
    EXPECT_EQ(body["_embedded"]["errors"][0]["field"], "identity") << reply.body;
  }
  std::cout << "[ replicas ] " << kConcurrentCalls << " concurrent creates for one owner (limit "
            << kOwnerLimit << "): " << created << " created\n";
  EXPECT_EQ(created, kOwnerLimit);
  ExpectBothServersTookPart(before, "CreatePaymentInstrument");
}

TEST_F(ReplicasTest, OneIdempotencyKeyMakesOneInstrument) {
  std::string owner = sys->CreateIdentity();
  ASSERT_FALSE(owner.empty());
  std::string key = absl::StrCat("replicas-", ::getpid(), "-one-key");
  std::vector<int> before = CallsPerServer("CreatePaymentInstrument");
  std::vector<HttpReply> replies = Concurrently(kConcurrentCalls, [&](int) {
    return Post("/payment_instruments", Card(owner), {{"Idempotency-Key", key}});
  });
  std::set<std::string> ids;
  int in_progress = 0;
  for (const HttpReply& reply : replies) {
    if (reply.status == 201) {
      ids.insert(nlohmann::json::parse(reply.body)["id"].get<std::string>());
    } else {
      // The key is held by a request still running on either server: 409, retry later.
      EXPECT_EQ(reply.status, 409) << reply.body;
      ++in_progress;
    }
  }
  std::cout << "[ replicas ] " << kConcurrentCalls << " creates with one idempotency key: "
            << replies.size() - in_progress << " answered 201, " << in_progress
            << " answered 409 (key in use)\n";
  ASSERT_EQ(ids.size(), 1u) << in_progress << " answered 409";
  ExpectBothServersTookPart(before, "CreatePaymentInstrument");
  // A retry after all have finished replays the same instrument, whichever server takes it.
  for (int i = 0; i < 2; ++i) {
    HttpReply retry = Post("/payment_instruments", Card(owner), {{"Idempotency-Key", key}});
    ASSERT_EQ(retry.status, 201) << retry.body;
    EXPECT_EQ(nlohmann::json::parse(retry.body)["id"], *ids.begin());
  }
  // And the owner holds exactly one instrument.
  absl::StatusOr<HttpReply> listed =
      HttpCall(sys->http_port(), "GET", "/payment_instruments?owner_identity_id=" + owner, "",
               {{"Authorization", sys->basic_auth()}});
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->status, 200) << listed->body;
  nlohmann::json page = nlohmann::json::parse(listed->body);
  EXPECT_EQ(page["_embedded"]["payment_instruments"].size(), 1u) << listed->body;
}

TEST_F(ReplicasTest, ATokenIsAssociatedOnceWhicheverServerTakesIt) {
  std::vector<int> before = OkCallsPerServer("CreatePaymentInstrument");
  std::vector<int> all_before = CallsPerServer("CreatePaymentInstrument");
  for (int round = 0; round < 4; ++round) {
    HttpReply token = Post("/tokens", {{"type", "PAYMENT_CARD"},
                                       {"number", "5555555555554444"},
                                       {"expiration_month", 3},
                                       {"expiration_year", 2042},
                                       {"security_code", "987"}});
    ASSERT_EQ(token.status, 201) << token.body;
    std::string token_id = nlohmann::json::parse(token.body)["id"];
    std::string owner = sys->CreateIdentity();
    ASSERT_FALSE(owner.empty());
    std::vector<HttpReply> replies = Concurrently(kConcurrentCalls / 2, [&](int) {
      return Post("/payment_instruments",
                  {{"type", "TOKEN"}, {"token", token_id}, {"identity", owner}});
    });
    int associated = 0;
    for (const HttpReply& reply : replies) {
      if (reply.status == 201) {
        ++associated;
        continue;
      }
      EXPECT_EQ(reply.status, 422) << reply.body;
      nlohmann::json body = nlohmann::json::parse(reply.body, nullptr, false);
      EXPECT_EQ(body["_embedded"]["errors"][0]["field"], "token") << reply.body;
    }
    EXPECT_EQ(associated, 1) << "round " << round;
  }
  // Each round's one association ran on one server, and both servers took part in the races.
  std::vector<int> after = OkCallsPerServer("CreatePaymentInstrument");
  EXPECT_EQ((after[0] - before[0]) + (after[1] - before[1]), 4);
  ExpectBothServersTookPart(all_before, "CreatePaymentInstrument");
}

// Each server caches the instruments it reads. A change made through one server must reach the
// other's cache (a PostgreSQL notification, migration 0010), or the other would keep answering
// with the old instrument.
TEST_F(ReplicasTest, AnUpdateThroughOneServerReachesTheOtherServersCache) {
  std::string owner = sys->CreateIdentity();
  ASSERT_FALSE(owner.empty());
  HttpReply created = Post("/payment_instruments", Card(owner));
  ASSERT_EQ(created.status, 201) << created.body;
  std::string name = "paymentInstruments/" + nlohmann::json::parse(created.body)["id"].get<std::string>();
  auto stub_for = [](int port) {
    return v1::PaymentInstrumentService::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
  };
  auto first = stub_for(sys->server_grpc_ports()[0]);
  auto second = stub_for(sys->server_grpc_ports()[1]);
  auto holder_name = [&](v1::PaymentInstrumentService::Stub& stub) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", sys->basic_auth());
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    v1::GetPaymentInstrumentRequest request;
    request.set_name(name);
    v1::PaymentInstrument found;
    grpc::Status status = stub.GetPaymentInstrument(&context, request, &found);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return found.holder_name();
  };
  auto cache_hits = [] {
    absl::StatusOr<testing::MetricsScrape> scrape = testing::ScrapeMetrics(
        std::stoi(testing::ReadFile(sys->dir() + "/replica1-metrics.port")));
    EXPECT_TRUE(scrape.ok()) << scrape.status();
    return scrape.ok() ? scrape->Value("pi_instrument_cache_hits_total") : 0;
  };

  double hits_before = cache_hits();
  ASSERT_EQ(holder_name(*second), "Replica Tester");
  ASSERT_EQ(holder_name(*second), "Replica Tester");
  ASSERT_GT(cache_hits(), hits_before) << "the second server answered a read from its cache";

  grpc::ClientContext context;
  context.AddMetadata("authorization", sys->basic_auth());
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  v1::UpdatePaymentInstrumentRequest update;
  update.mutable_payment_instrument()->set_name(name);
  update.mutable_payment_instrument()->set_holder_name("Renamed On The First");
  update.mutable_update_mask()->add_paths("holder_name");
  v1::PaymentInstrument updated;
  grpc::Status status = first->UpdatePaymentInstrument(&context, update, &updated);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(holder_name(*first), "Renamed On The First") << "the updating server's own read";

  // The notification takes a moment to arrive; 10 s bounds a loaded machine, it is no timing claim.
  std::string seen;
  for (absl::Time until = absl::Now() + absl::Seconds(10); absl::Now() < until;
       absl::SleepFor(absl::Milliseconds(10))) {
    seen = holder_name(*second);
    if (seen == "Renamed On The First") break;
  }
  EXPECT_EQ(seen, "Renamed On The First") << "the second server kept the old instrument";
}

}  // namespace
}  // namespace pi
