#include "services/instruments/storage/pg_admin_store.h"

#include <pqxx/pqxx>

#include "services/instruments/domain/authenticator.h"
#include "services/instruments/storage/pg_errors.h"

namespace pi::instruments::storage {

absl::Status CreateApplication(const std::string& conninfo, const NewApplication& application) {
  try {
    pqxx::connection c(conninfo);
    pqxx::work txn(c);
    txn.exec_params("INSERT INTO applications (id, name) VALUES ($1, $2)",
                    application.application_id, application.name);
    txn.exec_params(
        "INSERT INTO credentials (id, application_id, kind, role, secret_sha256) "
        "VALUES ($1, $2, 'basic', $3, $4)",
        application.credential_id, application.application_id,
        std::string(domain::RoleName(application.role)),
        pqxx::binarystring(application.secret_hash));
    txn.commit();
    return absl::OkStatus();
  } catch (const std::exception& e) {
    return StatusFromException(e);
  }
}

}  // namespace pi::instruments::storage
