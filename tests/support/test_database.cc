#include "tests/support/test_database.h"

#include <cstdlib>
#include <fstream>
#include <iostream>

#include <unistd.h>

#include <pqxx/pqxx>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/instruments/storage/migrator.h"
#include "services/instruments/storage/pg_admin_store.h"

namespace pi::testing {

std::string MigrationsDir() { return PI_SOURCE_DIR "/db/migrations"; }

const std::string& TestDatabaseUrl() {
  static const std::string url = [] {
    const char* state = std::getenv("PI_TEST_STATE_DIR");
    std::string path = std::string(state ? state : "") + "/pg/url";
    std::ifstream in(path);
    std::string line;
    if (!state || !std::getline(in, line)) {
      std::cerr << "no test database at " << path
                << ": run through ctest, which starts it (fixture `postgres`)\n";
      std::abort();
    }
    auto migrated = instruments::storage::ApplyMigrations(line, MigrationsDir());
    if (!migrated.ok()) {
      std::cerr << "migrating the test database failed: " << migrated.status() << "\n";
      std::abort();
    }
    return std::string(absl::StripAsciiWhitespace(line));
  }();
  return url;
}

std::string CreateScratchDatabase(const std::string& purpose) {
  const std::string& base = TestDatabaseUrl();
  std::string name = absl::StrCat("scratch_", purpose, "_", ::getpid(), "_",
                                  absl::ToUnixNanos(absl::Now()));
  try {
    pqxx::connection c(base);
    pqxx::nontransaction txn(c);
    txn.exec("CREATE DATABASE " + txn.quote_name(name));
  } catch (const std::exception& e) {
    std::cerr << "creating a scratch database failed: " << e.what() << "\n";
    std::abort();
  }
  // The conninfo's last dbname wins.
  std::string url = absl::StrCat(base, " dbname=", name);
  auto migrated = instruments::storage::ApplyMigrations(url, MigrationsDir());
  if (!migrated.ok()) {
    std::cerr << "migrating the scratch database failed: " << migrated.status() << "\n";
    std::abort();
  }
  return url;
}

void CreateTenant(const std::string& url, const std::string& application_id,
                  const std::vector<std::string>& identity_ids,
                  int max_instruments_per_identity) {
  instruments::storage::NewApplication app{application_id, "test", max_instruments_per_identity};
  instruments::storage::NewCredential credential{
      absl::StrCat("US", application_id), application_id, instruments::domain::CredentialKind::kBasic,
      instruments::domain::Role::kMerchant, std::string(32, 'h')};
  absl::Status created = instruments::storage::CreateApplication(url, app, credential);
  if (!created.ok()) {
    std::cerr << "creating the test application failed: " << created << "\n";
    std::abort();
  }
  try {
    pqxx::connection c(url);
    pqxx::work txn(c);
    for (const std::string& id : identity_ids) {
      txn.exec_params(
          "INSERT INTO identities (application_id, id, created_at, updated_at) "
          "VALUES ($1, $2, now(), now())",
          application_id, id);
    }
    txn.commit();
  } catch (const std::exception& e) {
    std::cerr << "creating test identities failed: " << e.what() << "\n";
    std::abort();
  }
}

}  // namespace pi::testing
