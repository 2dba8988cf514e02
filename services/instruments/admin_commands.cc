#include "services/instruments/admin_commands.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include <nlohmann/json.hpp>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "services/instruments/crypto/customer_jwt.h"
#include "services/instruments/crypto/key_ring.h"
#include "services/instruments/crypto/random_id_generator.h"
#include "services/instruments/crypto/secret_hash.h"
#include "services/instruments/domain/web_origin.h"
#include "services/instruments/server_config.h"
#include "services/instruments/storage/migrator.h"
#include "services/instruments/storage/pg_admin_store.h"
#include "services/instruments/storage/pg_token_repository.h"
#include "absl/time/clock.h"

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

namespace {

// A credential to create and what to print about it. The printed secret exists only here.
struct IssuedCredential {
  storage::NewCredential record;
  nlohmann::json printed;
};

// The id prefix of each kind's credentials.
absl::string_view IdPrefix(domain::CredentialKind kind) {
  switch (kind) {
    case domain::CredentialKind::kBasic: return "US";
    case domain::CredentialKind::kApiKey: return "SK";
    case domain::CredentialKind::kPublishable: return "PK";
    case domain::CredentialKind::kJwtHs256: return "JK";
  }
  return "US";
}

// Builds a new credential of `kind` for `application_id` from the settings `kind`, `role` and
// `key_file`, generating its secret. INVALID_ARGUMENT for a role the kind cannot carry.
absl::StatusOr<IssuedCredential> IssueCredential(const Settings& s,
                                                 const std::string& application_id) {
  std::optional<domain::CredentialKind> kind =
      domain::CredentialKindFromName(s.Get("kind", "basic"));
  if (!kind) {
    return absl::InvalidArgumentError("kind: basic, api_key, publishable or jwt_hs256");
  }
  std::optional<domain::Role> role;
  if (*kind == domain::CredentialKind::kPublishable) {
    role = domain::Role::kPublishable;
  } else if (*kind == domain::CredentialKind::kJwtHs256) {
    role = domain::Role::kCustomer;
  } else {
    role = domain::RoleFromName(s.Get("role", "merchant"));
    if (!role || *role == domain::Role::kPublishable || *role == domain::Role::kCustomer) {
      return absl::InvalidArgumentError("role: merchant, processor or admin for this kind");
    }
  }
  crypto::RandomIdGenerator ids;
  IssuedCredential issued;
  issued.record = {ids.NewId(IdPrefix(*kind)), application_id, *kind, *role, ""};
  const std::string& id = issued.record.credential_id;
  issued.printed = {{"credential_id", id},
                    {"kind", std::string(domain::CredentialKindName(*kind))},
                    {"role", std::string(domain::RoleName(*role))}};
  if (*kind == domain::CredentialKind::kJwtHs256) {
    absl::StatusOr<crypto::KeyRing> ring = crypto::KeyRing::Load(s.Get("key_file"));
    if (!ring.ok()) return absl::InvalidArgumentError(absl::StrCat("key_file: ", ring.status().message()));
    crypto::CustomerJwtVerifier jwt(ring->fingerprint_master_key());
    common::Secret key = jwt.SigningKey(application_id, id);
    issued.printed["signing_key"] = absl::WebSafeBase64Escape(key.Reveal());
    issued.printed["authorization"] = "Bearer <HS256 JWT with kid, sub, aud, exp>";
    return issued;
  }
  common::Secret secret = crypto::GenerateCredentialSecret();
  issued.record.secret_hash = crypto::HashCredentialSecret(secret.Reveal());
  if (*kind == domain::CredentialKind::kBasic) {
    issued.printed["secret"] = std::string(secret.Reveal());
    issued.printed["authorization"] =
        absl::StrCat("Basic ", absl::Base64Escape(absl::StrCat(id, ":", secret.Reveal())));
  } else {
    std::string key = absl::StrCat(id, "_", secret.Reveal());
    issued.printed["key"] = key;
    issued.printed["authorization"] = absl::StrCat("Bearer ", key);
  }
  return issued;
}

}  // namespace

int RunCreateApplication(const std::vector<std::string>& args, char** env) {
  constexpr absl::string_view kCommand = "create-application";
  absl::StatusOr<Settings> s = Settings::Parse(
      {"database_url", "name", "role", "kind", "key_file", "max_instruments_per_identity",
       "allowed_origins"},
      args, env);
  if (!s.ok()) return ReportFailure(kCommand, s.status());
  std::string url = s->Get("database_url");
  std::string name = s->Get("name");
  int max_instruments = 10;
  std::vector<std::string> problems;
  s->GetInt("max_instruments_per_identity", 1, 1000000, max_instruments, problems);
  if (url.empty() || name.empty() || name.size() > 200 || !problems.empty()) {
    return ReportFailure(kCommand, absl::InvalidArgumentError(
                                       "needs --database_url, --name (1..200 characters) and "
                                       "optionally --max_instruments_per_identity=1..1000000, "
                                       "--kind and --role (see create-credential)"));
  }
  absl::StatusOr<std::vector<std::string>> origins =
      domain::ParseOriginList(s->Get("allowed_origins"));
  if (!origins.ok()) {
    return ReportFailure(kCommand, absl::InvalidArgumentError(absl::StrCat(
                                       "allowed_origins: ", origins.status().message())));
  }
  crypto::RandomIdGenerator ids;
  storage::NewApplication application{ids.NewId("AP"), name, max_instruments, *origins};
  absl::StatusOr<IssuedCredential> credential = IssueCredential(*s, application.application_id);
  if (!credential.ok()) return ReportFailure(kCommand, credential.status());
  if (absl::Status status = storage::CreateApplication(url, application, credential->record);
      !status.ok()) {
    return ReportFailure(kCommand, status);
  }
  credential->printed["application_id"] = application.application_id;
  credential->printed["max_instruments_per_identity"] = max_instruments;
  credential->printed["allowed_origins"] = *origins;
  std::cout << credential->printed.dump() << "\n";
  return 0;
}

int RunCreateCredential(const std::vector<std::string>& args, char** env) {
  constexpr absl::string_view kCommand = "create-credential";
  absl::StatusOr<Settings> s = Settings::Parse(
      {"database_url", "application", "role", "kind", "key_file"}, args, env);
  if (!s.ok()) return ReportFailure(kCommand, s.status());
  std::string url = s->Get("database_url");
  std::string application = s->Get("application");
  if (url.empty() || application.empty()) {
    return ReportFailure(kCommand, absl::InvalidArgumentError(
                                       "needs --database_url, --application=AP... and --kind"));
  }
  absl::StatusOr<IssuedCredential> credential = IssueCredential(*s, application);
  if (!credential.ok()) return ReportFailure(kCommand, credential.status());
  if (absl::Status status = storage::CreateCredential(url, credential->record); !status.ok()) {
    return ReportFailure(kCommand, status);
  }
  credential->printed["application_id"] = application;
  std::cout << credential->printed.dump() << "\n";
  return 0;
}

int RunSetAllowedOrigins(const std::vector<std::string>& args, char** env) {
  constexpr absl::string_view kCommand = "set-allowed-origins";
  absl::StatusOr<Settings> s =
      Settings::Parse({"database_url", "application", "allowed_origins"}, args, env);
  if (!s.ok()) return ReportFailure(kCommand, s.status());
  std::string url = s->Get("database_url");
  std::string application = s->Get("application");
  if (url.empty() || application.empty()) {
    return ReportFailure(kCommand, absl::InvalidArgumentError(
                                       "needs --database_url, --application=AP... and "
                                       "--allowed_origins=ORIGIN,... (none clears them)"));
  }
  absl::StatusOr<std::vector<std::string>> origins =
      domain::ParseOriginList(s->Get("allowed_origins"));
  if (!origins.ok()) {
    return ReportFailure(kCommand, absl::InvalidArgumentError(absl::StrCat(
                                       "allowed_origins: ", origins.status().message())));
  }
  if (absl::Status status = storage::SetAllowedOrigins(url, application, *origins); !status.ok()) {
    return ReportFailure(kCommand, status);
  }
  std::cout << nlohmann::json{{"application_id", application}, {"allowed_origins", *origins}}.dump()
            << "\n";
  return 0;
}

int RunRevokeCredential(const std::vector<std::string>& args, char** env) {
  constexpr absl::string_view kCommand = "revoke-credential";
  absl::StatusOr<Settings> s =
      Settings::Parse({"database_url", "application", "credential"}, args, env);
  if (!s.ok()) return ReportFailure(kCommand, s.status());
  if (s->Get("database_url").empty() || s->Get("application").empty() ||
      s->Get("credential").empty()) {
    return ReportFailure(kCommand, absl::InvalidArgumentError(
                                       "needs --database_url, --application and --credential"));
  }
  if (absl::Status status = storage::RevokeCredential(s->Get("database_url"),
                                                      s->Get("application"),
                                                      s->Get("credential"));
      !status.ok()) {
    return ReportFailure(kCommand, status);
  }
  std::cout << nlohmann::json{{"revoked_credential_id", s->Get("credential")}}.dump() << "\n";
  return 0;
}

int RunPurgeExpired(const std::vector<std::string>& args, char** env) {
  constexpr absl::string_view kCommand = "purge-expired";
  absl::StatusOr<Settings> s = Settings::Parse({"database_url"}, args, env);
  if (!s.ok()) return ReportFailure(kCommand, s.status());
  if (s->Get("database_url").empty()) {
    return ReportFailure(kCommand, absl::InvalidArgumentError("needs --database_url"));
  }
  absl::StatusOr<storage::SweepResult> swept =
      storage::SweepExpired(s->Get("database_url"), absl::Now());
  if (!swept.ok()) return ReportFailure(kCommand, swept.status());
  std::cout << nlohmann::json{{"token_payloads_deleted", swept->token_payloads_deleted},
                              {"tokens_deleted", swept->tokens_deleted},
                              {"idempotency_keys_deleted", swept->idempotency_keys_deleted}}
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
