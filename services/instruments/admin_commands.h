// The admin CLI: pi-server subcommands other than `serve`. Each returns a process exit code and
// writes results to stdout (JSON where scripts read it) and problems to stderr.
#ifndef PI_SERVICES_INSTRUMENTS_ADMIN_COMMANDS_H_
#define PI_SERVICES_INSTRUMENTS_ADMIN_COMMANDS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace pi::instruments {

// Reports `status` of `command` on stderr; returns the exit code (2 for bad arguments, else 1).
int ReportFailure(absl::string_view command, const absl::Status& status);

// migrate --database_url=... [--migrations_dir=...]
int RunMigrate(const std::vector<std::string>& args, char** env);
// create-application --database_url=... --name=... [--role=merchant]
// Prints {"application_id", "credential_id", "secret"}: the secret is shown this once only.
int RunCreateApplication(const std::vector<std::string>& args, char** env);
// keygen --out=PATH: writes a new key file (mode 0600); refuses to overwrite.
int RunKeygen(const std::vector<std::string>& args, char** env);

}  // namespace pi::instruments

#endif  // PI_SERVICES_INSTRUMENTS_ADMIN_COMMANDS_H_
