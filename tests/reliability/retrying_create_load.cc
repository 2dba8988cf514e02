#include "tests/reliability/retrying_create_load.h"

#include <grpcpp/alarm.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/reliability/card_requests.h"

namespace pi::reliability {

bool OutcomeUnknown(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::CANCELLED:
    case grpc::StatusCode::UNKNOWN:
    case grpc::StatusCode::INTERNAL:
    case grpc::StatusCode::ABORTED:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return true;
    default:
      return false;
  }
}

std::string CodeName(grpc::StatusCode code) {
  static constexpr const char* kNames[] = {"OK",
                                           "CANCELLED",
                                           "UNKNOWN",
                                           "INVALID_ARGUMENT",
                                           "DEADLINE_EXCEEDED",
                                           "NOT_FOUND",
                                           "ALREADY_EXISTS",
                                           "PERMISSION_DENIED",
                                           "RESOURCE_EXHAUSTED",
                                           "FAILED_PRECONDITION",
                                           "ABORTED",
                                           "OUT_OF_RANGE",
                                           "UNIMPLEMENTED",
                                           "INTERNAL",
                                           "UNAVAILABLE",
                                           "DATA_LOSS",
                                           "UNAUTHENTICATED"};
  auto n = static_cast<size_t>(code);
  return n < std::size(kNames) ? kNames[n] : absl::StrCat("CODE_", n);
}

// Something the completion queue hands back; deletes itself in Done().
class RetryingCreateLoad::Tag {
 public:
  virtual ~Tag() = default;
  virtual void Done() = 0;
};

class RetryingCreateLoad::Call final : public Tag {
 public:
  Call(RetryingCreateLoad* load, int slot, size_t record)
      : load_(load), slot_(slot), record_(record) {}
  void Done() override {
    load_->OnReply(slot_, record_, status_, response_.id());
    delete this;
  }

  grpc::ClientContext context_;
  v1::PaymentInstrument response_;
  grpc::Status status_;
  std::unique_ptr<grpc::ClientAsyncResponseReader<v1::PaymentInstrument>> reader_;

 private:
  RetryingCreateLoad* load_;
  int slot_;
  size_t record_;
};

class RetryingCreateLoad::Pause final : public Tag {
 public:
  Pause(RetryingCreateLoad* load, int slot, size_t record)
      : load_(load), slot_(slot), record_(record) {}
  void Done() override {
    load_->Send(slot_, record_);
    delete this;
  }
  grpc::Alarm alarm_;

 private:
  RetryingCreateLoad* load_;
  int slot_;
  size_t record_;
};

RetryingCreateLoad::RetryingCreateLoad(CreateLoadOptions options) : options_(std::move(options)) {
  // Reconnect soon after pi-server comes back: gRPC's default backoff grows to two minutes.
  grpc::ChannelArguments arguments;
  arguments.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  arguments.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  arguments.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 500);
  arguments.SetInt(GRPC_ARG_ENABLE_RETRIES, 0);  // every attempt is ours, and counted
  stub_ = v1::PaymentInstrumentService::NewStub(
      grpc::CreateCustomChannel(options_.target, grpc::InsecureChannelCredentials(), arguments));
}

RetryingCreateLoad::~RetryingCreateLoad() {
  if (poller_.joinable()) Finish(absl::ZeroDuration());
}

void RetryingCreateLoad::Start() {
  poller_ = std::thread([this] { Poll(); });
  {
    std::lock_guard<std::mutex> lock(mu_);
    active_slots_ = options_.concurrency;
  }
  for (int slot = 0; slot < options_.concurrency; ++slot) StartNext(slot);
}

bool RetryingCreateLoad::Finish(absl::Duration settle_timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  stopping_ = true;
  bool settled = slots_done_.wait_for(lock, absl::ToChronoMilliseconds(settle_timeout),
                                      [this] { return active_slots_ == 0; });
  if (!settled) {
    abandoning_ = true;
    // Each slot ends after its current call or pause, which the deadline bounds.
    slots_done_.wait(lock, [this] { return active_slots_ == 0; });
  }
  lock.unlock();
  queue_.Shutdown();
  if (poller_.joinable()) poller_.join();
  return settled;
}

CreateLoadStats RetryingCreateLoad::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

void RetryingCreateLoad::StartNext(int slot) {
  size_t record = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) {
      if (--active_slots_ == 0) slots_done_.notify_all();
      return;
    }
    record = records_.size();
    KeyRecord r;
    r.n = record;
    r.key = absl::StrCat(options_.key_prefix, "-", record);
    r.identity = options_.identities[record % options_.identities.size()];
    records_.push_back(std::move(r));
    ++stats_.started_keys;
  }
  Send(slot, record);
}

void RetryingCreateLoad::Send(int slot, size_t record) {
  auto* call = new Call(this, slot, record);
  v1::CreatePaymentInstrumentRequest request;
  {
    std::lock_guard<std::mutex> lock(mu_);
    KeyRecord& r = records_[record];
    if (r.attempts++ > 0) ++stats_.retries;
    request = NumberedCardCreate(r.identity, r.n);
    call->context_.AddMetadata("idempotency-key", r.key);
  }
  call->context_.AddMetadata("authorization", options_.authorization);
  call->context_.set_deadline(std::chrono::system_clock::now() +
                              absl::ToChronoMilliseconds(options_.deadline));
  call->reader_ = stub_->PrepareAsyncCreatePaymentInstrument(&call->context_, request, &queue_);
  call->reader_->StartCall();
  call->reader_->Finish(&call->response_, &call->status_, static_cast<Tag*>(call));
}

void RetryingCreateLoad::OnReply(int slot, size_t record, const grpc::Status& status,
                                 const std::string& id) {
  bool retry = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    KeyRecord& r = records_[record];
    if (status.ok()) {
      if (r.acknowledged_id.empty()) {
        r.acknowledged_id = id;
        ++stats_.acknowledged;
      } else if (r.acknowledged_id != id) {
        r.conflicting_id = id;
      }
    } else if (OutcomeUnknown(status.error_code())) {
      ++stats_.failures_by_code[status.error_code()];
      retry = true;
    } else {
      r.refused = status.error_code();
      r.refusal_message = status.error_message();
      ++stats_.refused;
    }
    if (retry && abandoning_) {
      if (--active_slots_ == 0) slots_done_.notify_all();
      return;
    }
  }
  if (!retry) return StartNext(slot);
  auto* pause = new Pause(this, slot, record);
  pause->alarm_.Set(
      &queue_, std::chrono::system_clock::now() + absl::ToChronoMilliseconds(options_.retry_pause),
      static_cast<Tag*>(pause));
}

void RetryingCreateLoad::Poll() {
  void* tag = nullptr;
  bool ok = false;
  while (queue_.Next(&tag, &ok)) static_cast<Tag*>(tag)->Done();
}

}  // namespace pi::reliability
