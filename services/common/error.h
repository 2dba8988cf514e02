// The one error model of the service, expressed on absl::Status so every layer can use it.
//
// A Status may carry two payloads, stored under their google.rpc type URLs as serialized protos:
//   - google.rpc.ErrorInfo{reason, domain}: a stable reason (an ErrorReason name from
//     proto/payments/instruments/v1/errors.proto) in domain kErrorDomain;
//   - google.rpc.BadRequest: every field violation, by canonical field path.
// The gRPC adapter copies them into google.rpc.Status details unchanged; the gateway renders them
// in each vendor's dialect. Callers never see proto types through this header.
#ifndef PI_SERVICES_COMMON_ERROR_H_
#define PI_SERVICES_COMMON_ERROR_H_

#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/status.h"

namespace pi::common {

inline constexpr absl::string_view kErrorDomain = "instruments.payments.v1";
inline constexpr absl::string_view kErrorInfoTypeUrl =
    "type.googleapis.com/google.rpc.ErrorInfo";
inline constexpr absl::string_view kBadRequestTypeUrl =
    "type.googleapis.com/google.rpc.BadRequest";

// One invalid field: `field` is the canonical proto path (e.g. "payment_instrument.card.number"),
// `description` a human message that never echoes a secret value.
struct FieldViolation {
  std::string field;
  std::string description;

  friend bool operator==(const FieldViolation&, const FieldViolation&) = default;
};

// A Status with `code`, `message` and an ErrorInfo carrying `reason`.
absl::Status MakeError(absl::StatusCode code, absl::string_view reason, absl::string_view message);

// INVALID_ARGUMENT, reason INVALID_FIELDS, and a BadRequest listing all `violations`.
// `violations` must not be empty.
absl::Status InvalidFields(const std::vector<FieldViolation>& violations);

// The ErrorInfo reason of `status`, or "" when it has none.
std::string ErrorReasonOf(const absl::Status& status);

// The BadRequest violations of `status`, empty when it has none.
std::vector<FieldViolation> FieldViolationsOf(const absl::Status& status);

}  // namespace pi::common

#endif  // PI_SERVICES_COMMON_ERROR_H_
