// Checks a RetryingCreateLoad's ledger against the system after the dust settles, through the
// API and directly in the database:
//   - every acknowledged create is readable (GetPaymentInstrument) under the acknowledged id,
//     with its own card's last four, and its row and idempotency key are in the database, the
//     key naming that id (else: lost);
//   - sending an acknowledged create again under its key answers the same id, and no request's
//     card (each request has its own, so its own fingerprint) has more than one row (else:
//     duplicated);
//   - every row of the application is named by an idempotency key (else: unkeyed, a row a retry
//     could not have found).
// Not thread-safe (runs its own threads).
#ifndef PI_TESTS_RELIABILITY_DURABILITY_AUDIT_H_
#define PI_TESTS_RELIABILITY_DURABILITY_AUDIT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "tests/reliability/retrying_create_load.h"

namespace pi::reliability {

struct AuditTarget {
  std::string grpc_target;
  std::string authorization;
  std::string database_url;
  std::string application_id;
};

struct AuditResult {
  int64_t acknowledged = 0;
  int64_t found = 0;       // readable through the API and present in the database as acknowledged
  int64_t lost = 0;        // acknowledged, not found
  int64_t duplicated = 0;  // extra rows of one request's card, plus keys answering two ids
  int64_t unkeyed = 0;     // rows no idempotency key names
  int64_t rows = 0;        // instrument rows of the application
  int64_t keys = 0;        // idempotency keys of the application
  std::vector<std::string> examples;  // a few problems, for the report
};

AuditResult AuditCreates(const std::vector<KeyRecord>& records, const AuditTarget& target);

}  // namespace pi::reliability

#endif  // PI_TESTS_RELIABILITY_DURABILITY_AUDIT_H_
