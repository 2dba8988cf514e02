// The instrument use cases: validate every field, enrich (brand, BIN data, verification), mask,
// fingerprint, seal the one secret (PAN, account number or wallet token) and store; fetch a
// masked instrument.
//
// Validation, enrichment and fingerprinting run on the calling thread (microseconds); sealing
// and storage complete asynchronously and `done` runs exactly once, usually on a storage thread.
// If the data key rotated between sealing and storing, the secret is sealed again under the new
// key and stored once more. Security codes are used for verification only and never stored.
// Codes: INVALID_ARGUMENT with every field violation (reason INVALID_FIELDS), NOT_FOUND, and the
// sealer's and repository's codes. Thread-safe.
#ifndef PI_SERVICES_INSTRUMENTS_DOMAIN_INSTRUMENT_SERVICE_H_
#define PI_SERVICES_INSTRUMENTS_DOMAIN_INSTRUMENT_SERVICE_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/instruments/domain/bank_account_validation.h"
#include "services/instruments/domain/bin_table.h"
#include "services/instruments/domain/caller.h"
#include "services/instruments/domain/card_validation.h"
#include "services/instruments/domain/instrument_update.h"
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
    FieldSealer& sealer;
    const Fingerprinter& fingerprinter;
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

  // Applies `update` (re-validated) to `caller`'s instrument `id`; see instrument_update.h.
  void Update(const Caller& caller, std::string id, InstrumentUpdate update, Done done);

  using ListDone = InstrumentRepository::ListDone;
  // A page of `caller`'s application's instruments; INVALID_ARGUMENT for bad filters or tokens.
  void List(const Caller& caller, const ListRequest& request, ListDone done);

 private:
  struct PendingCreate;

  // Completes `instrument` (id, application, times, fingerprint of `fingerprint_material`), then
  // seals `secret` bound to it (field SecretFieldName(type)) and stores it.
  void Create(const Caller& caller, Instrument instrument, absl::Time now,
              const common::Secret& fingerprint_material, common::Secret secret, Done done);
  void SealAndInsert(std::shared_ptr<PendingCreate> pending);

  Dependencies deps_;
};

}  // namespace pi::instruments::domain

#endif  // PI_SERVICES_INSTRUMENTS_DOMAIN_INSTRUMENT_SERVICE_H_
