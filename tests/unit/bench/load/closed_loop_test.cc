#include "bench/load/closed_loop.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace pi::bench {
namespace {

// Finishes calls on a thread of its own, in order, as a gRPC completion queue would.
class ThreadedStarter {
 public:
  explicit ThreadedStarter(std::function<grpc::StatusCode(int slot, uint64_t n)> code)
      : code_(std::move(code)), thread_([this] { Run(); }) {}
  ~ThreadedStarter() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
    }
    cv_.notify_one();
    thread_.join();
  }

  StartCall starter() {
    return [this](int slot, uint64_t n, std::function<void(grpc::StatusCode)> finish) {
      grpc::StatusCode code = code_(slot, n);
      {
        std::lock_guard<std::mutex> lock(mu_);
        pending_.push_back([code, finish = std::move(finish)] { finish(code); });
      }
      cv_.notify_one();
    };
  }

 private:
  void Run() {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      cv_.wait(lock, [this] { return done_ || !pending_.empty(); });
      if (pending_.empty()) return;
      std::function<void()> next = std::move(pending_.front());
      pending_.pop_front();
      lock.unlock();
      next();
      lock.lock();
    }
  }

  std::function<grpc::StatusCode(int, uint64_t)> code_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> pending_;
  bool done_ = false;
  std::thread thread_;
};

TEST(ClosedLoopTest, CountsEveryNonOkReplyByCode) {
  ThreadedStarter calls([](int slot, uint64_t n) {
    if (n % 5 == 4) return grpc::StatusCode::UNAVAILABLE;
    if (slot == 1 && n == 2) return grpc::StatusCode::DEADLINE_EXCEEDED;
    return grpc::StatusCode::OK;
  });
  ClosedLoopOptions options;
  options.concurrency = 3;
  options.max_calls = 300;
  ClosedLoopResult result = RunClosedLoop(options, calls.starter());

  EXPECT_TRUE(result.drained);
  EXPECT_EQ(result.calls, 300);
  EXPECT_EQ(result.non_ok_total(), result.calls - result.ok_in_window);
  EXPECT_EQ(result.non_ok[grpc::StatusCode::DEADLINE_EXCEEDED], 1);
  EXPECT_GT(result.non_ok[grpc::StatusCode::UNAVAILABLE], 50);
  EXPECT_EQ(result.latencies_us.size(), static_cast<size_t>(result.ok_in_window));
}

TEST(ClosedLoopTest, KeepsOneCallOutstandingPerSlot) {
  std::vector<std::atomic<int>> in_flight(4);
  std::atomic<bool> overlapped{false};
  ThreadedStarter completer([](int, uint64_t) { return grpc::StatusCode::OK; });
  StartCall complete = completer.starter();
  StartCall start = [&](int slot, uint64_t n, std::function<void(grpc::StatusCode)> finish) {
    if (in_flight[slot].fetch_add(1) != 0) overlapped = true;
    complete(slot, n, [&, slot, finish = std::move(finish)](grpc::StatusCode code) {
      in_flight[slot].fetch_sub(1);
      finish(code);
    });
  };
  ClosedLoopOptions options;
  options.concurrency = 4;
  options.max_calls = 400;
  ClosedLoopResult result = RunClosedLoop(options, start);

  EXPECT_FALSE(overlapped);
  EXPECT_EQ(result.calls, 400);
  EXPECT_EQ(result.ok_in_window, 400);
}

// A call that reports its end before its start returns must not grow the stack per call.
TEST(ClosedLoopTest, SurvivesCallsThatFinishInline) {
  StartCall start = [](int, uint64_t, std::function<void(grpc::StatusCode)> finish) {
    finish(grpc::StatusCode::OK);
  };
  ClosedLoopOptions options;
  options.concurrency = 2;
  options.max_calls = 200000;
  ClosedLoopResult result = RunClosedLoop(options, start);
  EXPECT_EQ(result.calls, 200000);
  EXPECT_EQ(result.non_ok_total(), 0);
}

TEST(ClosedLoopTest, MeasuresOnlyTheWindowButChecksWarmUpReplies) {
  // Fails only the very first call, which finishes during the warm-up.
  ThreadedStarter calls([](int slot, uint64_t n) {
    return slot == 0 && n == 0 ? grpc::StatusCode::INTERNAL : grpc::StatusCode::OK;
  });
  ClosedLoopOptions options;
  options.concurrency = 2;
  options.warmup = absl::Milliseconds(200);
  options.measure = absl::Milliseconds(100);
  ClosedLoopResult result = RunClosedLoop(options, calls.starter());

  EXPECT_TRUE(result.drained);
  EXPECT_EQ(result.non_ok[grpc::StatusCode::INTERNAL], 1);
  EXPECT_LT(result.ok_in_window, result.calls - 1);  // warm-up calls are not measured
  EXPECT_DOUBLE_EQ(result.window_seconds, 0.1);
}

TEST(ClosedLoopResultTest, QuantilesComeFromTheSortedLatencies) {
  ClosedLoopResult result;
  for (uint32_t us = 1000; us <= 100000; us += 1000) result.latencies_us.push_back(us);
  EXPECT_DOUBLE_EQ(result.QuantileMs(0.5), 51.0);
  EXPECT_DOUBLE_EQ(result.QuantileMs(0.99), 99.0);
  EXPECT_DOUBLE_EQ(ClosedLoopResult().QuantileMs(0.5), 0.0);
}

TEST(StatusCodeNameTest, UsesGrpcNames) {
  EXPECT_EQ(StatusCodeName(grpc::StatusCode::UNAVAILABLE), "UNAVAILABLE");
  EXPECT_EQ(StatusCodeName(grpc::StatusCode::DEADLINE_EXCEEDED), "DEADLINE_EXCEEDED");
}

}  // namespace
}  // namespace pi::bench
