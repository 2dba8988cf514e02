#include "tests/support/test_database.h"

#include <cstdlib>
#include <fstream>
#include <iostream>

#include "absl/strings/ascii.h"
#include "services/instruments/storage/migrator.h"

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

}  // namespace pi::testing
