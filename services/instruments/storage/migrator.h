// Forward-only schema migrations: files `NNNN_name.sql` in one directory, applied in order, each
// in its own transaction together with its row in `schema_migrations`. A transaction-level
// advisory lock serialises concurrent migrators (several replicas, a Kubernetes Job), so each
// file runs exactly once. Files already applied are never re-read for changes.
#ifndef PI_SERVICES_INSTRUMENTS_STORAGE_MIGRATOR_H_
#define PI_SERVICES_INSTRUMENTS_STORAGE_MIGRATOR_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"

namespace pi::instruments::storage {

struct MigrationResult {
  int applied = 0;          // files applied by this call
  int current_version = 0;  // highest version recorded afterwards
};

// Applies the pending migrations of `directory` to the database at `conninfo`. `progress`, when
// set, is called once per applied file with its name. INVALID_ARGUMENT for a badly named file or
// a duplicate version; UNAVAILABLE when the database is unreachable; INTERNAL when a file fails
// (that file's transaction is rolled back, earlier files stay applied).
absl::StatusOr<MigrationResult> ApplyMigrations(
    const std::string& conninfo, const std::string& directory,
    const std::function<void(const std::string&)>& progress = nullptr);

}  // namespace pi::instruments::storage

#endif  // PI_SERVICES_INSTRUMENTS_STORAGE_MIGRATOR_H_
