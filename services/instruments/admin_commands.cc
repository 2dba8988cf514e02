#include "services/instruments/admin_commands.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include <nlohmann/json.hpp>

#include "services/instruments/crypto/key_ring.h"
#include "services/instruments/crypto/random_id_generator.h"
#include "services/instruments/crypto/secret_hash.h"
#include "services/instruments/server_config.h"
#include "services/instruments/storage/migrator.h"
#include "services/instruments/storage/pg_admin_store.h"

#ifndef PI_DEFAULT_MIGRATIONS_DIR
#define PI_DEFAULT_MIGRATIONS_DIR "db/migrations"
#endif

namespace pi::instruments {
int ReportFailure(absl::string_view command, const absl::Status& status) {
  std::cerr << "pi-server " << command << ": " << status.message() << "\n";
  return absl::IsInvalidArgument(status) ? 2 : 1;
}

int RunMigrate(const std::vector<std::string>& args, char** env) {
  absl::StatusOr<Settings> s = Settings::Parse({"database_url", "migrations_dir"}, args, env);
  if (!s.ok()) return ReportFailure("migrate", s.status());
  std::string url = s->Get("database_url");
  if (url.empty()) return ReportFailure("migrate", absl::InvalidArgumentError("database_url: required"));
  absl::StatusOr<storage::MigrationResult> result = storage::ApplyMigrations(
      url, s->Get("migrations_dir", PI_DEFAULT_MIGRATIONS_DIR),
      [](const std::string& name) { std::cerr << "applied " << name << "\n"; });
  if (!result.ok()) return ReportFailure("migrate", result.status());
  std::cout << nlohmann::json{{"applied", result->applied},
                              {"schema_version", result->current_version}}
                   .dump()
            << "\n";
  return 0;
}

int RunCreateApplication(const std::vector<std::string>& args, char** env) {
  absl::StatusOr<Settings> s = Settings::Parse({"database_url", "name", "role"}, args, env);
  if (!s.ok()) return ReportFailure("create-application", s.status());
  std::string url = s->Get("database_url");
  std::string name = s->Get("name");
  std::optional<domain::Role> role = domain::RoleFromName(s->Get("role", "merchant"));
  if (url.empty() || name.empty() || name.size() > 200 || !role) {
    return ReportFailure("create-application",
                absl::InvalidArgumentError("needs --database_url, --name (1..200 characters) and "
                                           "optionally --role=merchant|publishable|processor|admin"));
  }
  crypto::RandomIdGenerator ids;
  common::Secret secret = crypto::GenerateCredentialSecret();
  storage::NewApplication application{ids.NewId("AP"), name, ids.NewId("US"), *role,
                                      crypto::HashCredentialSecret(secret.Reveal())};
  if (absl::Status status = storage::CreateApplication(url, application); !status.ok()) {
    return ReportFailure("create-application", status);
  }
  std::cout << nlohmann::json{{"application_id", application.application_id},
                              {"credential_id", application.credential_id},
                              {"role", std::string(domain::RoleName(*role))},
                              {"secret", std::string(secret.Reveal())}}
                   .dump()
            << "\n";
  return 0;
}

int RunKeygen(const std::vector<std::string>& args, char** env) {
  absl::StatusOr<Settings> s = Settings::Parse({"out"}, args, env);
  if (!s.ok()) return ReportFailure("keygen", s.status());
  std::string path = s->Get("out");
  if (path.empty()) return ReportFailure("keygen", absl::InvalidArgumentError("--out=PATH is required"));
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) {
    return ReportFailure("keygen", absl::FailedPreconditionError(
                              absl::StrCat("cannot create ", path, ": ", std::strerror(errno))));
  }
  common::Secret contents = crypto::KeyRing::GenerateKeyFile();
  bool ok = ::write(fd, contents.Reveal().data(), contents.size()) ==
            static_cast<ssize_t>(contents.size());
  ok = (::close(fd) == 0) && ok;
  if (!ok) return ReportFailure("keygen", absl::InternalError(absl::StrCat("cannot write ", path)));
  return 0;
}

}  // namespace pi::instruments
