// Keeps pi-server's caches fresh across replicas: a thread holds its own connection LISTENing on
// each subscription's channel and hands every notification's payload (the changed row's id) to
// that subscription. Migrations 0009 (`credentials_changed`) and 0010 (`instruments_changed`)
// notify when such a row changes, as the change commits.
//
// The caches may only be used while no notification can be missed, so `set_enabled(true)` runs
// once LISTEN is in force on a connection, and `set_enabled(false)` as soon as that connection is
// lost (the caches then forget everything and are bypassed until the next `set_enabled(true)`).
// Reconnects after a second. Stops, and runs `set_enabled(false)`, in the destructor, within
// `poll`.
#ifndef PI_SERVICES_INSTRUMENTS_STORAGE_PG_CHANGE_LISTENER_H_
#define PI_SERVICES_INSTRUMENTS_STORAGE_PG_CHANGE_LISTENER_H_

#include <atomic>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/time.h"

namespace pi::instruments::storage {

struct ChangeSubscription {
  std::string channel;
  // Runs on the listener's thread with the notification's payload.
  std::function<void(const std::string& payload)> changed;
};

class PgChangeListener {
 public:
  PgChangeListener(std::string conninfo, std::vector<ChangeSubscription> subscriptions,
                   std::function<void(bool)> set_enabled,
                   absl::Duration poll = absl::Milliseconds(250));
  ~PgChangeListener();

  // True while listening (and the caches enabled).
  bool listening() const { return listening_.load(); }

 private:
  void Run();

  const std::string conninfo_;
  const std::vector<ChangeSubscription> subscriptions_;
  const std::function<void(bool)> set_enabled_;
  const absl::Duration poll_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> listening_{false};
  std::thread thread_;
};

}  // namespace pi::instruments::storage

#endif  // PI_SERVICES_INSTRUMENTS_STORAGE_PG_CHANGE_LISTENER_H_
