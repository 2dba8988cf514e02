// The seams between the domain and the outside: the crypto and storage layers implement these.
// Domain code depends on these interfaces only, so it can be tested with fakes and never names
// OpenSSL, libpqxx or gRPC.
#ifndef PI_SERVICES_INSTRUMENTS_DOMAIN_PORTS_H_
#define PI_SERVICES_INSTRUMENTS_DOMAIN_PORTS_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/common/secret.h"
#include "services/instruments/domain/audit.h"
#include "services/instruments/domain/identity.h"
#include "services/instruments/domain/instrument.h"
#include "services/instruments/domain/instrument_query.h"
#include "services/instruments/domain/token.h"

namespace pi::instruments::domain {

// What a ciphertext is bound to: decrypting it under any other context fails.
struct SealContext {
  std::string application_id;
  std::string resource_id;
  std::string field;  // e.g. "card.number"
};

// A sealed field and the version of the data key that sealed it.
struct SealedSecret {
  std::string ciphertext;
  uint32_t key_version = 0;
};

// Authenticated encryption of one field under the application's active data key. `done` runs
// exactly once, on the calling thread when the key is at hand, otherwise on a storage thread.
// Thread-safe.
class FieldSealer {
 public:
  using SealDone = absl::AnyInvocable<void(absl::StatusOr<SealedSecret>) &&>;
  virtual ~FieldSealer() = default;
  virtual void Seal(common::Secret plaintext, SealContext context, SealDone done) = 0;
  // Drops what the sealer remembers of the application's active key (after the repository
  // reported it rotated), so the next Seal looks it up again.
  virtual void ForgetActiveKey(absl::string_view application_id) = 0;
};

// The inverse, for the privileged paths (reveal, re-encryption). Thread-safe.
class FieldOpener {
 public:
  using OpenDone = absl::AnyInvocable<void(absl::StatusOr<common::Secret>) &&>;
  virtual ~FieldOpener() = default;
  virtual void Open(std::string ciphertext, SealContext context, OpenDone done) = 0;
};

// Keyed fingerprints ("FPR..."): equal for equal `material` within one application, unrelated
// across applications. Thread-safe.
class Fingerprinter {
 public:
  virtual ~Fingerprinter() = default;
  virtual std::string Fingerprint(absl::string_view application_id,
                                  absl::string_view material) const = 0;
};

// Resource identifiers: `prefix` + 128 random bits. Thread-safe.
class IdGenerator {
 public:
  virtual ~IdGenerator() = default;
  virtual std::string NewId(absl::string_view prefix) const = 0;
};

// A new instrument row: the masked instrument plus the ciphertext of its one secret (the PAN,
// the bank account number or the wallet token).
// An idempotency key to record with the resource it created (see IdempotencyKeyStore).
struct IdempotencyRecord {
  std::string key;
  std::string operation;     // e.g. "CreatePaymentInstrument"
  std::string request_hash;  // SHA-256 of the request's content, 32 bytes
  absl::Time expire_time;    // kept at least until then
};

struct InstrumentRecord {
  Instrument instrument;
  std::string secret_ciphertext;
  uint32_t secret_key_version = 0;
  // Recorded in the same transaction as the row (Insert only).
  AuditEvent audit;
  // Insert only: the token this instrument consumes ("" for none), and the idempotency key it
  // records (none when `idempotency->key` is empty).
  std::string consume_token_id;
  std::optional<IdempotencyRecord> idempotency;
};

// Durable storage of instruments. Calls return at once; `done` runs later on a storage thread,
// exactly once. Codes: UNAVAILABLE when the database cannot be reached, RESOURCE_EXHAUSTED when
// the work queue is full, ALREADY_EXISTS for a duplicate id, NOT_FOUND for a missing instrument,
// ABORTED with reason DATA_KEY_ROTATED when the record's data key stopped being the active one
// (re-seal under the new key and insert again).
// Thread-safe.
//
// Insert, in one transaction: records the idempotency key (ABORTED with reason
// IDEMPOTENCY_KEY_IN_USE when a concurrent request committed the same key first: look it up);
// consumes the token, which must be unused and unexpired at the instrument's create_time
// (FAILED_PRECONDITION with TOKEN_ALREADY_USED or TOKEN_EXPIRED, NOT_FOUND when missing), also
// appending a "token.use" audit event and deleting the token's payload; then checks the owner.
//
// Insert enforces ownership in its transaction, so it holds across replicas: the owner identity
// must exist in the application (else INVALID_ARGUMENT on `payment_instrument.identity`), and
// holds fewer enabled instruments than the application's limit (else FAILED_PRECONDITION with
// reason MAX_INSTRUMENT_COUNT). The owner's row is locked while counting, so concurrent creates
// for one owner are serialized and never pass the limit together.
class InstrumentRepository {
 public:
  using InsertDone = absl::AnyInvocable<void(absl::Status) &&>;
  using FindDone = absl::AnyInvocable<void(absl::StatusOr<Instrument>) &&>;
  using ListDone = absl::AnyInvocable<void(absl::StatusOr<InstrumentPage>) &&>;

  virtual ~InstrumentRepository() = default;
  virtual void Insert(InstrumentRecord record, InsertDone done) = 0;
  // Finds instrument `id` of application `application_id` only: other applications' instruments
  // are NOT_FOUND, so existence never leaks across tenants.
  virtual void Find(std::string application_id, std::string id, FindDone done) = 0;
  // One page of the application's instruments matching `query`, in (create_time, id) order.
  virtual void List(std::string application_id, InstrumentQuery query, ListDone done) = 0;

  // Reads instrument `id` locked for update, calls `mutate` on it and, when that succeeds,
  // writes the changed masked fields back and appends `audit`, all in one transaction; answers
  // with the result. NOT_FOUND for a missing instrument; `mutate`'s error otherwise, with nothing
  // written. Re-enabling an instrument checks the owner's limit like Insert does.
  using Mutation = std::function<absl::Status(Instrument&)>;
  virtual void Update(std::string application_id, std::string id, Mutation mutate,
                      AuditEvent audit, FindDone done) = 0;

  // The instrument with its sealed secret, for the privileged reveal path. NOT_FOUND as Find.
  using FindSealedDone = absl::AnyInvocable<void(absl::StatusOr<InstrumentRecord>) &&>;
  virtual void FindSealed(std::string application_id, std::string id, FindSealedDone done) = 0;
};

// A stored idempotency key and the resource it created.
struct StoredIdempotencyKey {
  std::string operation;
  std::string request_hash;
  std::string resource_id;
};

// Lookups of idempotency keys (they are written by the repositories' inserts). NOT_FOUND for a
// key the application never used or that expired. Asynchronous like the repositories.
class IdempotencyKeyStore {
 public:
  using FindDone = absl::AnyInvocable<void(absl::StatusOr<StoredIdempotencyKey>) &&>;
  virtual ~IdempotencyKeyStore() = default;
  virtual void Find(std::string application_id, std::string key, FindDone done) = 0;
};

// A token with its sealed payload ("" once used or swept).
struct TokenRecord {
  Token token;
  std::string payload_ciphertext;
  uint32_t payload_key_version = 0;
  bool used = false;
  AuditEvent audit;  // Insert only: committed with the row
};

// Durable storage of tokens. Insert writes under the application's active data key like
// InstrumentRepository::Insert (ABORTED / DATA_KEY_ROTATED otherwise). Find answers NOT_FOUND
// (reason RESOURCE_NOT_FOUND) for unknown ids and other applications' tokens. Consumption
// happens in InstrumentRepository::Insert. Thread-safe.
class TokenRepository {
 public:
  using InsertDone = absl::AnyInvocable<void(absl::Status) &&>;
  using FindDone = absl::AnyInvocable<void(absl::StatusOr<TokenRecord>) &&>;
  virtual ~TokenRepository() = default;
  virtual void Insert(TokenRecord record, InsertDone done) = 0;
  virtual void Find(std::string application_id, std::string id, FindDone done) = 0;
};

// Durable storage of identities, asynchronous like InstrumentRepository. Insert answers
// ALREADY_EXISTS (reason ALREADY_EXISTS) when the application already has the external id; the
// audit event commits with the row. Finds answer NOT_FOUND (reason RESOURCE_NOT_FOUND) for ids of
// other applications. Thread-safe.
class IdentityRepository {
 public:
  using InsertDone = absl::AnyInvocable<void(absl::Status) &&>;
  using FindDone = absl::AnyInvocable<void(absl::StatusOr<Identity>) &&>;

  virtual ~IdentityRepository() = default;
  virtual void Insert(Identity identity, AuditEvent audit, InsertDone done) = 0;
  virtual void Find(std::string application_id, std::string id, FindDone done) = 0;
  virtual void FindByExternalId(std::string application_id, std::string external_id,
                                FindDone done) = 0;
};

}  // namespace pi::instruments::domain

#endif  // PI_SERVICES_INSTRUMENTS_DOMAIN_PORTS_H_
