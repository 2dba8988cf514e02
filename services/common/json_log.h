// Structured logging: one JSON object per line on stderr, safe to call from any thread.
//
// Callers pass only non-sensitive fields: never a PAN, security code, account number, key,
// secret or authorization header. Secret has no JSON conversion, so it cannot be logged by
// accident.
#ifndef PI_SERVICES_COMMON_JSON_LOG_H_
#define PI_SERVICES_COMMON_JSON_LOG_H_

#include "absl/strings/string_view.h"

#include <nlohmann/json.hpp>

namespace pi::common {

// Writes "ts" (RFC 3339, UTC, milliseconds), "level" and "msg", then `fields` (a field of one of
// those three names is dropped), as one line in one write(2), unless `level` is below the minimum
// level. Levels: "debug" < "info" < "warn" < "error". Invalid UTF-8 in a value is replaced.
void LogJson(absl::string_view level, absl::string_view msg, nlohmann::json fields = {});

// True for the four level names above.
bool IsLogLevel(absl::string_view level);
// Drops lines below `level` from now on (default "info"); call at start, before logging from
// other threads matters. Ignores an unknown name.
void SetMinLogLevel(absl::string_view level);

}  // namespace pi::common

#endif  // PI_SERVICES_COMMON_JSON_LOG_H_
