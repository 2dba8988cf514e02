// pi_grpc_load: a closed-loop gRPC load generator for pi-server (asynchronous completion-queue
// API, one call outstanding per slot, every reply's status checked). bench/run drives it; by hand:
//
//   export PI_AUTHORIZATION="Basic $(printf '%s:%s' "$CREDENTIAL" "$SECRET" | base64 -w0)"
//   pi_grpc_load --target=127.0.0.1:50051 --op=identities --count=1024 --ids_out=owners.txt
//   pi_grpc_load --target=... --op=create --concurrency=8 --identities_file=owners.txt
//                --ids_out=instruments.txt
//   pi_grpc_load --target=... --op=get --concurrency=64 --ids_file=instruments.txt
//   pi_grpc_load --target=... --op=health --concurrency=64
//
// Settings (flags, or PI_<NAME> in the environment; keep the authorization out of argv):
//   target, authorization, op (create | get | identities | health), concurrency (1), seconds (10s),
//   warmup (2s), channels (1: one HTTP/2 connection, like pi-gateway's), threads (1: completion
//   queues, each polled by its own thread), deadline (10s), identities_file, ids_file, ids_out,
//   count (identities to create).
//
// op=health calls grpc.health.v1.Health/Check, which pi-server answers from memory without
// authenticating: the cost of one gRPC unary call here with no work behind it, the floor under
// every other RPC's cost on this machine.
//
// Why a completion queue polled by one thread rather than the callback API: on this 2-core
// machine the client shares the cores with what it measures, and gRPC 1.51's callback client
// hands completions between threads. Measured at 64 outstanding gets: 119 us of client CPU and
// 2.7 context switches per call with the callback API, 86 us and 1.2 with this one.
//
// Prints one JSON line: op, concurrency, window_s, ok (calls finished OK in the window),
// throughput (ok / window_s), p50_ms, p99_ms, calls (all finished calls, warm-up included),
// non_ok and non_ok_by_code. Exits 1 when any reply was not OK, 2 on bad settings.
#include <grpcpp/grpcpp.h>

#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "bench/load/bench_requests.h"
#include "bench/load/closed_loop.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "payments/instruments/v1/payment_instrument_service.grpc.pb.h"
#include "services/common/settings.h"

extern char** environ;

namespace pi::bench {
namespace {

using Stub = v1::PaymentInstrumentService::Stub;

struct Config {
  std::string target;
  std::string authorization;
  std::string op;
  int concurrency = 1;
  absl::Duration seconds = absl::Seconds(10);
  absl::Duration warmup = absl::Seconds(2);
  int channels = 1;
  int threads = 1;
  absl::Duration deadline = absl::Seconds(10);
  std::string identities_file;
  std::string ids_file;
  std::string ids_out;
  int count = 0;
};

absl::StatusOr<Config> ParseConfig(const std::vector<std::string>& args) {
  absl::StatusOr<common::Settings> settings = common::Settings::Parse(
      {"target", "authorization", "op", "concurrency", "seconds", "warmup", "channels", "threads",
       "deadline", "identities_file", "ids_file", "ids_out", "count"},
      args, environ);
  if (!settings.ok()) return settings.status();
  Config config;
  std::vector<std::string> problems;
  config.target = settings->Get("target");
  config.authorization = settings->Get("authorization");
  config.op = settings->Get("op");
  settings->GetInt("concurrency", 1, 4096, config.concurrency, problems);
  settings->GetDuration("seconds", config.seconds, problems);
  settings->GetDuration("warmup", config.warmup, problems);
  settings->GetInt("channels", 1, 64, config.channels, problems);
  settings->GetInt("threads", 1, 64, config.threads, problems);
  settings->GetDuration("deadline", config.deadline, problems);
  settings->GetInt("count", 0, 10'000'000, config.count, problems);
  config.identities_file = settings->Get("identities_file");
  config.ids_file = settings->Get("ids_file");
  config.ids_out = settings->Get("ids_out");
  if (config.target.empty()) problems.push_back("target: required");
  if (config.authorization.empty()) problems.push_back("authorization: required");
  if (config.op == "create" && config.identities_file.empty()) {
    problems.push_back("identities_file: required by op=create");
  } else if (config.op == "get" && config.ids_file.empty()) {
    problems.push_back("ids_file: required by op=get");
  } else if (config.op == "identities" && (config.count == 0 || config.ids_out.empty())) {
    problems.push_back("count and ids_out: required by op=identities");
  } else if (config.op != "create" && config.op != "get" && config.op != "identities" &&
             config.op != "health") {
    problems.push_back("op: must be create, get, identities or health");
  }
  if (!problems.empty()) {
    std::string message;
    for (const std::string& p : problems) absl::StrAppend(&message, p, "\n");
    return absl::InvalidArgumentError(message);
  }
  return config;
}

std::vector<std::string> ReadLines(const std::string& path) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

// Separate HTTP/2 connections when asked for several channels: gRPC would otherwise share one
// subchannel between channels with equal arguments. Retries are off: every reply counts, and
// the retry filter's buffering is client work the server does not see.
struct Stubs {
  std::unique_ptr<Stub> instruments;
  std::unique_ptr<grpc::health::v1::Health::Stub> health;
};
std::vector<Stubs> Connect(const Config& config) {
  std::vector<Stubs> stubs;
  for (int i = 0; i < config.channels; ++i) {
    grpc::ChannelArguments arguments;
    arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    arguments.SetInt("pi.bench.channel", i);
    arguments.SetInt(GRPC_ARG_ENABLE_RETRIES, 0);
    std::shared_ptr<grpc::Channel> channel =
        grpc::CreateCustomChannel(config.target, grpc::InsecureChannelCredentials(), arguments);
    channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(10));
    stubs.push_back({v1::PaymentInstrumentService::NewStub(channel),
                     grpc::health::v1::Health::NewStub(channel)});
  }
  return stubs;
}

// One call's state, alive from its start to its completion on the queue (it is the tag).
class AsyncCall {
 public:
  virtual ~AsyncCall() = default;
  // Runs on the polling thread; deletes the call, then reports its code.
  virtual void Complete() = 0;
};

template <typename Request, typename Response>
class TypedCall : public AsyncCall {
 public:
  using OnOk = std::function<void(const Response&)>;

  TypedCall(const Config& config, std::function<void(grpc::StatusCode)> finish, OnOk on_ok)
      : finish_(std::move(finish)), on_ok_(std::move(on_ok)) {
    context_.set_deadline(std::chrono::system_clock::now() +
                          absl::ToChronoMilliseconds(config.deadline));
    context_.AddMetadata("authorization", config.authorization);
  }

  Request& request() { return request_; }

  template <typename Prepare>
  void Start(Prepare prepare, grpc::CompletionQueue* queue) {
    reader_ = prepare(&context_, request_, queue);
    reader_->StartCall();
    reader_->Finish(&response_, &status_, this);
  }

  void Complete() override {
    if (status_.ok() && on_ok_) on_ok_(response_);
    std::function<void(grpc::StatusCode)> finish = std::move(finish_);
    grpc::StatusCode code = status_.error_code();
    delete this;
    finish(code);
  }

 private:
  grpc::ClientContext context_;
  Request request_;
  Response response_;
  grpc::Status status_;
  std::unique_ptr<grpc::ClientAsyncResponseReader<Response>> reader_;
  std::function<void(grpc::StatusCode)> finish_;
  OnOk on_ok_;
};

// Per-slot state: touched only by that slot's calls, which never overlap.
struct SlotState {
  std::mt19937_64 rng;
  std::vector<std::string> created_ids;
};

// Everything the calls read, alive until the process exits.
struct Load {
  Config config;
  std::vector<Stubs> stubs;
  std::vector<std::unique_ptr<grpc::CompletionQueue>> queues;
  std::vector<std::string> inputs;  // owners (create) or instrument ids (get)
  std::vector<SlotState> slots;

  Stub& StubFor(int slot) { return *stubs[slot % stubs.size()].instruments; }
  grpc::health::v1::Health::Stub& HealthStubFor(int slot) {
    return *stubs[slot % stubs.size()].health;
  }
  grpc::CompletionQueue* QueueFor(int slot) { return queues[slot % queues.size()].get(); }
  std::function<void(const v1::PaymentInstrument&)> KeepInstrumentId(int slot) {
    if (config.ids_out.empty()) return nullptr;
    return
        [this, slot](const v1::PaymentInstrument& r) { slots[slot].created_ids.push_back(r.id()); };
  }
};

// Takes completions off `queue` until it is shut down and drained.
void Poll(grpc::CompletionQueue* queue) {
  void* tag = nullptr;
  bool ok = false;
  // A unary Finish always completes with ok = true; the call's status carries the outcome.
  while (queue->Next(&tag, &ok)) static_cast<AsyncCall*>(tag)->Complete();
}

StartCall MakeStarter(Load* load) {
  using Finish = std::function<void(grpc::StatusCode)>;
  if (load->config.op == "identities") {
    return [load](int slot, uint64_t n, Finish finish) {
      std::function<void(const v1::Identity&)> keep = [load, slot](const v1::Identity& r) {
        load->slots[slot].created_ids.push_back(r.id());
      };
      auto* call = new TypedCall<v1::CreateIdentityRequest, v1::Identity>(
          load->config, std::move(finish), std::move(keep));
      call->request() = IdentityCreateRequest(n * load->config.concurrency + slot);
      call->Start([&](auto* c, const auto& r,
                      auto* q) { return load->StubFor(slot).PrepareAsyncCreateIdentity(c, r, q); },
                  load->QueueFor(slot));
    };
  }
  if (load->config.op == "create") {
    return [load](int slot, uint64_t n, Finish finish) {
      auto* call = new TypedCall<v1::CreatePaymentInstrumentRequest, v1::PaymentInstrument>(
          load->config, std::move(finish), load->KeepInstrumentId(slot));
      call->request() = CardCreateRequest(OwnerFor(load->inputs, load->config.concurrency, slot, n),
                                          load->slots[slot].rng);
      call->Start(
          [&](auto* c, const auto& r, auto* q) {
            return load->StubFor(slot).PrepareAsyncCreatePaymentInstrument(c, r, q);
          },
          load->QueueFor(slot));
    };
  }
  if (load->config.op == "health") {
    return [load](int slot, uint64_t, Finish finish) {
      using grpc::health::v1::HealthCheckRequest;
      using grpc::health::v1::HealthCheckResponse;
      auto* call = new TypedCall<HealthCheckRequest, HealthCheckResponse>(
          load->config, std::move(finish), nullptr);
      call->Start([&](auto* c, const auto& r,
                      auto* q) { return load->HealthStubFor(slot).PrepareAsyncCheck(c, r, q); },
                  load->QueueFor(slot));
    };
  }
  return [load](int slot, uint64_t, Finish finish) {
    auto* call = new TypedCall<v1::GetPaymentInstrumentRequest, v1::PaymentInstrument>(
        load->config, std::move(finish), nullptr);
    const std::string& id = load->inputs[load->slots[slot].rng() % load->inputs.size()];
    call->request().set_name(absl::StrCat("paymentInstruments/", id));
    call->Start(
        [&](auto* c, const auto& r, auto* q) {
          return load->StubFor(slot).PrepareAsyncGetPaymentInstrument(c, r, q);
        },
        load->QueueFor(slot));
  };
}

int Main(const std::vector<std::string>& args) {
  // Debian's Abseil checks every Mutex acquisition for lock-order cycles (gRPC locks many per
  // call); a load generator only pays for that.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  absl::StatusOr<Config> config = ParseConfig(args);
  if (!config.ok()) {
    std::cerr << "pi_grpc_load: invalid settings:\n" << config.status().message();
    return 2;
  }
  // Leaked on purpose: calls still outstanding after a failed drain may touch it until exit.
  auto* load = new Load{*std::move(config)};
  const Config& c = load->config;
  if (c.op == "create") load->inputs = ReadLines(c.identities_file);
  if (c.op == "get") load->inputs = ReadLines(c.ids_file);
  if ((c.op == "create" || c.op == "get") && load->inputs.empty()) {
    std::cerr << "pi_grpc_load: no ids in " << (c.op == "create" ? c.identities_file : c.ids_file)
              << "\n";
    return 2;
  }
  load->stubs = Connect(c);
  std::vector<std::thread> pollers;
  for (int i = 0; i < c.threads; ++i) {
    load->queues.push_back(std::make_unique<grpc::CompletionQueue>());
    pollers.emplace_back(Poll, load->queues.back().get());
  }
  load->slots.resize(c.concurrency);
  std::random_device seed;
  for (SlotState& slot : load->slots) slot.rng.seed((uint64_t{seed()} << 32) | seed());

  ClosedLoopOptions options;
  options.concurrency = c.concurrency;
  options.warmup = c.warmup;
  options.measure = c.seconds;
  options.drain_timeout = c.deadline + absl::Seconds(5);
  if (c.op == "identities") {
    options.warmup = absl::ZeroDuration();
    options.max_calls = c.count;
  }
  ClosedLoopResult result = RunClosedLoop(options, MakeStarter(load));
  if (!result.drained) {
    std::cerr << "pi_grpc_load: calls still outstanding " << absl::FormatDuration(c.deadline)
              << " after the window\n";
    std::_Exit(1);
  }
  for (auto& queue : load->queues) queue->Shutdown();
  for (std::thread& poller : pollers) poller.join();

  if (!c.ids_out.empty()) {
    std::ofstream out(c.ids_out);
    for (const SlotState& slot : load->slots) {
      for (const std::string& id : slot.created_ids) out << id << "\n";
    }
  }
  nlohmann::json by_code = nlohmann::json::object();
  for (auto [code, count] : result.non_ok) by_code[StatusCodeName(code)] = count;
  double throughput = result.window_seconds > 0 ? result.ok_in_window / result.window_seconds : 0;
  nlohmann::json line = {
      {"op", c.op},
      {"path", "grpc"},
      {"concurrency", c.concurrency},
      {"channels", c.channels},
      {"threads", c.threads},
      {"window_s", result.window_seconds},
      {"ok", result.ok_in_window},
      {"throughput", throughput},
      {"p50_ms", result.QuantileMs(0.50)},
      {"p99_ms", result.QuantileMs(0.99)},
      {"calls", result.calls},
      {"non_ok", result.non_ok_total()},
      {"non_ok_by_code", by_code},
  };
  std::cout << line.dump() << std::endl;
  return result.non_ok_total() == 0 ? 0 : 1;
}

}  // namespace
}  // namespace pi::bench

int main(int argc, char** argv) {
  return pi::bench::Main(std::vector<std::string>(argv + 1, argv + argc));
}
