// pi-server's metrics beyond the per-RPC ones (api/rpc_metrics.h), wired in main.cc:
//   pi_db_pool_workers, pi_db_pool_busy_workers, pi_db_pool_queued_jobs (read at each scrape),
//   pi_db_connection_failures_total;
//   pi_instrument_cache_hits_total, pi_instrument_cache_misses_total, pi_instrument_cache_entries,
//   pi_instrument_cache_bytes
//   (read at each scrape);
//   pi_sweep_runs_total, pi_sweep_failures_total, pi_sweep_deleted_total{kind},
//   pi_sweep_last_success_timestamp_seconds;
//   pi_kek_loaded{version} (this replica's key file), pi_kek_active_version, pi_kek_min_version,
//   pi_data_keys{state,kek_version}, pi_key_inventory_failures_total (from the database, see
//   storage/pg_key_inventory.h; main.cc reads it at start and every PI_SWEEP_INTERVAL).
// Thread-safe.
#ifndef PI_SERVICES_INSTRUMENTS_SERVER_METRICS_H_
#define PI_SERVICES_INSTRUMENTS_SERVER_METRICS_H_

#include <mutex>
#include <set>
#include <string>
#include <utility>

#include "absl/time/time.h"
#include "services/common/metrics.h"
#include "services/instruments/crypto/key_ring.h"
#include "services/instruments/domain/instrument_cache.h"
#include "services/instruments/storage/pg_key_inventory.h"
#include "services/instruments/storage/pg_token_repository.h"
#include "services/instruments/storage/pg_worker_pool.h"

namespace pi::instruments {

// Gauges read from `pool` at each scrape; `pool` must outlive the registry's last scrape.
void RegisterPoolMetrics(common::MetricsRegistry& registry, const storage::PgWorkerPool& pool);

// Read from `cache` at each scrape; `cache` must outlive the registry's last scrape.
void RegisterInstrumentCacheMetrics(common::MetricsRegistry& registry,
                                    const domain::CachingInstrumentRepository& cache);

class SweepMetrics {
 public:
  explicit SweepMetrics(common::MetricsRegistry& registry);
  void Succeeded(const storage::SweepResult& result, absl::Time now);
  void Failed();

 private:
  common::Counter& runs_;
  common::Counter& failures_;
  common::CounterFamily& deleted_;
  common::Gauge& last_success_;
};

class KeyMetrics {
 public:
  // Publishes the KEK versions in `ring` at once.
  KeyMetrics(common::MetricsRegistry& registry, const crypto::KeyRing& ring);
  void Update(const storage::KeyInventory& inventory);
  void Failed();

 private:
  common::Gauge& active_kek_;
  common::Gauge& min_kek_;
  common::GaugeFamily& data_keys_;
  common::Counter& failures_;
  std::mutex mu_;
  // Label pairs published so far: one that vanished (keys rewrapped) is set back to 0.
  std::set<std::pair<std::string, std::string>> published_;
};

}  // namespace pi::instruments

#endif  // PI_SERVICES_INSTRUMENTS_SERVER_METRICS_H_
