#include "services/instruments/storage/pg_create_batcher.h"

#include <algorithm>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include <pqxx/pqxx>

#include "services/instruments/storage/pg_create_batch.h"
#include "services/instruments/storage/pg_errors.h"

namespace pi::instruments::storage {
namespace {

constexpr char kCreateBatch[] = "instrument_create_batch";
constexpr char kCreateBatchSql[] =
    "SELECT ordinal, outcome FROM create_payment_instruments($1::jsonb)";

struct Pending {
  domain::InstrumentRecord record;
  domain::InstrumentRepository::InsertDone done;
  int attempts = 0;
};

// The outcome of each record of `batch`, in order, after the transaction ended: the function's
// outcome strings when it committed, or one status for all when the transaction failed.
struct BatchResult {
  absl::Status transaction;
  std::vector<std::string> outcomes;
};

BatchResult WriteBatch(PgSession& session, const std::vector<Pending>& batch) {
  BatchResult result;
  result.outcomes.assign(batch.size(), "");
  // Elements that cannot be serialized (a string that is not UTF-8) are answered alone; the
  // array holds the others, with their positions remembered.
  std::string array = "[";
  std::vector<size_t> positions;
  for (size_t i = 0; i < batch.size(); ++i) {
    try {
      std::string element = CreateBatchElement(batch[i].record).dump();
      if (!positions.empty()) array += ',';
      array += element;
      positions.push_back(i);
    } catch (const nlohmann::json::exception&) {
      result.outcomes[i] = "NOT_UTF8";
    }
  }
  array += ']';
  if (positions.empty()) return result;
  // One statement is its own transaction: no BEGIN and COMMIT round trips. Its result is only
  // handed over once PostgreSQL reports the statement's transaction committed (ReadyForQuery
  // after a durable COMMIT); a COMMIT that fails, or a connection lost before then, is an error.
  result.transaction = RunPg(session, [&](pqxx::connection& c) {
    pqxx::nontransaction txn(c);
    pqxx::result rows = txn.exec_prepared(kCreateBatch, array);
    for (const pqxx::row& row : rows) {
      auto ordinal = row[0].as<size_t>();
      if (ordinal < positions.size()) result.outcomes[positions[ordinal]] = row[1].as<std::string>();
    }
    return absl::OkStatus();
  });
  return result;
}

}  // namespace

struct PgCreateBatcher::Core {
  Core(PgWorkerPool& worker_pool, Options requested) : pool(worker_pool), options(requested) {
    options.max_batch = std::clamp(requested.max_batch, 1, 64);
    options.max_in_flight = std::max(requested.max_in_flight, 1);
    options.max_attempts = std::max(requested.max_attempts, 1);
  }

  // A pool job: writes batches while records wait, then retires. Invariant (under mu): while
  // `pending` is not empty, `in_flight` > 0, so no record is left behind.
  static void Run(const std::shared_ptr<Core>& core, absl::StatusOr<PgSession*> session) {
    for (;;) {
      std::vector<Pending> batch = core->Take();
      if (batch.empty()) return;
      if (!session.ok()) {
        for (Pending& p : batch) std::move(p.done)(session.status());
        continue;
      }
      BatchResult result = WriteBatch(**session, batch);
      std::vector<Pending> retry;
      for (size_t i = 0; i < batch.size(); ++i) {
        Pending& p = batch[i];
        absl::Status status;
        if (!result.transaction.ok()) {
          status = result.transaction;
        } else if (result.outcomes[i] == "NOT_UTF8") {
          status = absl::InvalidArgumentError("a text field is not valid UTF-8");
        } else if (result.outcomes[i].empty()) {
          status = absl::InternalError("the database did not report the record's outcome");
        } else if (IsRetryableCreateOutcome(result.outcomes[i]) &&
                   p.attempts + 1 < core->options.max_attempts) {
          ++p.attempts;
          retry.push_back(std::move(p));
          continue;
        } else {
          status = StatusFromCreateOutcome(result.outcomes[i]);
        }
        std::move(p.done)(std::move(status));
      }
      if (!retry.empty()) core->Requeue(std::move(retry));
    }
  }

  // The next batch, or none (and this job retires) when nothing waits.
  std::vector<Pending> Take() {
    std::lock_guard<std::mutex> lock(mu);
    std::vector<Pending> batch;
    if (pending.empty()) {
      --in_flight;
      return batch;
    }
    size_t n = std::min(pending.size(), static_cast<size_t>(options.max_batch));
    batch.reserve(n);
    for (size_t i = 0; i < n; ++i) {
      batch.push_back(std::move(pending.front()));
      pending.pop_front();
    }
    ++stats.batches;
    stats.records += n;
    stats.largest_batch = std::max(stats.largest_batch, static_cast<int>(n));
    return batch;
  }

  void Requeue(std::vector<Pending> retry) {
    std::lock_guard<std::mutex> lock(mu);
    for (auto it = retry.rbegin(); it != retry.rend(); ++it) pending.push_front(std::move(*it));
  }

  PgWorkerPool& pool;
  Options options;
  mutable std::mutex mu;
  std::deque<Pending> pending;
  int in_flight = 0;
  Stats stats;
};

PreparedStatement PgCreateBatcher::Statement() { return {kCreateBatch, kCreateBatchSql}; }

PgCreateBatcher::PgCreateBatcher(PgWorkerPool& pool, Options options)
    : core_(std::make_shared<Core>(pool, options)) {}

void PgCreateBatcher::Add(domain::InstrumentRecord record,
                          domain::InstrumentRepository::InsertDone done) {
  bool start_job = false;
  {
    std::lock_guard<std::mutex> lock(core_->mu);
    core_->pending.push_back({std::move(record), std::move(done), 0});
    if (core_->in_flight < core_->options.max_in_flight) {
      ++core_->in_flight;
      start_job = true;
    }
  }
  if (start_job) {
    core_->pool.Submit([core = core_](absl::StatusOr<PgSession*> session) {
      Core::Run(core, std::move(session));
    });
  }
}

PgCreateBatcher::Stats PgCreateBatcher::stats() const {
  std::lock_guard<std::mutex> lock(core_->mu);
  return core_->stats;
}

}  // namespace pi::instruments::storage
