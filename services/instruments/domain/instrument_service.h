// The instrument use cases: validate every field, enrich (brand, BIN data, verification), mask,
// fingerprint, seal the one secret (PAN, account number or wallet token) and store; fetch a
// masked instrument.
//
// Validation, enrichment and fingerprinting run on the calling thread (microseconds); sealing
// and storage complete asynchronously and `done` runs exactly once, usually on a storage thread.
// If the data key rotated between sealing and storing, the secret is sealed again under the new
// key and stored once more. Security codes are used for verification only and never stored.
// Codes: INVALID_ARGUMENT with every field violation (reason INVALID_FIELDS), NOT_FOUND, and the
// sealer's and repository's codes (FAILED_PRECONDITION / MAX_INSTRUMENT_COUNT at the owner's
// limit).
//
// Tenancy: every call is scoped to the caller's application; a customer caller (customer JWT)
// sees only its own identity's instruments, and any other answers NOT_FOUND. Authorization by
// role happens before these calls (authorization.h).
//
// Audit: creates and updates are recorded with the row when they succeed and appended on their
// own when they fail; every reveal is recorded, whatever its outcome. Thread-safe.
#ifndef PI_SERVICES_INSTRUMENTS_DOMAIN_INSTRUMENT_SERVICE_H_
#define PI_SERVICES_INSTRUMENTS_DOMAIN_INSTRUMENT_SERVICE_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/instruments/domain/audit.h"
#include "services/instruments/domain/bank_account_validation.h"
#include "services/instruments/domain/bin_table.h"
#include "services/instruments/domain/caller.h"
#include "services/instruments/domain/card_validation.h"
#include "services/instruments/domain/instrument_update.h"
#include "services/instruments/domain/ports.h"
#include "services/instruments/domain/verifier.h"
#include "services/instruments/domain/wallet_validation.h"

namespace pi::instruments::domain {

// A revealed instrument: the masked instrument and its clear secret (PAN or account number).
struct RevealedInstrument {
  Instrument instrument;
  common::Secret secret;
};

// How long an idempotency key is kept after its request (Stripe keeps them 24 hours).
inline constexpr absl::Duration kIdempotencyKeyRetention = absl::Hours(24);

// What a create may carry besides the caller's data.
struct CreateOptions {
  // The token this create consumes ("" for none): stored atomically with the instrument, and
  // the instrument is marked as created from a token.
  std::string consume_token_id;
};

// Longest justification a reveal may carry into the audit trail.
inline constexpr size_t kMaxRevealReasonLength = 200;

class InstrumentService {
 public:
  using Done = absl::AnyInvocable<void(absl::StatusOr<Instrument>) &&>;
  using Clock = std::function<absl::Time()>;

  // What the use cases need; every reference must outlive the service.
  struct Dependencies {
    InstrumentRepository& repository;
    FieldSealer& sealer;
    FieldOpener& opener;
    AuditLog& audit;
    const Fingerprinter& fingerprinter;
    const IdGenerator& ids;
    const BinTable& bins;
    const Verifier& verifier;
    Clock clock;
  };

  explicit InstrumentService(Dependencies deps) : deps_(std::move(deps)) {}

  // Each creates an instrument owned by `caller`'s application; the command's secrets are wiped
  // when the call returns. A non-empty `caller.idempotency_key` is recorded with the instrument
  // (see IdempotencyGuard for the lookup that must come first).
  void CreateCard(const Caller& caller, NewCard card, Done done, CreateOptions options = {});
  void CreateBankAccount(const Caller& caller, NewBankAccount account, Done done,
                         CreateOptions options = {});
  void CreateWallet(const Caller& caller, NewWallet wallet, Done done);

  // The masked instrument `id`, if it belongs to `caller`'s application.
  void Get(const Caller& caller, std::string id, Done done);

  // Applies `update` (re-validated) to `caller`'s instrument `id`; see instrument_update.h.
  void Update(const Caller& caller, std::string id, InstrumentUpdate update, Done done);

  using ListDone = InstrumentRepository::ListDone;
  // A page of `caller`'s application's instruments; INVALID_ARGUMENT for bad filters or tokens.
  void List(const Caller& caller, const ListRequest& request, ListDone done);

  // The clear PAN (or account number) of `caller`'s instrument `id`, for processor callers.
  // `reason` (1..kMaxRevealReasonLength characters; at most 4 digits in a row and 8 in all, so
  // no card or account number fits in it) is required and recorded with the audited outcome.
  using RevealDone = absl::AnyInvocable<void(absl::StatusOr<RevealedInstrument>) &&>;
  void Reveal(const Caller& caller, std::string id, std::string reason, RevealDone done);

 private:
  struct PendingCreate;

  // Completes `instrument` (id, application, times, fingerprint of `fingerprint_material`), then
  // seals `secret` bound to it (field SecretFieldName(type)) and stores it.
  void Create(const Caller& caller, Instrument instrument, absl::Time now,
              const common::Secret& fingerprint_material, common::Secret secret, Done done,
              CreateOptions options);
  void SealAndInsert(std::shared_ptr<PendingCreate> pending);
  // `done`, appending a failure event for `action` when the call fails.
  Done AuditFailures(const Caller& caller, absl::string_view action, Done done);

  Dependencies deps_;
};

}  // namespace pi::instruments::domain

#endif  // PI_SERVICES_INSTRUMENTS_DOMAIN_INSTRUMENT_SERVICE_H_
