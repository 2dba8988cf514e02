// PostgreSQL implementation of domain::InstrumentRepository. All SQL for payment_instruments
// lives in the .cc, prepared on every pool connection (see Statements(); the pool must also
// prepare PgAuditLog::Statements()). Inserts are group-committed by a PgCreateBatcher: concurrent
// creates share one transaction and one COMMIT, each keeping its own outcome. Thread-safe.
#ifndef PI_SERVICES_INSTRUMENTS_STORAGE_PG_INSTRUMENT_REPOSITORY_H_
#define PI_SERVICES_INSTRUMENTS_STORAGE_PG_INSTRUMENT_REPOSITORY_H_

#include <vector>

#include "services/instruments/domain/ports.h"
#include "services/instruments/storage/pg_create_batcher.h"
#include "services/instruments/storage/pg_worker_pool.h"

namespace pi::instruments::storage {

class PgInstrumentRepository : public domain::InstrumentRepository {
 public:
  // The statements the pool must prepare for this repository.
  static std::vector<PreparedStatement> Statements();

  // `pool` must outlive the repository and prepare Statements().
  explicit PgInstrumentRepository(PgWorkerPool& pool, PgCreateBatcher::Options batching = {})
      : pool_(pool), creates_(pool, batching) {}

  void Insert(domain::InstrumentRecord record, InsertDone done) override;
  void Find(std::string application_id, std::string id, FindDone done) override;
  void List(std::string application_id, domain::InstrumentQuery query, ListDone done) override;
  void Update(std::string application_id, std::string id, Mutation mutate,
              domain::AuditEvent audit, FindDone done) override;
  void FindSealed(std::string application_id, std::string id, FindSealedDone done) override;

  // How inserts were grouped so far (for metrics and tests).
  PgCreateBatcher::Stats create_batch_stats() const { return creates_.stats(); }

 private:
  PgWorkerPool& pool_;
  PgCreateBatcher creates_;
};

}  // namespace pi::instruments::storage

#endif  // PI_SERVICES_INSTRUMENTS_STORAGE_PG_INSTRUMENT_REPOSITORY_H_
