#include "services/common/periodic_task.h"

namespace pi::common {

PeriodicTask::PeriodicTask(absl::Duration interval, std::function<void()> task,
                           PeriodicTaskOptions options)
    : interval_(interval), task_(std::move(task)), options_(options) {
  thread_ = std::thread([this] {
    if (options_.run_at_start) task_();
    std::unique_lock<std::mutex> lock(mu_);
    while (!cv_.wait_for(lock, absl::ToChronoMilliseconds(interval_), [this] { return stopping_; })) {
      lock.unlock();
      task_();
      lock.lock();
    }
  });
}

PeriodicTask::~PeriodicTask() { Stop(); }

void PeriodicTask::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (options_.run_at_stop) task_();
}

}  // namespace pi::common
