// Re-encryption throughput against a real PostgreSQL: rows per second moved from one data key to
// the next by admin::ReencryptApplication (batches of 500, one transaction each). Needs a
// database: run it through bench/reencrypt.sh, which starts a throwaway cluster (fsync off:
// this measures the re-encryption path, not the disk).
//   PI_BENCH_DATABASE_URL=... build/bench/bench_reencrypt
#include <cstdlib>
#include <future>

#include <pqxx/pqxx>

#include <benchmark/benchmark.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/instruments/admin/key_rotation.h"
#include "services/instruments/crypto/fingerprinter.h"
#include "services/instruments/crypto/key_manager.h"
#include "services/instruments/crypto/random_id_generator.h"
#include "services/instruments/domain/instrument_service.h"
#include "services/instruments/storage/migrator.h"
#include "services/instruments/storage/pg_admin_store.h"
#include "services/instruments/storage/pg_audit_log.h"
#include "services/instruments/storage/pg_data_key_repository.h"
#include "services/instruments/storage/pg_instrument_repository.h"

namespace pi::instruments {
namespace {

void BM_ReencryptRows(benchmark::State& state) {
  const char* url_env = std::getenv("PI_BENCH_DATABASE_URL");
  if (url_env == nullptr) {
    state.SkipWithError("set PI_BENCH_DATABASE_URL (bench/reencrypt.sh does)");
    return;
  }
  std::string url = url_env;
  if (!storage::ApplyMigrations(url, PI_SOURCE_DIR "/db/migrations").ok()) {
    state.SkipWithError("migrations failed");
    return;
  }
  const int rows = static_cast<int>(state.range(0));
  crypto::KeyRing ring = *crypto::KeyRing::Parse(
      absl::StrCat("1 ", absl::Base64Escape(std::string(32, 'a')), "\nfingerprint ",
                   absl::Base64Escape(std::string(32, 'f')), "\n"));
  crypto::FileKeyProvider provider(ring);
  std::vector<storage::PreparedStatement> statements = storage::PgInstrumentRepository::Statements();
  for (auto& s : storage::PgDataKeyRepository::Statements()) statements.push_back(s);
  for (auto& s : storage::PgAuditLog::Statements()) statements.push_back(s);
  storage::PgWorkerPool pool({url, 4, 100000, statements});
  storage::PgInstrumentRepository repository(pool);
  storage::PgDataKeyRepository data_keys(pool);
  crypto::KeyManager manager(provider, data_keys, {});
  crypto::Fingerprinter fingerprinter(ring.fingerprint_master_key());
  crypto::RandomIdGenerator ids;
  domain::BinTable bins;
  domain::SandboxVerifier verifier;
  storage::PgAuditLog audit(pool);
  domain::InstrumentService service({repository, manager, manager, audit, fingerprinter, ids,
                                     bins, verifier, [] { return absl::Now(); }});

  for (auto _ : state) {
    state.PauseTiming();
    std::string app = ids.NewId("AP");
    storage::CreateApplication(url, {app, "bench", rows},
                               {ids.NewId("US"), app, domain::CredentialKind::kBasic,
                                domain::Role::kMerchant, std::string(32, 'h')})
        .IgnoreError();
    {
      pqxx::connection c(url);
      pqxx::work txn(c);
      txn.exec_params("INSERT INTO identities (application_id, id, created_at, updated_at) "
                      "VALUES ($1, 'IDbench', now(), now())",
                      app);
      txn.commit();
    }
    std::vector<std::future<void>> created;
    for (int i = 0; i < rows; ++i) {
      auto done = std::make_shared<std::promise<void>>();
      created.push_back(done->get_future());
      domain::NewCard card;
      card.identity_id = "IDbench";
      card.number = common::Secret(std::string("4111111111111111"));
      card.expiration_month = 12;
      card.expiration_year = 2040;
      service.CreateCard({app, "USbench", domain::Role::kMerchant, "", ""}, std::move(card),
                         [done](absl::StatusOr<domain::Instrument>) { done->set_value(); });
    }
    for (auto& f : created) f.wait();
    auto admin = *storage::PgKeyAdmin::Connect(url);
    admin::RotateDataKey(*admin, provider, app).IgnoreError();
    state.ResumeTiming();
    absl::StatusOr<admin::ReencryptResult> result =
        admin::ReencryptApplication(*admin, provider, app, 500, nullptr);
    if (!result.ok() || result->rows != rows) {
      state.SkipWithError("re-encryption failed");
      break;
    }
  }
  state.counters["rows_per_second"] =
      benchmark::Counter(static_cast<double>(rows) * state.iterations(),
                         benchmark::Counter::kIsRate);
  pool.Stop();
}
BENCHMARK(BM_ReencryptRows)->Arg(20000)->Iterations(1)->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace pi::instruments

BENCHMARK_MAIN();
