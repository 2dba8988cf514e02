// A closed-loop load engine for asynchronous calls: `concurrency` slots, each with exactly one
// call outstanding; when a call finishes its slot starts the next. Runs a warm-up, then a
// measurement window, then lets the outstanding calls finish (they are not measured).
//
// Every finished call's code is counted, warm-up and drain included, so a run with any non-OK
// reply is visible. Only calls that finish inside the window count towards throughput and
// latency (from the moment the slot started the call to the moment it reported its code).
//
// The starter is called on the engine's thread for the first call of each slot and afterwards on
// the thread that reported the previous call's end. The calls of one
// slot never overlap, so per-slot state needs no lock.
#ifndef PI_BENCH_LOAD_CLOSED_LOOP_H_
#define PI_BENCH_LOAD_CLOSED_LOOP_H_

#include <grpcpp/support/status.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace pi::bench {

struct ClosedLoopOptions {
  int concurrency = 1;
  absl::Duration warmup = absl::Seconds(2);
  absl::Duration measure = absl::Seconds(10);
  // 0: no limit. Otherwise the run stops once this many calls have been started (for setup
  // runs with no warm-up; the window then ends when the last call finishes).
  int64_t max_calls = 0;
  // How long to wait for outstanding calls after the window (their deadline should be shorter).
  absl::Duration drain_timeout = absl::Seconds(30);
};

struct ClosedLoopResult {
  int64_t ok_in_window = 0;
  double window_seconds = 0;
  // Latencies of the window's OK calls, microseconds, sorted.
  std::vector<uint32_t> latencies_us;
  int64_t calls = 0;  // every finished call
  std::map<grpc::StatusCode, int64_t> non_ok;
  bool drained = true;  // false when calls were still outstanding after drain_timeout

  // The latency at quantile `q` (0..1) in milliseconds; 0 without samples.
  double QuantileMs(double q) const;
  int64_t non_ok_total() const;
};

// Starts call number `n` (0, 1, ...) of `slot`; must call `finish` exactly once, with the call's
// status code, from any thread.
using StartCall =
    std::function<void(int slot, uint64_t n, std::function<void(grpc::StatusCode)> finish)>;

ClosedLoopResult RunClosedLoop(const ClosedLoopOptions& options, const StartCall& start);

// The gRPC name of `code` ("UNAVAILABLE", ...).
std::string StatusCodeName(grpc::StatusCode code);

}  // namespace pi::bench

#endif  // PI_BENCH_LOAD_CLOSED_LOOP_H_
