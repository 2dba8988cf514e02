// pi-server's configuration, read once at start into validated structs.
//
// Every setting comes from an environment variable `PI_<NAME>` and may be overridden by a flag
// `--<name>=<value>` (lower case, e.g. PI_GRPC_ADDRESS / --grpc_address). Unknown flags, missing
// required settings and malformed values are all reported together as one INVALID_ARGUMENT whose
// message lists each problem on its own line.
#ifndef PI_SERVICES_INSTRUMENTS_SERVER_CONFIG_H_
#define PI_SERVICES_INSTRUMENTS_SERVER_CONFIG_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/settings.h"
#include "services/common/tls_files.h"

namespace pi::instruments {

using common::Settings;

struct ServerConfig {
  std::string database_url;                 // required: libpq conninfo or postgresql:// URI
  std::string key_file;                     // required: see crypto/key_ring.h
  std::string grpc_address = "0.0.0.0:50051";
  std::string port_file;                    // optional: the bound gRPC port is written here
  std::string bin_table;                    // BIN CSV (domain/bin_table.h); default: sandbox table
  int db_workers = 4;                       // 1..256 connections
  int db_queue = 4096;                      // jobs waiting for a connection before refusing
  // Group commit: creates per transaction (1..64) and transactions writing creates at once
  // (at most db_workers are used).
  int create_batch_size = 32;
  int create_batches = 1;
  absl::Duration health_interval = absl::Seconds(1);
  absl::Duration drain_delay = absl::ZeroDuration();    // NOT_SERVING before closing listeners
  absl::Duration shutdown_grace = absl::Seconds(10);    // in-flight RPCs get this long
  absl::Duration token_ttl = absl::Minutes(30);         // tokens not associated by then expire
  absl::Duration sweep_interval = absl::Minutes(1);     // how often expired payloads are deleted
  // How long a looked-up credential is remembered (changes evict it at once); 0: no cache.
  absl::Duration credential_cache_ttl = absl::Minutes(5);
  // Memory for the masked instruments that reads and creates remember, in MiB (changes evict
  // them at once, the least recently used go first when full); 0: no cache. A typical card takes
  // about 0.6 KiB: 80 MiB hold some 135,000.
  int instrument_cache_mib = 80;
  // TLS on the gRPC listener (tls_cert_file, tls_key_file); with tls_ca_file, clients must
  // present a certificate chaining to it (mTLS). Off when unset.
  common::TlsFiles tls;
  // A separate plaintext listener serving only grpc.health.v1.Health, for Kubernetes probes
  // when the main listener uses TLS; "" for none (health is then served on grpc_address).
  std::string health_address;
  std::string health_port_file;             // optional: the bound health port is written here
  // Plaintext HTTP listener for Prometheus (GET /metrics); "" turns it off.
  std::string metrics_address = "0.0.0.0:9090";
  std::string metrics_port_file;            // optional: the bound metrics port is written here
  std::string log_level = "info";           // debug, info, warn or error

  static const std::vector<std::string>& SettingNames();
  static absl::StatusOr<ServerConfig> FromSettings(const Settings& settings);
};

}  // namespace pi::instruments

#endif  // PI_SERVICES_INSTRUMENTS_SERVER_CONFIG_H_
