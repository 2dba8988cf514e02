// Raw settings of one command, read once at start: every setting comes from an environment
// variable `PI_<NAME>` and may be overridden by a flag `--<name>=<value>` (lower case, e.g.
// PI_GRPC_ADDRESS / --grpc_address). Unknown flags are errors. Used by pi-server and pi-gateway.
#ifndef PI_SERVICES_COMMON_SETTINGS_H_
#define PI_SERVICES_COMMON_SETTINGS_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace pi::common {

class Settings {
 public:
  // `allowed` lists the lower-case names the command accepts. `args` excludes the program and
  // command names. `env` is the process environment as NAME=VALUE strings. INVALID_ARGUMENT
  // listing every malformed or unknown flag, one per line.
  static absl::StatusOr<Settings> Parse(const std::vector<std::string>& allowed,
                                        const std::vector<std::string>& args, char** env);

  // The value of `name`, or `fallback` when unset or empty.
  std::string Get(const std::string& name, const std::string& fallback = "") const;
  // The value of `name`, or `fallback` when unset; an explicitly empty value stays empty (for
  // settings where "" means off).
  std::string GetOrEmpty(const std::string& name, const std::string& fallback) const;

  // Typed reads: leave `out` unchanged when unset; append a message to `problems` when malformed.
  void GetInt(const std::string& name, int low, int high, int& out,
              std::vector<std::string>& problems) const;
  void GetDuration(const std::string& name, absl::Duration& out,
                   std::vector<std::string>& problems) const;

 private:
  std::map<std::string, std::string> values_;
};

// Splits "host:port" ("[::1]:9090" too; port 0 to 65535). INVALID_ARGUMENT when malformed.
absl::StatusOr<std::pair<std::string, int>> SplitHostPort(const std::string& address);

}  // namespace pi::common

#endif  // PI_SERVICES_COMMON_SETTINGS_H_
