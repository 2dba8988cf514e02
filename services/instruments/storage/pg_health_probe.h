// Watches database reachability from its own thread and connection: runs `SELECT 1` every
// `interval` and reports each change (and the first result) through `on_change`, called on the
// probe's thread. Stop() (or destruction) ends the thread within one interval.
#ifndef PI_SERVICES_INSTRUMENTS_STORAGE_PG_HEALTH_PROBE_H_
#define PI_SERVICES_INSTRUMENTS_STORAGE_PG_HEALTH_PROBE_H_

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "absl/time/time.h"

namespace pi::instruments::storage {

class PgHealthProbe {
 public:
  PgHealthProbe(std::string conninfo, absl::Duration interval,
                std::function<void(bool reachable)> on_change);
  ~PgHealthProbe();
  void Stop();

 private:
  void Loop();

  const std::string conninfo_;
  const absl::Duration interval_;
  const std::function<void(bool)> on_change_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace pi::instruments::storage

#endif  // PI_SERVICES_INSTRUMENTS_STORAGE_PG_HEALTH_PROBE_H_
