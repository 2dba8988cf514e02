#include "services/instruments/server_config.h"

#include "absl/strings/str_join.h"
#include "services/common/json_log.h"

#ifndef PI_DEFAULT_BIN_TABLE
#define PI_DEFAULT_BIN_TABLE "services/instruments/data/sandbox_bins.csv"
#endif

namespace pi::instruments {

const std::vector<std::string>& ServerConfig::SettingNames() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> names = {
        "database_url",    "key_file",    "grpc_address",    "port_file",
        "db_workers",      "db_queue",    "health_interval", "drain_delay",
        "shutdown_grace",  "bin_table",   "health_address",  "health_port_file",
        "token_ttl",       "sweep_interval",  "create_batch_size", "create_batches",
        "credential_cache_ttl", "instrument_cache_mib", "metrics_address",
        "metrics_port_file", "log_level"};
    for (std::string& tls : common::TlsFiles::SettingNames("tls_")) names.push_back(tls);
    return names;
  }();
  return kNames;
}

absl::StatusOr<ServerConfig> ServerConfig::FromSettings(const Settings& s) {
  ServerConfig config;
  std::vector<std::string> problems;
  config.database_url = s.Get("database_url");
  if (config.database_url.empty()) {
    problems.push_back("database_url: required (PI_DATABASE_URL or --database_url)");
  }
  config.key_file = s.Get("key_file");
  if (config.key_file.empty()) problems.push_back("key_file: required (PI_KEY_FILE or --key_file)");
  config.grpc_address = s.Get("grpc_address", config.grpc_address);
  if (config.grpc_address.find(':') == std::string::npos) {
    problems.push_back("grpc_address: must be host:port, e.g. 0.0.0.0:50051");
  }
  config.port_file = s.Get("port_file");
  config.bin_table = s.Get("bin_table", PI_DEFAULT_BIN_TABLE);
  s.GetInt("db_workers", 1, 256, config.db_workers, problems);
  s.GetInt("db_queue", 1, 1000000, config.db_queue, problems);
  s.GetInt("create_batch_size", 1, 64, config.create_batch_size, problems);
  s.GetInt("create_batches", 1, 255, config.create_batches, problems);
  s.GetInt("instrument_cache_mib", 0, 1 << 20, config.instrument_cache_mib, problems);
  s.GetDuration("health_interval", config.health_interval, problems);
  s.GetDuration("drain_delay", config.drain_delay, problems);
  s.GetDuration("shutdown_grace", config.shutdown_grace, problems);
  config.tls = common::TlsFiles::FromSettings(s, "tls_", /*ca_needs_cert=*/true, problems);
  config.health_address = s.Get("health_address");
  if (!config.health_address.empty() && config.health_address.find(':') == std::string::npos) {
    problems.push_back("health_address: must be host:port, e.g. 0.0.0.0:8081");
  }
  config.health_port_file = s.Get("health_port_file");
  config.metrics_address = s.GetOrEmpty("metrics_address", config.metrics_address);
  if (!config.metrics_address.empty() && !common::SplitHostPort(config.metrics_address).ok()) {
    problems.push_back("metrics_address: must be host:port, e.g. 0.0.0.0:9090, or empty for none");
  }
  config.metrics_port_file = s.Get("metrics_port_file");
  config.log_level = s.Get("log_level", config.log_level);
  if (!common::IsLogLevel(config.log_level)) {
    problems.push_back("log_level: must be debug, info, warn or error");
  }
  s.GetDuration("token_ttl", config.token_ttl, problems);
  s.GetDuration("sweep_interval", config.sweep_interval, problems);
  s.GetDuration("credential_cache_ttl", config.credential_cache_ttl, problems);
  if (config.credential_cache_ttl < absl::ZeroDuration()) {
    problems.push_back("credential_cache_ttl: must not be negative (0 turns the cache off)");
  }
  if (config.token_ttl < absl::Seconds(1) || config.token_ttl > absl::Hours(24)) {
    problems.push_back("token_ttl: must be between 1s and 24h");
  }
  if (config.sweep_interval < absl::Seconds(1)) {
    problems.push_back("sweep_interval: must be at least 1s");
  }
  if (config.health_interval < absl::Milliseconds(100)) {
    problems.push_back("health_interval: must be at least 100ms");
  }
  if (!problems.empty()) return absl::InvalidArgumentError(absl::StrJoin(problems, "\n"));
  return config;
}

}  // namespace pi::instruments
