// Query-string and path-segment decoding for the dialects (Boost 1.74 has no Boost.URL and Beast
// leaves the target unparsed): `a=1&b=x%20y` -> {a: "1", b: "x y"}. '+' decodes to a space in a
// query, as forms encode it. A repeated name keeps its first value. Malformed percent escapes are
// an error, not guessed at.
#ifndef PI_GATEWAY_CORE_QUERY_STRING_H_
#define PI_GATEWAY_CORE_QUERY_STRING_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace pi::gateway::core {

absl::StatusOr<std::map<std::string, std::string>> ParseQueryString(absl::string_view query);

// One path segment, e.g. a path parameter: "a%40b" -> "a@b"; '+' is a plain '+' in paths.
absl::StatusOr<std::string> DecodePathSegment(absl::string_view segment);

}  // namespace pi::gateway::core

#endif  // PI_GATEWAY_CORE_QUERY_STRING_H_
