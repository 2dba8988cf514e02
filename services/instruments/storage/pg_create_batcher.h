// Group commit for instrument creates: records that arrive while a batch is being written wait,
// and the next batch writes them all in one transaction with one durable COMMIT, through
// create_payment_instruments() (migration 0007), which gives each record its own subtransaction.
//
// - No timer: a record that arrives when fewer than `max_in_flight` batches run starts a batch at
//   once, so a lone create pays no extra latency. Under load, records gather while the running
//   batches execute and fsync their COMMIT, and batches grow by themselves.
// - Each record keeps its own outcome: a refused or failing record rolls back alone. A record
//   that lost a deadlock or serialization conflict is retried in a later batch (up to
//   `max_attempts` tries), then answered ABORTED.
// - `done` runs exactly once, on a pool worker, and only after the COMMIT returned: an OK reply
//   always means the row is durable. If the COMMIT's outcome is unknown (connection lost), every
//   record of the batch gets UNAVAILABLE; idempotency keys make the retries safe.
// Thread-safe. In-flight batches keep the batcher's state alive, so destroying the batcher while
// the pool still runs them is safe.
#ifndef PI_SERVICES_INSTRUMENTS_STORAGE_PG_CREATE_BATCHER_H_
#define PI_SERVICES_INSTRUMENTS_STORAGE_PG_CREATE_BATCHER_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "services/instruments/domain/ports.h"
#include "services/instruments/storage/pg_worker_pool.h"

namespace pi::instruments::storage {

class PgCreateBatcher {
 public:
  struct Options {
    // At most 64 (see migration 0007: subtransaction ids past 64 overflow every snapshot).
    int max_batch = 32;
    // Batches written at once, each on its own pool worker. One is the default: records gather
    // while it executes and waits for its COMMIT's fsync. Measured with bench/run, two or four
    // concurrent batches cost PostgreSQL 2-4x the CPU per create (they queue on each other's
    // locks) and raised p99 tenfold.
    int max_in_flight = 1;
    int max_attempts = 3;
  };
  struct Stats {
    uint64_t batches = 0;   // transactions run
    uint64_t records = 0;   // records written or refused in them (retries count again)
    int largest_batch = 0;
  };

  // The statement the pool must prepare.
  static PreparedStatement Statement();

  // `pool` must outlive every Add() call and prepare Statement().
  PgCreateBatcher(PgWorkerPool& pool, Options options);

  void Add(domain::InstrumentRecord record, domain::InstrumentRepository::InsertDone done);
  Stats stats() const;

 private:
  struct Core;
  std::shared_ptr<Core> core_;
};

}  // namespace pi::instruments::storage

#endif  // PI_SERVICES_INSTRUMENTS_STORAGE_PG_CREATE_BATCHER_H_
