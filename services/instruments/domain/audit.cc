#include "services/instruments/domain/audit.h"

#include "services/common/error.h"

namespace pi::instruments::domain {

AuditEvent MakeAuditEvent(const Caller& caller, absl::string_view action,
                          absl::string_view resource_id, const absl::Status& status) {
  std::string outcome = "OK";
  if (!status.ok()) {
    outcome = common::ErrorReasonOf(status);
    if (outcome.empty()) outcome = absl::StatusCodeToString(status.code());
  }
  return {caller.application_id, caller.credential_id, std::string(action),
          std::string(resource_id), std::move(outcome), caller.request_id};
}

}  // namespace pi::instruments::domain
