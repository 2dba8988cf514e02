#include "services/instruments/server_metrics.h"

#include <map>

#include "absl/strings/str_cat.h"

namespace pi::instruments {

void RegisterPoolMetrics(common::MetricsRegistry& registry, const storage::PgWorkerPool& pool) {
  registry.AddGaugeCallback("pi_db_pool_workers",
                            "Database workers, each with one PostgreSQL connection.",
                            [&pool] { return pool.workers(); });
  registry.AddGaugeCallback("pi_db_pool_busy_workers", "Database workers running a job now.",
                            [&pool] { return pool.busy(); });
  registry.AddGaugeCallback("pi_db_pool_queued_jobs",
                            "Database jobs waiting for a worker (PI_DB_QUEUE bounds them).",
                            [&pool] { return static_cast<double>(pool.queued()); });
  registry.AddCounterCallback("pi_db_connection_failures_total",
                              "Failed attempts of database workers to connect.",
                              [&pool] { return static_cast<double>(pool.connection_failures()); });
}

void RegisterInstrumentCacheMetrics(common::MetricsRegistry& registry,
                                    const domain::CachingInstrumentRepository& cache) {
  registry.AddCounterCallback("pi_instrument_cache_hits_total",
                              "Instrument reads answered from memory.",
                              [&cache] { return static_cast<double>(cache.stats().hits); });
  registry.AddCounterCallback("pi_instrument_cache_misses_total",
                              "Instrument reads that went to PostgreSQL while the cache was on.",
                              [&cache] { return static_cast<double>(cache.stats().misses); });
  registry.AddGaugeCallback("pi_instrument_cache_entries",
                            "Masked instruments held in memory (0 while the change listener is "
                            "not listening).",
                            [&cache] { return static_cast<double>(cache.stats().entries); });
  registry.AddGaugeCallback("pi_instrument_cache_bytes",
                            "Memory charged to the instruments held, against "
                            "PI_INSTRUMENT_CACHE_MIB.",
                            [&cache] { return static_cast<double>(cache.stats().bytes); });
}

SweepMetrics::SweepMetrics(common::MetricsRegistry& registry)
    : runs_(registry
                .AddCounter("pi_sweep_runs_total",
                            "Runs of the sweeper of expired tokens and idempotency keys.")
                .Get()),
      failures_(registry.AddCounter("pi_sweep_failures_total", "Sweeper runs that failed.").Get()),
      deleted_(registry.AddCounter("pi_sweep_deleted_total",
                                   "Rows deleted (token_payload: payloads of expired tokens "
                                   "cleared) by the sweeper, by kind.",
                                   {"kind"})),
      last_success_(registry
                        .AddGauge("pi_sweep_last_success_timestamp_seconds",
                                  "Unix time of the last successful sweep.")
                        .Get()) {}

void SweepMetrics::Succeeded(const storage::SweepResult& result, absl::Time now) {
  runs_.Increment();
  deleted_.WithLabels({"token_payload"}).Increment(result.token_payloads_deleted);
  deleted_.WithLabels({"token"}).Increment(result.tokens_deleted);
  deleted_.WithLabels({"idempotency_key"}).Increment(result.idempotency_keys_deleted);
  last_success_.Set(absl::ToDoubleSeconds(now - absl::UnixEpoch()));
}

void SweepMetrics::Failed() {
  runs_.Increment();
  failures_.Increment();
}

KeyMetrics::KeyMetrics(common::MetricsRegistry& registry, const crypto::KeyRing& ring)
    : active_kek_(registry
                      .AddGauge("pi_kek_active_version",
                                "The KEK version that wraps new data keys (from the "
                                "database; 0 until first read).")
                      .Get()),
      min_kek_(registry
                   .AddGauge("pi_kek_min_version",
                             "The oldest KEK version still allowed to unwrap data keys.")
                   .Get()),
      data_keys_(registry.AddGauge("pi_data_keys",
                                   "Data keys (DEKs) by state and the KEK version wrapping them.",
                                   {"state", "kek_version"})),
      failures_(registry
                    .AddCounter("pi_key_inventory_failures_total",
                                "Failed reads of the key inventory from the database.")
                    .Get()) {
  common::GaugeFamily& loaded = registry.AddGauge(
      "pi_kek_loaded", "KEK versions in this replica's key file (1 each).", {"version"});
  for (uint32_t version : ring.versions()) loaded.WithLabels({absl::StrCat(version)}).Set(1);
}

void KeyMetrics::Update(const storage::KeyInventory& inventory) {
  active_kek_.Set(inventory.active_kek_version);
  min_kek_.Set(inventory.min_kek_version);
  std::lock_guard<std::mutex> lock(mu_);
  std::set<std::pair<std::string, std::string>> now;
  for (const auto& [key, count] : inventory.data_keys) {
    std::pair<std::string, std::string> labels(key.first, absl::StrCat(key.second));
    data_keys_.WithLabels({labels.first, labels.second}).Set(static_cast<double>(count));
    now.insert(std::move(labels));
  }
  for (const auto& gone : published_) {
    if (!now.count(gone)) data_keys_.WithLabels({gone.first, gone.second}).Set(0);
  }
  published_.insert(now.begin(), now.end());
}

void KeyMetrics::Failed() { failures_.Increment(); }

}  // namespace pi::instruments
