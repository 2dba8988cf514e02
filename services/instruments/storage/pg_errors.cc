#include "services/instruments/storage/pg_errors.h"

#include <pqxx/pqxx>

#include "services/common/json_log.h"

namespace pi::instruments::storage {

absl::Status StatusFromException(const std::exception& e) {
  if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr) {
    return absl::UnavailableError("the database connection was lost");
  }
  if (dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr) {
    return absl::UnavailableError("the database connection was lost during commit");
  }
  if (dynamic_cast<const pqxx::unique_violation*>(&e) != nullptr) {
    return absl::AlreadyExistsError("the resource already exists");
  }
  if (dynamic_cast<const pqxx::integrity_constraint_violation*>(&e) != nullptr) {
    return absl::FailedPreconditionError("the change violates a database constraint");
  }
  // The server's message may quote a value; log the exception kind and SQLSTATE only.
  nlohmann::json fields = {{"error_type", typeid(e).name()}};
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) fields["sqlstate"] = sql->sqlstate();
  common::LogJson("error", "database error", std::move(fields));
  return absl::InternalError("database error");
}

}  // namespace pi::instruments::storage
