// The wire format between the create batcher and create_payment_instruments() (migration 0007):
// one JSON element per instrument record, and the status each outcome the function reports stands
// for. Pure functions; the SQL function documents the format.
#ifndef PI_SERVICES_INSTRUMENTS_STORAGE_PG_CREATE_BATCH_H_
#define PI_SERVICES_INSTRUMENTS_STORAGE_PG_CREATE_BATCH_H_

#include <nlohmann/json.hpp>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "services/instruments/domain/ports.h"

namespace pi::instruments::storage {

// The element create_payment_instruments() reads for `record`. Holds the sealed secret (hex of
// the ciphertext), never a clear one; do not log it.
nlohmann::json CreateBatchElement(const domain::InstrumentRecord& record);

// The status a create of `record` answers for the function's `outcome`: OK; the refusals the
// InstrumentRepository contract names (ABORTED DATA_KEY_ROTATED / IDEMPOTENCY_KEY_IN_USE,
// FAILED_PRECONDITION TOKEN_ALREADY_USED / TOKEN_EXPIRED / MAX_INSTRUMENT_COUNT, NOT_FOUND for a
// missing token, INVALID_ARGUMENT on `payment_instrument.identity`); ALREADY_EXISTS for a
// duplicate id; INTERNAL for anything else.
absl::Status StatusFromCreateOutcome(absl::string_view outcome);

// True when the outcome is a transient conflict between concurrent transactions (deadlock,
// serialization failure): the record may be tried again in a later batch.
bool IsRetryableCreateOutcome(absl::string_view outcome);

}  // namespace pi::instruments::storage

#endif  // PI_SERVICES_INSTRUMENTS_STORAGE_PG_CREATE_BATCH_H_
