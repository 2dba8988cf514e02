// Runs a function every `interval` on its own thread until Stop() (or destruction), which runs it
// once more last: for small background chores such as flushing counters.
#ifndef PI_SERVICES_COMMON_PERIODIC_TASK_H_
#define PI_SERVICES_COMMON_PERIODIC_TASK_H_

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "absl/time/time.h"

namespace pi::common {

class PeriodicTask {
 public:
  PeriodicTask(absl::Duration interval, std::function<void()> task);
  ~PeriodicTask();
  void Stop();

 private:
  const absl::Duration interval_;
  const std::function<void()> task_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace pi::common

#endif  // PI_SERVICES_COMMON_PERIODIC_TASK_H_
