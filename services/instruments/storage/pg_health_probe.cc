#include "services/instruments/storage/pg_health_probe.h"

#include <chrono>
#include <memory>
#include <optional>

#include <pqxx/pqxx>

namespace pi::instruments::storage {

PgHealthProbe::PgHealthProbe(std::string conninfo, absl::Duration interval,
                             std::function<void(bool)> on_change)
    : conninfo_(std::move(conninfo)), interval_(interval), on_change_(std::move(on_change)) {
  thread_ = std::thread([this] { Loop(); });
}

PgHealthProbe::~PgHealthProbe() { Stop(); }

void PgHealthProbe::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void PgHealthProbe::Loop() {
  std::unique_ptr<pqxx::connection> connection;
  std::optional<bool> last;
  for (;;) {
    bool reachable = false;
    try {
      if (!connection || !connection->is_open()) {
        connection = std::make_unique<pqxx::connection>(conninfo_);
      }
      pqxx::nontransaction txn(*connection);
      txn.exec("SELECT 1");
      reachable = true;
    } catch (const std::exception&) {
      connection.reset();
    }
    if (!last || *last != reachable) {
      last = reachable;
      on_change_(reachable);
    }
    std::unique_lock<std::mutex> lock(mu_);
    if (cv_.wait_for(lock, absl::ToChronoMilliseconds(interval_), [this] { return stopping_; })) {
      return;
    }
  }
}

}  // namespace pi::instruments::storage
