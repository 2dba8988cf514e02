#include "services/instruments/domain/idempotency_guard.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/common/error.h"

namespace pi::instruments::domain {
namespace {

// The operation name InstrumentService records with its keys.
constexpr absl::string_view kOperation = "instrument.create";

absl::Status KeyInUse() {
  return common::MakeError(absl::StatusCode::kAborted, "IDEMPOTENCY_KEY_IN_USE",
                           "a request with this idempotency key is still being processed");
}

}  // namespace

absl::Status ValidateIdempotencyKey(absl::string_view key) {
  bool ok = key.size() <= kMaxIdempotencyKeyLength;
  for (char c : key) ok = ok && absl::ascii_isgraph(static_cast<unsigned char>(c));
  if (ok) return absl::OkStatus();
  return common::InvalidFields(
      {{"idempotency_key", absl::StrCat("must be at most ", kMaxIdempotencyKeyLength,
                                        " printable ASCII characters without spaces")}});
}

void IdempotencyGuard::Run(const Caller& caller, Create create, Done done) {
  if (caller.idempotency_key.empty()) return std::move(create)(std::move(done));
  AnswerFromKey(
      caller, std::move(done),
      [this, caller, create = std::move(create)](Done finish) mutable {
        std::move(create)([this, caller, done = std::move(finish)](
                              absl::StatusOr<Instrument> created) mutable {
          if (!created.ok() && common::ErrorReasonOf(created.status()) == "IDEMPOTENCY_KEY_IN_USE") {
            // A concurrent request committed this key first: answer with its result.
            return AnswerFromKey(caller, std::move(done),
                                 [](Done still_absent) { std::move(still_absent)(KeyInUse()); });
          }
          std::move(done)(std::move(created));
        });
      });
}

void IdempotencyGuard::AnswerFromKey(const Caller& caller, Done done,
                                     absl::AnyInvocable<void(Done) &&> if_absent) {
  keys_.Find(
      caller.application_id, caller.idempotency_key,
      [this, caller, done = std::move(done),
       if_absent = std::move(if_absent)](absl::StatusOr<StoredIdempotencyKey> stored) mutable {
        if (absl::IsNotFound(stored.status())) return std::move(if_absent)(std::move(done));
        if (!stored.ok()) return std::move(done)(stored.status());
        if (stored->operation != kOperation || stored->request_hash != caller.request_hash) {
          return std::move(done)(common::MakeError(
              absl::StatusCode::kFailedPrecondition, "IDEMPOTENCY_KEY_REUSED",
              "this idempotency key was used with a different request"));
        }
        instruments_.Find(
            caller.application_id, stored->resource_id,
            [caller, done = std::move(done)](absl::StatusOr<Instrument> found) mutable {
              // A customer replays only its own identity's creates.
              if (found.ok() && caller.role == Role::kCustomer &&
                  found->identity_id != caller.customer_identity_id) {
                return std::move(done)(common::MakeError(
                    absl::StatusCode::kFailedPrecondition, "IDEMPOTENCY_KEY_REUSED",
                    "this idempotency key was used with a different request"));
              }
              std::move(done)(std::move(found));
            });
      });
}

}  // namespace pi::instruments::domain
