// Runs a function every `interval` on its own thread until Stop() (or destruction): for small
// background chores such as flushing counters, sweeping expired rows or refreshing metrics.
// By default the first run comes one interval after construction and Stop() runs the function
// once more last (so a flusher loses nothing); PeriodicTaskOptions changes both.
#ifndef PI_SERVICES_COMMON_PERIODIC_TASK_H_
#define PI_SERVICES_COMMON_PERIODIC_TASK_H_

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "absl/time/time.h"

namespace pi::common {

struct PeriodicTaskOptions {
  bool run_at_start = false;  // first run at once, on the task's thread
  bool run_at_stop = true;    // Stop() runs the function once more
};

class PeriodicTask {
 public:
  PeriodicTask(absl::Duration interval, std::function<void()> task,
               PeriodicTaskOptions options = {});
  ~PeriodicTask();
  // Waits for a run in progress to finish. Idempotent.
  void Stop();

 private:
  const absl::Duration interval_;
  const std::function<void()> task_;
  const PeriodicTaskOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace pi::common

#endif  // PI_SERVICES_COMMON_PERIODIC_TASK_H_
