// The instrument use cases: validate, mask, seal and store a card; fetch a masked instrument.
//
// Validation and sealing run on the calling thread (microseconds); storage completes
// asynchronously and `done` runs on a storage thread. Codes: INVALID_ARGUMENT with every field
// violation (reason INVALID_FIELDS), NOT_FOUND, and the repository's codes. Thread-safe.
#ifndef PI_SERVICES_INSTRUMENTS_DOMAIN_INSTRUMENT_SERVICE_H_
#define PI_SERVICES_INSTRUMENTS_DOMAIN_INSTRUMENT_SERVICE_H_

#include <functional>
#include <string>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/instruments/domain/caller.h"
#include "services/instruments/domain/card_validation.h"
#include "services/instruments/domain/ports.h"

namespace pi::instruments::domain {

class InstrumentService {
 public:
  using Done = absl::AnyInvocable<void(absl::StatusOr<Instrument>) &&>;
  using Clock = std::function<absl::Time()>;

  // The references must outlive the service.
  InstrumentService(InstrumentRepository& repository, const FieldSealer& sealer,
                    const IdGenerator& ids, Clock clock);

  // Creates a card instrument owned by `caller`'s application. `card`'s secrets are wiped when
  // this returns; the security code is never stored.
  void CreateCard(const Caller& caller, NewCard card, Done done);

  // The masked instrument `id`, if it belongs to `caller`'s application.
  void Get(const Caller& caller, std::string id, Done done);

 private:
  InstrumentRepository& repository_;
  const FieldSealer& sealer_;
  const IdGenerator& ids_;
  Clock clock_;
};

}  // namespace pi::instruments::domain

#endif  // PI_SERVICES_INSTRUMENTS_DOMAIN_INSTRUMENT_SERVICE_H_
