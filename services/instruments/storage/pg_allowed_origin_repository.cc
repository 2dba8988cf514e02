#include "services/instruments/storage/pg_allowed_origin_repository.h"

#include <pqxx/pqxx>

#include "services/instruments/storage/pg_errors.h"

namespace pi::instruments::storage {
namespace {

constexpr char kFind[] = "allowed_origins_find";
constexpr char kFindSql[] =
    "SELECT origin FROM allowed_origins WHERE application_id = $1 ORDER BY origin";

}  // namespace

std::vector<PreparedStatement> PgAllowedOriginRepository::Statements() {
  return {{kFind, kFindSql}};
}

void PgAllowedOriginRepository::FindAllowedOrigins(std::string application_id, FindDone done) {
  pool_.Submit([application_id = std::move(application_id),
                done = std::move(done)](absl::StatusOr<PgSession*> session) mutable {
    if (!session.ok()) return std::move(done)(session.status());
    std::vector<std::string> origins;
    absl::Status status = RunPg(**session, [&](pqxx::connection& c) {
      pqxx::read_transaction txn(c);
      for (const pqxx::row& row : txn.exec_prepared(kFind, application_id)) {
        origins.push_back(row[0].as<std::string>());
      }
      return absl::OkStatus();
    });
    if (!status.ok()) return std::move(done)(std::move(status));
    std::move(done)(std::move(origins));
  });
}

}  // namespace pi::instruments::storage
