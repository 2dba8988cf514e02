// A bounded pool of database workers, each owning one libpqxx connection.
//
// Submit() never blocks: the job is queued, or run at once on the caller's thread with
// RESOURCE_EXHAUSTED (queue full) or UNAVAILABLE (pool stopping). Each job runs exactly once.
// A worker connects lazily, prepares every registered statement on each new connection, and
// after a broken connection reconnects on its next job; while the database refuses connections
// it fails jobs fast with UNAVAILABLE instead of retrying on every request.
// Thread-safe. Stop() drains queued jobs, then joins the workers.
#ifndef PI_SERVICES_INSTRUMENTS_STORAGE_PG_WORKER_POOL_H_
#define PI_SERVICES_INSTRUMENTS_STORAGE_PG_WORKER_POOL_H_

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <pqxx/pqxx>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace pi::instruments::storage {

struct PreparedStatement {
  std::string name;
  std::string sql;
};

// One worker's connection. Only the owning worker thread touches it.
class PgSession {
 public:
  pqxx::connection& connection() { return *connection_; }
  // Called when a libpqxx call reported a broken connection: the worker reconnects next time.
  void MarkBroken() { broken_ = true; }

 private:
  friend class PgWorkerPool;
  std::unique_ptr<pqxx::connection> connection_;
  bool broken_ = false;
  absl::Time last_failed_connect_ = absl::InfinitePast();
};

class PgWorkerPool {
 public:
  // The job gets the worker's session, or the reason no connection is available.
  using Job = absl::AnyInvocable<void(absl::StatusOr<PgSession*>) &&>;

  struct Options {
    std::string conninfo;
    int workers = 4;
    size_t queue_capacity = 4096;
    std::vector<PreparedStatement> statements;
  };

  explicit PgWorkerPool(Options options);
  ~PgWorkerPool();  // calls Stop()

  void Submit(Job job);
  void Stop();

  // Jobs waiting for a worker (for metrics and tests).
  size_t queued() const;
  // For metrics: the worker count, workers running a job now, failed connection attempts.
  int workers() const { return options_.workers; }
  int busy() const { return busy_.load(std::memory_order_relaxed); }
  uint64_t connection_failures() const {
    return connection_failures_.load(std::memory_order_relaxed);
  }

 private:
  void WorkerLoop();
  absl::StatusOr<PgSession*> EnsureConnected(PgSession& session);

  const Options options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
  std::atomic<int> busy_{0};
  std::atomic<uint64_t> connection_failures_{0};
};

}  // namespace pi::instruments::storage

#endif  // PI_SERVICES_INSTRUMENTS_STORAGE_PG_WORKER_POOL_H_
