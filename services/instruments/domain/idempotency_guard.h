// Idempotency keys for creates, as Stripe documents them. Before a create runs, the caller's key
// is looked up:
//   - unknown: the create runs and records the key in its own transaction;
//   - known, same operation and same request content: the stored result is returned (the same
//     instrument, as it is now) and nothing is created;
//   - known for a different request: FAILED_PRECONDITION, reason IDEMPOTENCY_KEY_REUSED.
// When concurrent requests race with one key, the first to commit wins; the others find its key
// at commit (IDEMPOTENCY_KEY_IN_USE from the repository), look it up again and return its result,
// or answer ABORTED with IDEMPOTENCY_KEY_IN_USE if it cannot be read yet. Keys are per
// application. Calls without a key pass straight through. Thread-safe.
#ifndef PI_SERVICES_INSTRUMENTS_DOMAIN_IDEMPOTENCY_GUARD_H_
#define PI_SERVICES_INSTRUMENTS_DOMAIN_IDEMPOTENCY_GUARD_H_

#include <string>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/instruments/domain/caller.h"
#include "services/instruments/domain/ports.h"

namespace pi::instruments::domain {

// Longest idempotency key accepted (Stripe: 255 characters).
inline constexpr size_t kMaxIdempotencyKeyLength = 255;

// OK for an empty key or 1..kMaxIdempotencyKeyLength printable ASCII characters; otherwise
// INVALID_ARGUMENT on field `idempotency_key`.
absl::Status ValidateIdempotencyKey(absl::string_view key);

class IdempotencyGuard {
 public:
  using Done = absl::AnyInvocable<void(absl::StatusOr<Instrument>) &&>;
  using Create = absl::AnyInvocable<void(Done) &&>;

  // The references must outlive the guard.
  IdempotencyGuard(IdempotencyKeyStore& keys, InstrumentRepository& instruments)
      : keys_(keys), instruments_(instruments) {}

  // Runs `create` under `caller`'s idempotency key (see above); `done` runs exactly once.
  void Run(const Caller& caller, Create create, Done done);

 private:
  // Answers from the stored key: the instrument it names, or the reason it cannot.
  // `if_absent` runs instead when the key is unknown.
  void AnswerFromKey(const Caller& caller, Done done, absl::AnyInvocable<void(Done) &&> if_absent);

  IdempotencyKeyStore& keys_;
  InstrumentRepository& instruments_;
};

}  // namespace pi::instruments::domain

#endif  // PI_SERVICES_INSTRUMENTS_DOMAIN_IDEMPOTENCY_GUARD_H_
