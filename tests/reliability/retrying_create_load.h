// Keeps `concurrency` card creates in flight against pi-server (asynchronous completion-queue
// client, one polling thread), each under its own idempotency key, and keeps a ledger of what
// the server acknowledged: key -> instrument id.
//
// A create whose outcome the client cannot know (UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED,
// UNKNOWN, INTERNAL, ABORTED, RESOURCE_EXHAUSTED: the server died, the database went away, the
// key is still being written) is sent again after a pause, with the same key and the same bytes,
// until the server answers OK or refuses it. Every other code is a refusal and is recorded as
// such (a correct server refuses none of these requests). A slot stays with its key until the
// key is settled, so retries happen after recovery, whenever that is.
//
// Thread-safe: Start() and Finish() from one controlling thread; Snapshot() from any.
#ifndef PI_TESTS_RELIABILITY_RETRYING_CREATE_LOAD_H_
#define PI_TESTS_RELIABILITY_RETRYING_CREATE_LOAD_H_

#include <grpcpp/grpcpp.h>

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/time.h"
#include "payments/instruments/v1/payment_instrument_service.grpc.pb.h"

namespace pi::reliability {

namespace v1 = ::payments::instruments::v1;

struct CreateLoadOptions {
  std::string target;         // host:port of pi-server
  std::string authorization;  // the `authorization` metadata
  std::vector<std::string> identities;
  int concurrency = 16;
  std::string key_prefix = "crash";
  absl::Duration deadline = absl::Seconds(5);
  absl::Duration retry_pause = absl::Milliseconds(100);
};

// What happened to one idempotency key.
struct KeyRecord {
  uint64_t n = 0;  // the request number (card number n, see card_requests.h)
  std::string key;
  std::string identity;
  std::string acknowledged_id;  // set once the server answered OK
  // Set when a later OK for the same key named another instrument (must never happen).
  std::string conflicting_id;
  int attempts = 0;
  grpc::StatusCode refused = grpc::StatusCode::OK;  // a non-retryable answer
  std::string refusal_message;
  bool settled() const { return !acknowledged_id.empty() || refused != grpc::StatusCode::OK; }
};

struct CreateLoadStats {
  int64_t started_keys = 0;
  int64_t acknowledged = 0;
  int64_t refused = 0;
  int64_t retries = 0;                                   // attempts beyond each key's first
  std::map<grpc::StatusCode, int64_t> failures_by_code;  // failed attempts, retried
};

class RetryingCreateLoad {
 public:
  explicit RetryingCreateLoad(CreateLoadOptions options);
  ~RetryingCreateLoad();

  // Starts the slots; each takes new keys until Finish().
  void Start();
  // Stops taking new keys, waits up to `settle_timeout` for every started key to settle, and
  // stops the client. False when keys were still unsettled (they stay so in Records()).
  bool Finish(absl::Duration settle_timeout);

  CreateLoadStats Snapshot() const;
  // Every started key, by request number. Call after Finish().
  const std::vector<KeyRecord>& Records() const { return records_; }

 private:
  class Tag;
  class Call;
  class Pause;

  void StartNext(int slot);
  void Send(int slot, size_t record);
  void OnReply(int slot, size_t record, const grpc::Status& status, const std::string& id);
  void Poll();

  const CreateLoadOptions options_;
  std::unique_ptr<v1::PaymentInstrumentService::Stub> stub_;
  grpc::CompletionQueue queue_;
  std::thread poller_;
  mutable std::mutex mu_;
  std::condition_variable slots_done_;
  bool stopping_ = false;
  bool abandoning_ = false;  // past the settle timeout: slots end after their current call
  int active_slots_ = 0;
  std::vector<KeyRecord> records_;
  CreateLoadStats stats_;
};

// True for codes after which a create may or may not have been written.
bool OutcomeUnknown(grpc::StatusCode code);

// "UNAVAILABLE", "DEADLINE_EXCEEDED", ... ("CODE_<n>" for others).
std::string CodeName(grpc::StatusCode code);

}  // namespace pi::reliability

#endif  // PI_TESTS_RELIABILITY_RETRYING_CREATE_LOAD_H_
