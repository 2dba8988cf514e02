#include "services/instruments/storage/pg_worker_pool.h"

#include "absl/time/clock.h"
#include "services/common/json_log.h"

namespace pi::instruments::storage {
namespace {

// After a refused connection, jobs fail fast for this long before the next attempt.
constexpr absl::Duration kReconnectBackoff = absl::Milliseconds(250);

}  // namespace

PgWorkerPool::PgWorkerPool(Options options) : options_(std::move(options)) {
  threads_.reserve(options_.workers);
  for (int i = 0; i < options_.workers; ++i) threads_.emplace_back([this] { WorkerLoop(); });
}

PgWorkerPool::~PgWorkerPool() { Stop(); }

void PgWorkerPool::Submit(Job job) {
  absl::Status rejected;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) {
      rejected = absl::UnavailableError("the server is shutting down");
    } else if (queue_.size() >= options_.queue_capacity) {
      rejected = absl::ResourceExhaustedError("too many requests waiting for the database");
    } else {
      queue_.push_back(std::move(job));
    }
  }
  if (!rejected.ok()) {
    std::move(job)(rejected);
    return;
  }
  cv_.notify_one();
}

void PgWorkerPool::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

size_t PgWorkerPool::queued() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.size();
}

absl::StatusOr<PgSession*> PgWorkerPool::EnsureConnected(PgSession& session) {
  if (session.connection_ && !session.broken_ && session.connection_->is_open()) return &session;
  session.connection_.reset();
  session.broken_ = false;
  absl::Time now = absl::Now();
  if (now - session.last_failed_connect_ < kReconnectBackoff) {
    return absl::UnavailableError("the database is unreachable");
  }
  try {
    auto connection = std::make_unique<pqxx::connection>(options_.conninfo);
    for (const PreparedStatement& s : options_.statements) connection->prepare(s.name, s.sql);
    session.connection_ = std::move(connection);
    return &session;
  } catch (const std::exception& e) {
    session.last_failed_connect_ = now;
    connection_failures_.fetch_add(1, std::memory_order_relaxed);
    // libpq's message names host and port, never the password.
    common::LogJson("warn", "database connection failed", {{"error", e.what()}});
    return absl::UnavailableError("the database is unreachable");
  }
}

void PgWorkerPool::WorkerLoop() {
  PgSession session;
  for (;;) {
    Job job;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    busy_.fetch_add(1, std::memory_order_relaxed);
    std::move(job)(EnsureConnected(session));
    busy_.fetch_sub(1, std::memory_order_relaxed);
  }
}

}  // namespace pi::instruments::storage
