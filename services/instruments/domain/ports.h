// The seams between the domain and the outside: the crypto and storage layers implement these.
// Domain code depends on these interfaces only, so it can be tested with fakes and never names
// OpenSSL, libpqxx or gRPC.
#ifndef PI_SERVICES_INSTRUMENTS_DOMAIN_PORTS_H_
#define PI_SERVICES_INSTRUMENTS_DOMAIN_PORTS_H_

#include <string>
#include "absl/strings/string_view.h"

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/instruments/domain/instrument.h"

namespace pi::instruments::domain {

// What a ciphertext is bound to: decrypting it under any other context fails.
struct SealContext {
  absl::string_view application_id;
  absl::string_view resource_id;
  absl::string_view field;  // e.g. "card.number"
};

// Authenticated encryption of one field. Thread-safe.
class FieldSealer {
 public:
  virtual ~FieldSealer() = default;
  // An opaque, versioned ciphertext of `plaintext` bound to `context`.
  // INTERNAL when the crypto library fails.
  virtual absl::StatusOr<std::string> Seal(absl::string_view plaintext,
                                           const SealContext& context) const = 0;
};

// Resource identifiers: `prefix` + 128 random bits. Thread-safe.
class IdGenerator {
 public:
  virtual ~IdGenerator() = default;
  virtual std::string NewId(absl::string_view prefix) const = 0;
};

// A new instrument row: the masked instrument plus the ciphertext of its one secret (the PAN,
// the bank account number or the wallet token).
struct InstrumentRecord {
  Instrument instrument;
  std::string secret_ciphertext;
};

// Durable storage of instruments. Calls return at once; `done` runs later on a storage thread,
// exactly once. Codes: UNAVAILABLE when the database cannot be reached, RESOURCE_EXHAUSTED when
// the work queue is full, ALREADY_EXISTS for a duplicate id, NOT_FOUND for a missing instrument.
// Thread-safe.
class InstrumentRepository {
 public:
  using InsertDone = absl::AnyInvocable<void(absl::Status) &&>;
  using FindDone = absl::AnyInvocable<void(absl::StatusOr<Instrument>) &&>;

  virtual ~InstrumentRepository() = default;
  virtual void Insert(InstrumentRecord record, InsertDone done) = 0;
  // Finds instrument `id` of application `application_id` only: other applications' instruments
  // are NOT_FOUND, so existence never leaks across tenants.
  virtual void Find(std::string application_id, std::string id, FindDone done) = 0;
};

}  // namespace pi::instruments::domain

#endif  // PI_SERVICES_INSTRUMENTS_DOMAIN_PORTS_H_
