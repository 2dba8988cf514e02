#include "services/instruments/storage/pg_credential_listener.h"

#include <memory>

#include <pqxx/pqxx>

#include "absl/time/clock.h"
#include "services/common/json_log.h"

namespace pi::instruments::storage {
namespace {

constexpr char kChannel[] = "credentials_changed";
constexpr absl::Duration kReconnectBackoff = absl::Seconds(1);

class Evictor : public pqxx::notification_receiver {
 public:
  Evictor(pqxx::connection_base& c, domain::CachingCredentialStore& cache)
      : pqxx::notification_receiver(c, kChannel), cache_(cache) {}
  void operator()(const std::string& payload, int /*backend_pid*/) override {
    cache_.Evict(payload);
  }

 private:
  domain::CachingCredentialStore& cache_;
};

}  // namespace

PgCredentialListener::PgCredentialListener(std::string conninfo,
                                           domain::CachingCredentialStore& cache,
                                           absl::Duration poll)
    : conninfo_(std::move(conninfo)), cache_(cache), poll_(poll) {
  thread_ = std::thread([this] { Run(); });
}

PgCredentialListener::~PgCredentialListener() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  cache_.SetEnabled(false);
}

void PgCredentialListener::Run() {
  const long poll_us = static_cast<long>(absl::ToInt64Microseconds(poll_));
  while (!stop_) {
    try {
      pqxx::connection connection(conninfo_);
      Evictor evictor(connection, cache_);  // issues LISTEN
      // A LISTEN is only in force once a command has completed on the connection.
      connection.get_notifs();
      cache_.SetEnabled(true);
      listening_ = true;
      while (!stop_) connection.await_notification(poll_us / 1000000, poll_us % 1000000);
    } catch (const std::exception& e) {
      if (listening_) {
        common::LogJson("warn", "credential cache disabled: notification connection lost");
      }
    }
    listening_ = false;
    cache_.SetEnabled(false);
    for (absl::Time until = absl::Now() + kReconnectBackoff; !stop_ && absl::Now() < until;) {
      absl::SleepFor(absl::Milliseconds(50));
    }
  }
}

}  // namespace pi::instruments::storage
