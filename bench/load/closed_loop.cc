#include "bench/load/closed_loop.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>

#include "absl/status/status.h"

namespace pi::bench {
namespace {

using Clock = std::chrono::steady_clock;

// A call that reports its end inline (on the stack that started it) would otherwise recurse once
// per call; past this depth the next start is handed to the engine's thread instead.
constexpr int kMaxInlineDepth = 64;
thread_local int inline_depth = 0;

struct Slot {
  int index = 0;
  uint64_t n = 0;
  Clock::time_point started;
  std::vector<uint32_t> latencies_us;
  int64_t ok_in_window = 0;
  int64_t calls = 0;
  std::map<grpc::StatusCode, int64_t> non_ok;
};

// Shared with every outstanding callback, so calls that outlive a drain timeout touch live memory.
class Engine : public std::enable_shared_from_this<Engine> {
 public:
  Engine(const ClosedLoopOptions& options, StartCall start)
      : options_(options), start_(std::move(start)), slots_(options.concurrency) {
    for (int i = 0; i < options.concurrency; ++i) slots_[i].index = i;
  }

  ClosedLoopResult Run() {
    Clock::time_point begin = Clock::now();
    if (options_.max_calls > 0) {
      window_start_ = begin;
      window_end_ = Clock::time_point::max();
    } else {
      window_start_ = begin + absl::ToChronoNanoseconds(options_.warmup);
      window_end_ = window_start_ + absl::ToChronoNanoseconds(options_.measure);
    }
    active_ = options_.concurrency;
    for (Slot& slot : slots_) Launch(slot);

    ClosedLoopResult result;
    std::unique_lock<std::mutex> lock(mu_);
    // Until every slot has retired: run the starts handed over by deep inline completions, and
    // give up waiting drain_timeout after the window (or, with max_calls, never).
    Clock::time_point give_up =
        options_.max_calls > 0 ? Clock::time_point::max()
                               : window_end_ + absl::ToChronoNanoseconds(options_.drain_timeout);
    while (active_ > 0) {
      if (!deferred_.empty()) {
        Slot* slot = deferred_.front();
        deferred_.pop_front();
        lock.unlock();
        Launch(*slot);
        lock.lock();
        continue;
      }
      if (give_up == Clock::time_point::max()) {
        cv_.wait(lock);
      } else if (cv_.wait_until(lock, give_up) == std::cv_status::timeout && active_ > 0 &&
                 deferred_.empty()) {
        result.drained = false;
        stop_ = true;
        return result;  // outstanding callbacks keep the engine alive and stop on their own
      }
    }
    Clock::time_point end = options_.max_calls > 0 ? last_finish_ : window_end_;
    result.window_seconds = std::chrono::duration<double>(end - window_start_).count();
    for (Slot& slot : slots_) {
      result.ok_in_window += slot.ok_in_window;
      result.calls += slot.calls;
      for (auto [code, count] : slot.non_ok) result.non_ok[code] += count;
      result.latencies_us.insert(result.latencies_us.end(), slot.latencies_us.begin(),
                                 slot.latencies_us.end());
    }
    std::sort(result.latencies_us.begin(), result.latencies_us.end());
    return result;
  }

 private:
  void Launch(Slot& slot) {
    // Deferred before counting: the engine's thread counts it when it really starts it.
    if (inline_depth >= kMaxInlineDepth) {
      std::lock_guard<std::mutex> lock(mu_);
      deferred_.push_back(&slot);
      cv_.notify_all();
      return;
    }
    if (stop_ || (options_.max_calls > 0 && started_.fetch_add(1) >= options_.max_calls)) {
      return Retire();
    }
    ++inline_depth;
    slot.started = Clock::now();
    start_(slot.index, slot.n++, [self = shared_from_this(), &slot](grpc::StatusCode code) {
      self->Finished(slot, code);
    });
    --inline_depth;
  }

  void Finished(Slot& slot, grpc::StatusCode code) {
    Clock::time_point end = Clock::now();
    ++slot.calls;
    if (code != grpc::StatusCode::OK) {
      ++slot.non_ok[code];
    } else if (end >= window_start_ && end < window_end_) {
      ++slot.ok_in_window;
      slot.latencies_us.push_back(static_cast<uint32_t>(
          std::chrono::duration_cast<std::chrono::microseconds>(end - slot.started).count()));
    }
    if (end >= window_end_) return Retire();
    Launch(slot);
  }

  void Retire() {
    std::lock_guard<std::mutex> lock(mu_);
    last_finish_ = std::max(last_finish_, Clock::now());
    if (--active_ == 0) cv_.notify_all();
  }

  const ClosedLoopOptions options_;
  const StartCall start_;
  std::vector<Slot> slots_;
  Clock::time_point window_start_;
  Clock::time_point window_end_;
  std::atomic<int64_t> started_{0};
  std::atomic<bool> stop_{false};

  std::mutex mu_;
  std::condition_variable cv_;
  int active_ = 0;
  std::deque<Slot*> deferred_;
  Clock::time_point last_finish_;
};

}  // namespace

double ClosedLoopResult::QuantileMs(double q) const {
  if (latencies_us.empty()) return 0;
  size_t i = static_cast<size_t>(q * static_cast<double>(latencies_us.size() - 1) + 0.5);
  return latencies_us[std::min(i, latencies_us.size() - 1)] / 1000.0;
}

int64_t ClosedLoopResult::non_ok_total() const {
  int64_t total = 0;
  for (auto [code, count] : non_ok) total += count;
  return total;
}

ClosedLoopResult RunClosedLoop(const ClosedLoopOptions& options, const StartCall& start) {
  return std::make_shared<Engine>(options, start)->Run();
}

std::string StatusCodeName(grpc::StatusCode code) {
  // gRPC's codes and Abseil's are the same numbers with the same names.
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

}  // namespace pi::bench
