// The throwaway PostgreSQL cluster the `postgres` ctest fixture starts (scripts/pg-cluster.sh):
// its conninfo is in $PI_TEST_STATE_DIR/pg/url. Integration and end-to-end tests call
// TestDatabaseUrl() and skip nothing: a missing cluster is a test failure, not a skip.
#ifndef PI_TESTS_SUPPORT_TEST_DATABASE_H_
#define PI_TESTS_SUPPORT_TEST_DATABASE_H_

#include <string>
#include <vector>

namespace pi::testing {

// The conninfo of the test cluster, after applying every migration once per process.
// Aborts the test binary with a clear message when the cluster is not running.
const std::string& TestDatabaseUrl();

// A new, migrated database in the test cluster, for tests that change global state (such as
// the KEK state): returns its conninfo. Aborts on failure.
std::string CreateScratchDatabase(const std::string& purpose);

// The repository's db/migrations directory.
std::string MigrationsDir();

// Creates application `application_id` (with a merchant Basic credential whose secret nobody
// knows) and one identity per id in `identity_ids`, with the given per-identity instrument
// limit. Aborts on failure.
void CreateTenant(const std::string& url, const std::string& application_id,
                  const std::vector<std::string>& identity_ids,
                  int max_instruments_per_identity = 1000000);

}  // namespace pi::testing

#endif  // PI_TESTS_SUPPORT_TEST_DATABASE_H_
