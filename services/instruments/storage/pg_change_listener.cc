#include "services/instruments/storage/pg_change_listener.h"

#include <list>

#include <pqxx/pqxx>

#include "absl/time/clock.h"
#include "services/common/json_log.h"

namespace pi::instruments::storage {
namespace {

constexpr absl::Duration kReconnectBackoff = absl::Seconds(1);

class Receiver : public pqxx::notification_receiver {
 public:
  Receiver(pqxx::connection_base& c, const ChangeSubscription& subscription)
      : pqxx::notification_receiver(c, subscription.channel), subscription_(subscription) {}
  void operator()(const std::string& payload, int /*backend_pid*/) override {
    subscription_.changed(payload);
  }

 private:
  const ChangeSubscription& subscription_;
};

}  // namespace

PgChangeListener::PgChangeListener(std::string conninfo,
                                   std::vector<ChangeSubscription> subscriptions,
                                   std::function<void(bool)> set_enabled, absl::Duration poll)
    : conninfo_(std::move(conninfo)),
      subscriptions_(std::move(subscriptions)),
      set_enabled_(std::move(set_enabled)),
      poll_(poll) {
  thread_ = std::thread([this] { Run(); });
}

PgChangeListener::~PgChangeListener() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  set_enabled_(false);
}

void PgChangeListener::Run() {
  const long poll_us = static_cast<long>(absl::ToInt64Microseconds(poll_));
  while (!stop_) {
    try {
      pqxx::connection connection(conninfo_);
      std::list<Receiver> receivers;  // each issues its LISTEN; not movable, hence a list
      for (const ChangeSubscription& s : subscriptions_) receivers.emplace_back(connection, s);
      // A LISTEN is only in force once a command has completed on the connection.
      connection.get_notifs();
      set_enabled_(true);
      listening_ = true;
      while (!stop_) connection.await_notification(poll_us / 1000000, poll_us % 1000000);
    } catch (const std::exception& e) {
      if (listening_) {
        common::LogJson("warn", "caches disabled: notification connection lost");
      }
    }
    listening_ = false;
    set_enabled_(false);
    for (absl::Time until = absl::Now() + kReconnectBackoff; !stop_ && absl::Now() < until;) {
      absl::SleepFor(absl::Milliseconds(50));
    }
  }
}

}  // namespace pi::instruments::storage
