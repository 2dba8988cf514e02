// The instrument use cases: validate every field, enrich (brand, BIN data, verification), mask,
// seal the one secret (PAN, account number or wallet token) and store; fetch a masked instrument.
//
// Validation, enrichment and sealing run on the calling thread (microseconds); storage completes
// asynchronously and `done` runs on a storage thread, exactly once. Security codes are used for
// verification only and never stored. Codes: INVALID_ARGUMENT with every field violation (reason
// INVALID_FIELDS), NOT_FOUND, and the repository's codes. Thread-safe.
#ifndef PI_SERVICES_INSTRUMENTS_DOMAIN_INSTRUMENT_SERVICE_H_
#define PI_SERVICES_INSTRUMENTS_DOMAIN_INSTRUMENT_SERVICE_H_

#include <functional>
#include <string>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/instruments/domain/bank_account_validation.h"
#include "services/instruments/domain/bin_table.h"
#include "services/instruments/domain/caller.h"
#include "services/instruments/domain/card_validation.h"
#include "services/instruments/domain/ports.h"
#include "services/instruments/domain/verifier.h"
#include "services/instruments/domain/wallet_validation.h"

namespace pi::instruments::domain {

class InstrumentService {
 public:
  using Done = absl::AnyInvocable<void(absl::StatusOr<Instrument>) &&>;
  using Clock = std::function<absl::Time()>;

  // What the use cases need; every reference must outlive the service.
  struct Dependencies {
    InstrumentRepository& repository;
    const FieldSealer& sealer;
    const IdGenerator& ids;
    const BinTable& bins;
    const Verifier& verifier;
    Clock clock;
  };

  explicit InstrumentService(Dependencies deps) : deps_(std::move(deps)) {}

  // Each creates an instrument owned by `caller`'s application; the command's secrets are wiped
  // when the call returns.
  void CreateCard(const Caller& caller, NewCard card, Done done);
  void CreateBankAccount(const Caller& caller, NewBankAccount account, Done done);
  void CreateWallet(const Caller& caller, NewWallet wallet, Done done);

  // The masked instrument `id`, if it belongs to `caller`'s application.
  void Get(const Caller& caller, std::string id, Done done);

 private:
  // Completes `instrument` (id, application, times), seals `secret` as `field` bound to it, and
  // stores it.
  void Store(const Caller& caller, Instrument instrument, absl::Time now,
             absl::string_view secret, absl::string_view field, Done done);

  Dependencies deps_;
};

}  // namespace pi::instruments::domain

#endif  // PI_SERVICES_INSTRUMENTS_DOMAIN_INSTRUMENT_SERVICE_H_
