#include "services/instruments/storage/migrator.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <pqxx/pqxx>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/instruments/storage/pg_errors.h"

namespace pi::instruments::storage {
namespace {

// An arbitrary constant naming the migration lock.
constexpr long long kMigrationLockKey = 0x70695f6d69677261;  // "pi_migra"

absl::StatusOr<std::map<int, std::filesystem::path>> ListMigrations(const std::string& directory) {
  std::map<int, std::filesystem::path> files;
  std::error_code ec;
  std::filesystem::directory_iterator it(directory, ec);
  if (ec) return absl::NotFoundError(absl::StrCat("cannot read ", directory, ": ", ec.message()));
  for (const auto& entry : it) {
    std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".sql") continue;
    int version = 0;
    if (name.size() < 6 || name[4] != '_' || !absl::SimpleAtoi(name.substr(0, 4), &version) ||
        version <= 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("migration file ", name, " is not named NNNN_name.sql"));
    }
    if (!files.emplace(version, entry.path()).second) {
      return absl::InvalidArgumentError(absl::StrCat("two migrations have version ", version));
    }
  }
  return files;
}

}  // namespace

absl::StatusOr<MigrationResult> ApplyMigrations(
    const std::string& conninfo, const std::string& directory,
    const std::function<void(const std::string&)>& progress) {
  absl::StatusOr<std::map<int, std::filesystem::path>> files = ListMigrations(directory);
  if (!files.ok()) return files.status();

  MigrationResult result;
  try {
    pqxx::connection connection(conninfo);
    {
      pqxx::work txn(connection);
      // Concurrent CREATE TABLE IF NOT EXISTS can still collide in the catalog (a unique
      // violation on pg_type) when several migrators start on a fresh database: take the lock.
      txn.exec_params("SELECT pg_advisory_xact_lock($1)", kMigrationLockKey);
      txn.exec(
          "CREATE TABLE IF NOT EXISTS schema_migrations ("
          " version integer PRIMARY KEY, name text NOT NULL,"
          " applied_at timestamptz NOT NULL DEFAULT now())");
      txn.commit();
    }
    for (const auto& [version, path] : *files) {
      pqxx::work txn(connection);
      txn.exec_params("SELECT pg_advisory_xact_lock($1)", kMigrationLockKey);
      pqxx::result done =
          txn.exec_params("SELECT 1 FROM schema_migrations WHERE version = $1", version);
      if (!done.empty()) continue;
      std::ifstream in(path);
      std::stringstream sql;
      sql << in.rdbuf();
      if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path.string()));
      try {
        // The file's text is the statement: trusted repository content, never built from input.
        txn.exec(sql.str());
      } catch (const pqxx::sql_error& e) {
        return absl::InternalError(
            absl::StrCat("migration ", path.filename().string(), " failed: ", e.what()));
      }
      txn.exec_params("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", version,
                      path.filename().string());
      txn.commit();
      ++result.applied;
      if (progress) progress(path.filename().string());
    }
    pqxx::work txn(connection);
    result.current_version =
        txn.exec("SELECT coalesce(max(version), 0) FROM schema_migrations")[0][0].as<int>();
  } catch (const std::exception& e) {
    return StatusFromException(e);
  }
  return result;
}

}  // namespace pi::instruments::storage
