#include "services/instruments/key_commands.h"

#include <fcntl.h>
#include <unistd.h>

#include <iostream>

#include <nlohmann/json.hpp>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/common/settings.h"
#include "services/instruments/admin_commands.h"
#include "services/instruments/admin/key_rotation.h"
#include "services/instruments/admin/progress_bar.h"
#include "services/instruments/crypto/key_provider.h"
#include "services/instruments/crypto/key_ring.h"
#include "services/instruments/storage/pg_admin_store.h"
#include "services/instruments/storage/pg_key_admin.h"

namespace pi::instruments {
namespace {

// Everything a key command may need, loaded from its settings. The ring lives on the heap: the
// provider refers to it, and the context is moved when returned.
struct KeyCommandContext {
  common::Settings settings;
  std::unique_ptr<crypto::KeyRing> ring;
  std::unique_ptr<crypto::FileKeyProvider> provider;
  std::unique_ptr<storage::PgKeyAdmin> keys;
};

absl::StatusOr<KeyCommandContext> Load(const std::vector<std::string>& allowed,
                                       const std::vector<std::string>& args, char** env,
                                       bool needs_ring, bool needs_database) {
  absl::StatusOr<common::Settings> settings = common::Settings::Parse(allowed, args, env);
  if (!settings.ok()) return settings.status();
  KeyCommandContext context{*std::move(settings), nullptr, nullptr, nullptr};
  if (needs_ring) {
    std::string path = context.settings.Get("key_file");
    if (path.empty()) return absl::InvalidArgumentError("key_file: required");
    absl::StatusOr<crypto::KeyRing> ring = crypto::KeyRing::Load(path);
    if (!ring.ok()) return ring.status();
    context.ring = std::make_unique<crypto::KeyRing>(*std::move(ring));
    context.provider = std::make_unique<crypto::FileKeyProvider>(*context.ring);
  }
  if (needs_database) {
    std::string url = context.settings.Get("database_url");
    if (url.empty()) return absl::InvalidArgumentError("database_url: required");
    absl::StatusOr<std::unique_ptr<storage::PgKeyAdmin>> keys = storage::PgKeyAdmin::Connect(url);
    if (!keys.ok()) return keys.status();
    context.keys = *std::move(keys);
  }
  return context;
}

absl::StatusOr<uint32_t> VersionSetting(const common::Settings& settings) {
  uint32_t version = 0;
  if (!absl::SimpleAtoi(settings.Get("version"), &version) || version == 0) {
    return absl::InvalidArgumentError("version: a positive KEK version is required");
  }
  return version;
}

int KekAdd(const std::vector<std::string>& args, char** env) {
  auto context = Load({"key_file"}, args, env, /*needs_ring=*/true, /*needs_database=*/false);
  if (!context.ok()) return ReportFailure("kek-add", context.status());
  uint32_t version = context->ring->versions().back() + 1;
  std::string path = context->settings.Get("key_file");
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND);
  common::Secret line = crypto::KeyRing::NewKekLine(version);
  bool ok = fd >= 0 && ::write(fd, line.Reveal().data(), line.size()) ==
                           static_cast<ssize_t>(line.size());
  if (fd >= 0) ok = (::close(fd) == 0) && ok;
  if (!ok) return ReportFailure("kek-add", absl::InternalError(absl::StrCat("cannot append to ", path)));
  std::cout << nlohmann::json{{"added_kek_version", version}}.dump() << "\n";
  return 0;
}

int KekActivate(const std::vector<std::string>& args, char** env) {
  auto context = Load({"key_file", "database_url", "version"}, args, env, true, true);
  if (!context.ok()) return ReportFailure("kek-activate", context.status());
  absl::StatusOr<uint32_t> version = VersionSetting(context->settings);
  if (!version.ok()) return ReportFailure("kek-activate", version.status());
  if (!context->provider->HasVersion(*version)) {
    return ReportFailure("kek-activate", absl::FailedPreconditionError(absl::StrCat(
                                    "KEK version ", *version, " is not in the key file")));
  }
  if (absl::Status s = context->keys->SetActiveKek(*version); !s.ok()) {
    return ReportFailure("kek-activate", s);
  }
  std::cout << nlohmann::json{{"active_kek_version", *version}}.dump() << "\n";
  return 0;
}

int RewrapDeks(const std::vector<std::string>& args, char** env) {
  auto context = Load({"key_file", "database_url"}, args, env, true, true);
  if (!context.ok()) return ReportFailure("rewrap-deks", context.status());
  admin::ProgressBar bar("rewrapping data keys");
  absl::StatusOr<int> rewrapped = admin::RewrapDataKeys(
      *context->keys, *context->provider, [&](int64_t done, int64_t total) {
        bar.Update(done, total);
      });
  bar.Finish();
  if (!rewrapped.ok()) return ReportFailure("rewrap-deks", rewrapped.status());
  std::cout << nlohmann::json{{"rewrapped_data_keys", *rewrapped}}.dump() << "\n";
  return 0;
}

int KekRetire(const std::vector<std::string>& args, char** env) {
  auto context = Load({"database_url", "version"}, args, env, false, true);
  if (!context.ok()) return ReportFailure("kek-retire", context.status());
  absl::StatusOr<uint32_t> version = VersionSetting(context->settings);
  if (!version.ok()) return ReportFailure("kek-retire", version.status());
  if (absl::Status s = context->keys->SetMinKek(*version); !s.ok()) return ReportFailure("kek-retire", s);
  std::cout << nlohmann::json{{"min_kek_version", *version}}.dump() << "\n";
  return 0;
}

int Reencrypt(const std::string& command, const std::vector<std::string>& args, char** env,
              bool rotate_first) {
  auto context = Load({"key_file", "database_url", "application", "batch_size"}, args, env,
                      true, true);
  if (!context.ok()) return ReportFailure(command, context.status());
  std::string application = context->settings.Get("application");
  int batch_size = 500;
  std::vector<std::string> problems;
  context->settings.GetInt("batch_size", 1, 100000, batch_size, problems);
  if (application.empty() || !problems.empty()) {
    return ReportFailure(command, absl::InvalidArgumentError(
                             "needs --application=AP... and optionally --batch_size=1..100000"));
  }
  nlohmann::json out = {{"application_id", application}};
  if (rotate_first) {
    absl::StatusOr<uint32_t> version =
        admin::RotateDataKey(*context->keys, *context->provider, application);
    if (!version.ok()) return ReportFailure(command, version.status());
    out["active_data_key_version"] = *version;
  }
  admin::ProgressBar bar("re-encrypting rows");
  absl::StatusOr<admin::ReencryptResult> result = admin::ReencryptApplication(
      *context->keys, *context->provider, application, batch_size,
      [&](int64_t done, int64_t total) { bar.Update(done, total); });
  bar.Finish();
  if (!result.ok()) return ReportFailure(command, result.status());
  out["reencrypted_rows"] = result->rows;
  out["retired_data_key_versions"] = result->retired_versions;
  std::cout << out.dump() << "\n";
  return 0;
}

int RunKeyCommandUnaudited(const std::string& command, const std::vector<std::string>& args,
                           char** env) {
  if (command == "kek-add") return KekAdd(args, env);
  if (command == "kek-activate") return KekActivate(args, env);
  if (command == "rewrap-deks") return RewrapDeks(args, env);
  if (command == "kek-retire") return KekRetire(args, env);
  if (command == "rotate-dek") return Reencrypt(command, args, env, /*rotate_first=*/true);
  if (command == "reencrypt") return Reencrypt(command, args, env, /*rotate_first=*/false);
  return -1;
}

// Records a key command and its outcome in the audit trail when it names a database (kek-add
// may only touch the key file).
void AuditKeyCommand(const std::string& command, const std::vector<std::string>& args,
                     char** env, int exit_code) {
  absl::StatusOr<common::Settings> settings = common::Settings::Parse(
      {"key_file", "database_url", "version", "application", "batch_size"}, args, env);
  if (!settings.ok() || settings->Get("database_url").empty()) return;
  std::string application = settings->Get("application");
  std::string resource =
      application.empty() ? absl::StrCat("kek:", settings->Get("version")) : application;
  absl::Status recorded = storage::AppendAuditEvent(
      settings->Get("database_url"),
      {application, "admin-cli", absl::StrCat("key.", command), resource,
       exit_code == 0 ? "OK" : absl::StrCat("EXIT_", exit_code), ""});
  if (!recorded.ok()) {
    std::cerr << "pi-server " << command << ": audit event not recorded: " << recorded.message()
              << "\n";
  }
}

}  // namespace

int RunKeyCommand(const std::string& command, const std::vector<std::string>& args, char** env) {
  int code = RunKeyCommandUnaudited(command, args, env);
  if (code >= 0) AuditKeyCommand(command, args, env, code);
  return code;
}

}  // namespace pi::instruments
