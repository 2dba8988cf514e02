// The audit trail's vocabulary: one event per audited action (create, update, disable, reveal,
// token use, authentication failure, key operation). Events carry ids, names and reason codes,
// never card data, account numbers or secrets.
#ifndef PI_SERVICES_INSTRUMENTS_DOMAIN_AUDIT_H_
#define PI_SERVICES_INSTRUMENTS_DOMAIN_AUDIT_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "services/instruments/domain/caller.h"

namespace pi::instruments::domain {

struct AuditEvent {
  std::string application_id;  // empty when the caller could not be identified
  std::string credential_id;
  std::string action;          // e.g. "instrument.create", "auth.failure"
  std::string resource_id;
  std::string outcome;         // "OK" or an ErrorReason name
  std::string request_id;
  // Free text a caller supplied for the record (a reveal's reason); validated by the caller
  // never to hold a card or account number.
  std::string detail;
};

// `action` by `caller` on `resource_id`, with the outcome `status` stands for.
AuditEvent MakeAuditEvent(const Caller& caller, absl::string_view action,
                          absl::string_view resource_id, const absl::Status& status);

// Appends events outside any other transaction (events that belong to a write travel with it
// instead; see InstrumentRepository). Never blocks; a failure to record is logged, not returned,
// because the audited call has already happened. Thread-safe.
class AuditLog {
 public:
  virtual ~AuditLog() = default;
  virtual void Append(AuditEvent event) = 0;
};

}  // namespace pi::instruments::domain

#endif  // PI_SERVICES_INSTRUMENTS_DOMAIN_AUDIT_H_
