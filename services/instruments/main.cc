// pi-server: the only process that sees card numbers, keys and the database.
// Configuration and wiring only; see server_config.h for settings and admin_commands.h for the
// admin CLI.
#include <sys/prctl.h>
#include <sys/resource.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "services/common/json_log.h"
#include "services/common/metrics.h"
#include "services/common/metrics_http_server.h"
#include "services/common/periodic_task.h"
#include "services/common/termination_signal.h"
#include "services/instruments/admin_commands.h"
#include "services/instruments/key_commands.h"
#include "services/instruments/api/health_handler.h"
#include "services/instruments/api/payment_instrument_handler.h"
#include "services/instruments/crypto/customer_jwt.h"
#include "services/instruments/crypto/fingerprinter.h"
#include "services/instruments/crypto/key_manager.h"
#include "services/instruments/crypto/key_provider.h"
#include "services/instruments/domain/bin_table.h"
#include "services/instruments/domain/verifier.h"
#include "services/instruments/crypto/key_ring.h"
#include "services/instruments/crypto/random_id_generator.h"
#include "services/instruments/crypto/secret_hash.h"
#include "services/instruments/server_config.h"
#include "services/instruments/storage/pg_allowed_origin_repository.h"
#include "services/instruments/server_metrics.h"
#include "services/instruments/storage/pg_audit_log.h"
#include "services/instruments/domain/credential_cache.h"
#include "services/instruments/domain/instrument_cache.h"
#include "services/instruments/storage/pg_change_listener.h"
#include "services/instruments/storage/pg_credential_repository.h"
#include "services/instruments/storage/pg_identity_repository.h"
#include "services/instruments/storage/pg_token_repository.h"
#include "services/instruments/storage/pg_data_key_repository.h"
#include "services/instruments/storage/pg_health_probe.h"
#include "services/instruments/storage/pg_instrument_repository.h"
#include "services/instruments/storage/pg_key_inventory.h"
#include "services/instruments/storage/pg_worker_pool.h"

extern char** environ;

namespace pi::instruments {
namespace {

constexpr int kMaxRequestBytes = 64 * 1024;
// Above pi-gateway's 16 KiB header limit, so every authorization value the gateway forwards
// reaches authentication (UNAUTHENTICATED, 401) instead of gRPC's own RESOURCE_EXHAUSTED for
// metadata over its 8 KiB default, which the gateway would render as 429.
constexpr int kMaxMetadataBytes = 32 * 1024;
constexpr absl::Duration kEncryptionCountFlushInterval = absl::Seconds(10);

constexpr char kUsage[] =
    "usage: pi-server [serve] [--name=value ...]\n"
    "       pi-server migrate --database_url=URL [--migrations_dir=DIR]\n"
    "       pi-server create-application --database_url=URL --name=NAME [--kind=KIND]\n"
    "                 [--role=ROLE] [--max_instruments_per_identity=N] [--key_file=F]\n"
    "                 [--allowed_origins=ORIGIN,...]\n"
    "       pi-server set-allowed-origins --database_url=URL --application=AP\n"
    "                 [--allowed_origins=ORIGIN,...]   (scheme://host[:port]; none clears)\n"
    "       pi-server create-credential --database_url=URL --application=AP --kind=KIND\n"
    "                 [--role=ROLE] [--key_file=F]   (KIND: basic, api_key, publishable,\n"
    "                 jwt_hs256; ROLE: merchant, processor, admin)\n"
    "       pi-server revoke-credential --database_url=URL --application=AP --credential=ID\n"
    "       pi-server purge-expired --database_url=URL\n"
    "       pi-server keygen --out=PATH\n"
    "       pi-server kek-add --key_file=F | kek-activate --version=N | rewrap-deks |\n"
    "                 kek-retire --version=N | rotate-dek --application=AP |\n"
    "                 reencrypt --application=AP [--batch_size=N]\n"
    "Settings also come from PI_<NAME> environment variables; see README.md.\n";

// Memory holding card data must never reach a core file.
void DisableCoreDumps() {
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  struct rlimit none = {0, 0};
  setrlimit(RLIMIT_CORE, &none);
}

absl::StatusOr<domain::BinTable> LoadBinTable(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read BIN table ", path));
  std::stringstream csv;
  csv << in.rdbuf();
  absl::StatusOr<domain::BinTable> table = domain::BinTable::Parse(csv.str());
  if (!table.ok()) return absl::InvalidArgumentError(absl::StrCat(path, ": ", table.status().message()));
  common::LogJson("info", "BIN table loaded", {{"path", path}, {"entries", table->size()}});
  return table;
}

// Plaintext, or TLS (with client verification when a CA is configured) on the gRPC listener.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ListenerCredentials(
    const common::TlsFiles& tls) {
  if (!tls.enabled()) return grpc::InsecureServerCredentials();
  absl::StatusOr<common::TlsMaterial> material = common::LoadTlsFiles(tls);
  if (!material.ok()) return material.status();
  grpc::SslServerCredentialsOptions options(
      tls.ca_file.empty() ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
                          : GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  options.pem_root_certs = material->ca_bundle;
  options.pem_key_cert_pairs.push_back(
      {std::string(material->private_key.Reveal()), material->cert_chain});
  return grpc::SslServerCredentials(options);
}

void WritePortFile(const std::string& path, int port) {
  if (!path.empty()) std::ofstream(path) << port << "\n";
}

int Serve(const std::vector<std::string>& args) {
  DisableCoreDumps();
  absl::StatusOr<Settings> settings = Settings::Parse(ServerConfig::SettingNames(), args, environ);
  absl::StatusOr<ServerConfig> config =
      settings.ok() ? ServerConfig::FromSettings(*settings) : settings.status();
  if (!config.ok()) {
    std::cerr << "pi-server: invalid configuration:\n" << config.status().message() << "\n";
    return 2;
  }
  common::SetMinLogLevel(config->log_level);
  absl::StatusOr<crypto::KeyRing> keys = crypto::KeyRing::Load(config->key_file);
  if (!keys.ok()) {
    std::cerr << "pi-server: " << keys.status().message() << "\n";
    return 2;
  }
  absl::StatusOr<domain::BinTable> bins = LoadBinTable(config->bin_table);
  if (!bins.ok()) {
    std::cerr << "pi-server: " << bins.status().message() << "\n";
    return 2;
  }

  // Signals are taken synchronously below; block them before any thread starts.
  common::BlockTerminationSignals();

  // Declared first: everything that records metrics goes before it does.
  common::MetricsRegistry metrics;

  std::vector<storage::PreparedStatement> statements = storage::PgInstrumentRepository::Statements();
  for (auto& s : storage::PgCredentialRepository::Statements()) statements.push_back(s);
  for (auto& s : storage::PgDataKeyRepository::Statements()) statements.push_back(s);
  for (auto& s : storage::PgIdentityRepository::Statements()) statements.push_back(s);
  for (auto& s : storage::PgAuditLog::Statements()) statements.push_back(s);
  for (auto& s : storage::PgTokenRepository::Statements()) statements.push_back(s);
  for (auto& s : storage::PgIdempotencyKeyStore::Statements()) statements.push_back(s);
  for (auto& s : storage::PgAllowedOriginRepository::Statements()) statements.push_back(s);
  storage::PgWorkerPool pool({config->database_url, config->db_workers,
                              static_cast<size_t>(config->db_queue), std::move(statements)});
  RegisterPoolMetrics(metrics, pool);
  storage::PgInstrumentRepository instrument_repository(
      pool, {.max_batch = config->create_batch_size,
             .max_in_flight = std::min(config->create_batches, config->db_workers)});
  storage::PgCredentialRepository credential_repository(pool);
  storage::PgDataKeyRepository data_key_repository(pool);
  storage::PgIdentityRepository identity_repository(pool);
  storage::PgAuditLog audit_log(pool);
  storage::PgTokenRepository token_repository(pool);
  storage::PgIdempotencyKeyStore idempotency_keys(pool);
  storage::PgAllowedOriginRepository allowed_origins(pool);
  crypto::FileKeyProvider key_provider(*keys);
  crypto::KeyManager key_manager(key_provider, data_key_repository, {});
  crypto::Fingerprinter fingerprinter(keys->fingerprint_master_key());
  common::PeriodicTask count_flusher(kEncryptionCountFlushInterval,
                                     [&key_manager] { key_manager.FlushEncryptionCounts(); });
  crypto::RandomIdGenerator ids;
  crypto::Sha256SecretHasher hasher;
  domain::SandboxVerifier verifier;
  crypto::CustomerJwtVerifier customer_tokens(keys->fingerprint_master_key());
  auto clock = [] { return absl::Now(); };
  // Reads of instruments go through a cache that the change listener below keeps exact
  // (migration 0010); without the listener's connection it is bypassed.
  domain::CachingInstrumentRepository instrument_cache(
      instrument_repository, static_cast<size_t>(config->instrument_cache_mib) << 20);
  RegisterInstrumentCacheMetrics(metrics, instrument_cache);
  domain::InstrumentService instruments({instrument_cache, key_manager, key_manager,
                                         audit_log, fingerprinter, ids, *bins, verifier, clock});
  domain::IdentityService identities(identity_repository, audit_log, ids, clock);
  domain::TokenService tokens({token_repository, key_manager, key_manager, audit_log,
                               fingerprinter, ids, *bins, instruments, clock, config->token_ttl});
  domain::IdempotencyGuard idempotency(idempotency_keys, instrument_repository);
  domain::OriginPolicy origin_policy(allowed_origins, audit_log);
  // Deletes expired token payloads (security codes included) and idempotency keys. Several
  // replicas may sweep at once; the statements are idempotent. No last run at shutdown: it
  // would only delay the exit (by a connect timeout when the database is unreachable).
  SweepMetrics sweep_metrics(metrics);
  common::PeriodicTask sweeper(
      config->sweep_interval,
      [url = config->database_url, &sweep_metrics] {
        absl::Time now = absl::Now();
        absl::StatusOr<storage::SweepResult> swept = storage::SweepExpired(url, now);
        if (!swept.ok()) {
          sweep_metrics.Failed();
          common::LogJson("warn", "sweep failed",
                          {{"error", std::string(swept.status().message())}});
          return;
        }
        sweep_metrics.Succeeded(*swept, now);
        if (swept->token_payloads_deleted + swept->tokens_deleted +
                swept->idempotency_keys_deleted > 0) {
          common::LogJson("info", "swept expired data",
                          {{"token_payloads", swept->token_payloads_deleted},
                           {"tokens", swept->tokens_deleted},
                           {"idempotency_keys", swept->idempotency_keys_deleted}});
        }
      },
      {.run_at_stop = false});
  // Key versions in use, for the metrics: read at start, then as often as the sweeper runs.
  KeyMetrics key_metrics(metrics, *keys);
  common::PeriodicTask key_inventory(
      config->sweep_interval,
      [url = config->database_url, &key_metrics] {
        absl::StatusOr<storage::KeyInventory> inventory = storage::ReadKeyInventory(url);
        if (inventory.ok()) return key_metrics.Update(*inventory);
        key_metrics.Failed();
        common::LogJson("warn", "reading the key inventory failed",
                        {{"error", std::string(inventory.status().message())}});
      },
      {.run_at_start = true, .run_at_stop = false});
  // Authentication reads credentials through a cache that PostgreSQL notifications keep exact
  // (migration 0009); without the listener's connection it is bypassed.
  domain::CachingCredentialStore credential_cache(credential_repository, clock,
                                                  config->credential_cache_ttl);
  std::unique_ptr<storage::PgChangeListener> change_listener;
  if (config->credential_cache_ttl > absl::ZeroDuration() || config->instrument_cache_mib > 0) {
    change_listener = std::make_unique<storage::PgChangeListener>(
        config->database_url,
        std::vector<storage::ChangeSubscription>{
            {"credentials_changed",
             [&credential_cache](const std::string& id) { credential_cache.Evict(id); }},
            {"instruments_changed",
             [&instrument_cache](const std::string& id) { instrument_cache.Evict(id); }}},
        [&credential_cache, &instrument_cache](bool enabled) {
          credential_cache.SetEnabled(enabled);
          instrument_cache.SetEnabled(enabled);
        });
  }
  domain::Authenticator authenticator(credential_cache, hasher, customer_tokens, audit_log,
                                      clock);
  crypto::CustomerJwtIssuer customer_token_issuer(customer_tokens);
  domain::CustomerSignup signup({credential_repository, identity_repository,
                                 customer_token_issuer, audit_log, ids,
                                 [&tokens](const domain::Caller& caller,
                                           domain::TokenAssociation association,
                                           domain::InstrumentService::Done done) {
                                   tokens.Associate(caller, std::move(association),
                                                    std::move(done));
                                 },
                                 clock});
  api::RpcMetrics rpc_metrics(metrics);
  api::PaymentInstrumentHandler handler(authenticator, instruments, tokens, idempotency,
                                        identities, signup, origin_policy, audit_log,
                                        rpc_metrics);
  api::HealthHandler health;
  metrics.AddGaugeCallback("pi_health_serving",
                           "1 while grpc.health.v1 answers SERVING: the database is reachable "
                           "and no shutdown has begun.",
                           [&health] { return health.serving() ? 1 : 0; });
  storage::PgHealthProbe probe(config->database_url, config->health_interval,
                               [&health](bool reachable) {
                                 health.SetDatabaseReachable(reachable);
                                 common::LogJson(reachable ? "info" : "warn",
                                                 reachable ? "database reachable"
                                                           : "database unreachable");
                               });

  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials =
      ListenerCredentials(config->tls);
  if (!credentials.ok()) {
    std::cerr << "pi-server: TLS: " << credentials.status().message() << "\n";
    return 2;
  }
  common::MetricsHttpServer metrics_server(metrics);
  if (!config->metrics_address.empty()) {
    absl::StatusOr<int> metrics_port = metrics_server.Start(config->metrics_address);
    if (!metrics_port.ok()) {
      std::cerr << "pi-server: metrics: " << metrics_port.status().message() << "\n";
      return 1;
    }
    WritePortFile(config->metrics_port_file, *metrics_port);
  }

  // Kubernetes probes speak plaintext gRPC: with TLS on the main port they use this one.
  std::unique_ptr<grpc::Server> health_server;
  if (!config->health_address.empty()) {
    grpc::ServerBuilder health_builder;
    int health_port = 0;
    health_builder.AddListeningPort(config->health_address, grpc::InsecureServerCredentials(),
                                    &health_port);
    health_builder.RegisterService(&health);
    health_server = health_builder.BuildAndStart();
    if (!health_server || health_port == 0) {
      std::cerr << "pi-server: cannot listen on " << config->health_address << "\n";
      return 1;
    }
    WritePortFile(config->health_port_file, health_port);
  }

  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(config->grpc_address, *credentials, &port);
  builder.RegisterService(&handler);
  builder.RegisterService(&health);
  builder.SetMaxReceiveMessageSize(kMaxRequestBytes);
  // Clients balancing with round_robin over a headless Service (pi-gateway) resolve the pod
  // addresses again only when a connection ends: closing each connection after a few minutes
  // (GOAWAY, in-flight calls finish within the grace) lets new replicas receive calls.
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS, 5 * 60 * 1000);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS, 30 * 1000);
  builder.AddChannelArgument(GRPC_ARG_MAX_METADATA_SIZE, kMaxMetadataBytes);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || port == 0) {
    std::cerr << "pi-server: cannot listen on " << config->grpc_address << "\n";
    return 1;
  }
  WritePortFile(config->port_file, port);
  common::LogJson("info", "pi-server listening",
                  {{"grpc_address", config->grpc_address},
                   {"port", port},
                   {"tls", config->tls.enabled()},
                   {"client_certificates_required", !config->tls.ca_file.empty()},
                   {"health_address", config->health_address},
                   {"metrics_address", config->metrics_address}});

  int signal_number = common::WaitForTerminationSignal();
  common::LogJson("info", "shutting down", {{"signal", signal_number}});
  health.SetShuttingDown();
  absl::SleepFor(config->drain_delay);
  // Refuses new RPCs and waits up to the grace period for in-flight ones.
  server->Shutdown(std::chrono::system_clock::now() +
                   absl::ToChronoMilliseconds(config->shutdown_grace));
  if (health_server) health_server->Shutdown();
  probe.Stop();
  sweeper.Stop();
  key_inventory.Stop();
  count_flusher.Stop();  // flushes the last counts while the pool still runs
  pool.Stop();
  metrics_server.Stop();
  common::LogJson("info", "pi-server stopped");
  return 0;
}

}  // namespace
}  // namespace pi::instruments

int main(int argc, char** argv) {
#ifdef NDEBUG
  // Debian's Abseil is built without NDEBUG, so every absl::Mutex lock would also record
  // lock-order edges in a process-wide graph (about 2% of pi-server's CPU under load, measured
  // with perf). Release builds skip it; Debug and sanitizer builds keep the deadlock check.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
#endif
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string command = "serve";
  if (!args.empty() && args.front().rfind("--", 0) != 0) {
    command = args.front();
    args.erase(args.begin());
  }
  if (command == "serve") return pi::instruments::Serve(args);
  if (command == "migrate") return pi::instruments::RunMigrate(args, environ);
  if (command == "create-application") return pi::instruments::RunCreateApplication(args, environ);
  if (command == "create-credential") return pi::instruments::RunCreateCredential(args, environ);
  if (command == "set-allowed-origins") return pi::instruments::RunSetAllowedOrigins(args, environ);
  if (command == "revoke-credential") return pi::instruments::RunRevokeCredential(args, environ);
  if (command == "purge-expired") return pi::instruments::RunPurgeExpired(args, environ);
  if (command == "keygen") return pi::instruments::RunKeygen(args, environ);
  if (int code = pi::instruments::RunKeyCommand(command, args, environ); code >= 0) return code;
  std::cerr << pi::instruments::kUsage;
  return command == "help" || command == "--help" ? 0 : 2;
}
