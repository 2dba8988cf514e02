// pi_crash_durability: every create pi-server acknowledges survives crashes, and retries under
// the same idempotency key never create a second instrument.
//
// Starts a private durable PostgreSQL (fsync and synchronous_commit on), pi-server and
// pi-gateway, and keeps `concurrency` card creates in flight, each under its own idempotency key
// (tests/reliability/retrying_create_load.h: failed creates are retried with the same key after
// recovery). During the first half of the run it kills pi-server with SIGKILL again and again,
// restarting it on the same port; during the second half it stops PostgreSQL with
// `pg_ctl stop -m immediate` and starts it again. Then it lets every key settle and checks the
// ledger through the API and in the database (tests/reliability/durability_audit.h).
//
//   pi_crash_durability [--seconds=30s] [--concurrency=16] [--kill_interval=3s]
//                       [--pg_interval=5s] [--state_dir=DIR]
//
// --state_dir is the private cluster's directory (default: a new one under the temporary
// directory); it is removed at the end. pi-server and pi-gateway keep their keys and logs in
// SystemUnderTest's own directory, also removed.
//
// Prints what it did and found, ending with one line
//   acknowledged=N found=N lost=0 duplicated=0 server_kills=K pg_crashes=C retries=R
// and exits 0 only when nothing was lost, duplicated, unkeyed, refused or left unsettled, and
// both kinds of crash happened. scripts/crash-durability.sh runs it from the build tree.
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "services/common/settings.h"
#include "tests/reliability/durability_audit.h"
#include "tests/reliability/private_cluster.h"
#include "tests/reliability/retrying_create_load.h"
#include "tests/support/system_under_test.h"

extern char** environ;

namespace pi::reliability {
namespace {

constexpr int kIdentities = 8;

struct Config {
  absl::Duration seconds = absl::Seconds(30);
  int concurrency = 16;
  absl::Duration kill_interval = absl::Seconds(3);
  absl::Duration pg_interval = absl::Seconds(5);
  std::string state_dir;
};

absl::StatusOr<Config> ParseConfig(const std::vector<std::string>& args) {
  absl::StatusOr<common::Settings> settings = common::Settings::Parse(
      {"seconds", "concurrency", "kill_interval", "pg_interval", "state_dir"}, args, environ);
  if (!settings.ok()) return settings.status();
  Config config;
  std::vector<std::string> problems;
  settings->GetDuration("seconds", config.seconds, problems);
  settings->GetInt("concurrency", 1, 1024, config.concurrency, problems);
  settings->GetDuration("kill_interval", config.kill_interval, problems);
  settings->GetDuration("pg_interval", config.pg_interval, problems);
  config.state_dir =
      settings->Get("state_dir", absl::StrCat(std::filesystem::temp_directory_path().string(),
                                              "/pi-crash-durability-pg-", ::getpid()));
  if (!problems.empty()) {
    std::string message;
    for (const std::string& p : problems) absl::StrAppend(&message, p, "\n");
    return absl::InvalidArgumentError(message);
  }
  return config;
}

// A random pause around `mean` (half to one and a half times it).
absl::Duration Around(absl::Duration mean, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> factor(0.5, 1.5);
  return mean * factor(rng);
}

void PrintProgress(const std::string& event, const RetryingCreateLoad& load) {
  CreateLoadStats s = load.Snapshot();
  std::cout << "  " << event << " (keys " << s.started_keys << ", acknowledged " << s.acknowledged
            << ", retries " << s.retries << ")" << std::endl;
}

int Main(const std::vector<std::string>& args) {
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  absl::StatusOr<Config> config = ParseConfig(args);
  if (!config.ok()) {
    std::cerr << "pi_crash_durability: invalid settings:\n" << config.status().message();
    return 2;
  }
  absl::StatusOr<std::unique_ptr<PrivateCluster>> cluster =
      PrivateCluster::Start(config->state_dir, /*durable=*/true);
  if (!cluster.ok()) {
    std::cerr << "pi_crash_durability: " << cluster.status() << "\n";
    return 1;
  }
  auto system = testing::SystemUnderTest::Start("crash-durability",
                                                {.database_url = (*cluster)->url(),
                                                 .max_instruments_per_identity = 1000000,
                                                 .server_env = {{"PI_LOG_LEVEL", "warn"}}});
  if (!system.ok()) {
    std::cerr << "pi_crash_durability: " << system.status() << "\n";
    return 1;
  }
  testing::SystemUnderTest& sys = **system;
  std::vector<std::string> identities = {sys.identity_id()};
  while (identities.size() < kIdentities) {
    std::string id = sys.CreateIdentity();
    if (id.empty()) {
      std::cerr << "pi_crash_durability: cannot create identities\n";
      return 1;
    }
    identities.push_back(id);
  }
  std::string target = absl::StrCat("127.0.0.1:", sys.grpc_port());
  std::cout << "crash durability: " << absl::FormatDuration(config->seconds) << ", "
            << config->concurrency << " creates in flight, durable PostgreSQL at "
            << (*cluster)->url() << std::endl;

  RetryingCreateLoad load({.target = target,
                           .authorization = sys.basic_auth(),
                           .identities = identities,
                           .concurrency = config->concurrency});
  load.Start();
  std::mt19937_64 rng(std::random_device{}());
  int server_kills = 0;
  int pg_crashes = 0;
  bool failed = false;
  absl::Time start = absl::Now();
  absl::Time half = start + config->seconds / 2;
  absl::Time end = start + config->seconds;

  // Phase 1: pi-server killed and restarted on the same port.
  for (absl::Time next = start + Around(config->kill_interval, rng); next < half && !failed;
       next = absl::Now() + Around(config->kill_interval, rng)) {
    absl::SleepFor(next - absl::Now());
    if (absl::Status killed = sys.KillServer(); !killed.ok()) {
      std::cerr << "pi_crash_durability: kill: " << killed << "\n";
      failed = true;
      break;
    }
    ++server_kills;
    PrintProgress(absl::StrCat("pi-server killed (", server_kills, ")"), load);
    absl::SleepFor(Around(absl::Milliseconds(300), rng));
    if (absl::Status restarted = sys.RestartServer(); !restarted.ok()) {
      std::cerr << "pi_crash_durability: restart: " << restarted << "\n" << sys.server_log();
      failed = true;
    }
  }
  // Phase 2: PostgreSQL stopped in immediate mode and started again (crash recovery).
  absl::SleepFor(half - absl::Now());
  for (absl::Time next = absl::Now() + Around(config->pg_interval, rng) / 2; next < end && !failed;
       next = absl::Now() + Around(config->pg_interval, rng)) {
    absl::SleepFor(next - absl::Now());
    if (absl::Status crashed = (*cluster)->Crash(); !crashed.ok()) {
      std::cerr << "pi_crash_durability: pg crash: " << crashed << "\n";
      failed = true;
      break;
    }
    ++pg_crashes;
    PrintProgress(absl::StrCat("PostgreSQL stopped -m immediate (", pg_crashes, ")"), load);
    absl::SleepFor(Around(absl::Seconds(1), rng));
    if (absl::Status restarted = (*cluster)->Restart(); !restarted.ok()) {
      std::cerr << "pi_crash_durability: pg restart: " << restarted << "\n";
      failed = true;
    }
  }
  absl::SleepFor(end - absl::Now());

  bool settled = load.Finish(absl::Seconds(60));
  CreateLoadStats stats = load.Snapshot();
  int64_t unsettled = 0;
  for (const KeyRecord& r : load.Records()) {
    if (!r.settled()) ++unsettled;
    if (r.refused != grpc::StatusCode::OK) {
      std::cout << "  refused: " << r.key << ": " << CodeName(r.refused) << " " << r.refusal_message
                << "\n";
    }
  }
  std::cout << "keys " << stats.started_keys << ", acknowledged " << stats.acknowledged
            << ", refused " << stats.refused << ", unsettled " << unsettled << ", retries "
            << stats.retries << " (failed attempts:";
  for (const auto& [code, count] : stats.failures_by_code)
    std::cout << " " << CodeName(code) << "=" << count;
  std::cout << ")" << std::endl;

  AuditResult audit = AuditCreates(load.Records(), {.grpc_target = target,
                                                    .authorization = sys.basic_auth(),
                                                    .database_url = (*cluster)->url(),
                                                    .application_id = sys.application_id()});
  std::cout << "database: " << audit.rows << " instrument rows, " << audit.keys
            << " idempotency keys, " << audit.unkeyed << " rows without a key" << std::endl;
  for (const std::string& e : audit.examples) std::cout << "  problem: " << e << "\n";
  std::cout << "acknowledged=" << audit.acknowledged << " found=" << audit.found
            << " lost=" << audit.lost << " duplicated=" << audit.duplicated
            << " server_kills=" << server_kills << " pg_crashes=" << pg_crashes
            << " retries=" << stats.retries << std::endl;

  bool ok = !failed && settled && unsettled == 0 && stats.refused == 0 && audit.lost == 0 &&
            audit.duplicated == 0 && audit.unkeyed == 0 && audit.acknowledged > 0 &&
            server_kills > 0 && pg_crashes > 0;
  if (!ok) {
    std::cout << "FAILED"
              << (server_kills == 0 || pg_crashes == 0
                      ? " (a kind of crash never happened: run longer)"
                      : "")
              << "\n--- pi-server log (last 4 KiB) ---\n"
              << sys.server_log().substr(
                     sys.server_log().size() > 4096 ? sys.server_log().size() - 4096 : 0)
              << std::endl;
  }
  return ok ? 0 : 1;
}

}  // namespace
}  // namespace pi::reliability

int main(int argc, char** argv) {
  return pi::reliability::Main(std::vector<std::string>(argv + 1, argv + argc));
}
