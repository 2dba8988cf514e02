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
// create-application --database_url=... --name=... [--role=merchant] [--kind=basic]
//                    [--max_instruments_per_identity=10] [--key_file=... for kind jwt_hs256]
//                    [--allowed_origins=https://shop.example,http://localhost:3000]
// Creates an application and its first credential; prints the credential as
// create-credential does, plus "application_id" and "allowed_origins". Secrets are shown this
// once only.
int RunCreateApplication(const std::vector<std::string>& args, char** env);
// create-credential --database_url=... --application=AP... --kind=basic|api_key|publishable|
//                   jwt_hs256 [--role=merchant|processor|admin] [--key_file=... for jwt_hs256]
// Prints {"credential_id", "kind", "role", "authorization" (the header value to send) and
// "secret" (basic), "key" (api_key, publishable) or "signing_key" (jwt_hs256, base64url)}.
// Publishable keys always have the publishable role, JWT keys the customer role.
int RunCreateCredential(const std::vector<std::string>& args, char** env);
// set-allowed-origins --database_url=... --application=AP... [--allowed_origins=O1,O2,...]
// Replaces the web origins allowed to use the application's hosted fields and browser
// tokenization (scheme://host[:port] each, canonicalized; no path, no wildcard); without
// --allowed_origins, clears them. Audited. Prints {"application_id", "allowed_origins"}.
int RunSetAllowedOrigins(const std::vector<std::string>& args, char** env);
// revoke-credential --database_url=... --application=AP... --credential=ID
int RunRevokeCredential(const std::vector<std::string>& args, char** env);
// purge-expired --database_url=...: deletes expired token payloads, old token rows and expired
// idempotency keys now (pi-server also does it every sweep_interval); prints the counts.
int RunPurgeExpired(const std::vector<std::string>& args, char** env);
// keygen --out=PATH: writes a new key file (mode 0600); refuses to overwrite.
int RunKeygen(const std::vector<std::string>& args, char** env);

}  // namespace pi::instruments

#endif  // PI_SERVICES_INSTRUMENTS_ADMIN_COMMANDS_H_
