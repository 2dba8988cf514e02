// Request ids: the value that ties one request's log lines together across pi-gateway and
// pi-server (HTTP `X-Request-Id`, gRPC `x-request-id` metadata). A caller's id is logged and
// echoed, so only short ids of safe characters are taken; anything else is replaced by a new one.
#ifndef PI_SERVICES_COMMON_REQUEST_ID_H_
#define PI_SERVICES_COMMON_REQUEST_ID_H_

#include <string>

#include "absl/strings/string_view.h"

namespace pi::common {

inline constexpr size_t kMaxRequestIdLength = 128;

// 1 to 128 characters from A-Z a-z 0-9 and - _ . : / + = @ (UUIDs, ULIDs, trace ids, base64).
bool IsValidRequestId(absl::string_view id);

// "RQ" and 32 random hex digits. Not secret, so not from the cryptographic generator.
std::string NewRequestId();

}  // namespace pi::common

#endif  // PI_SERVICES_COMMON_REQUEST_ID_H_
