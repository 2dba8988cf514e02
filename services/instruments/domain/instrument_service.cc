#include "services/instruments/domain/instrument_service.h"

#include <utility>

#include "services/common/error.h"

namespace pi::instruments::domain {

InstrumentService::InstrumentService(InstrumentRepository& repository, const FieldSealer& sealer,
                                     const IdGenerator& ids, Clock clock)
    : repository_(repository), sealer_(sealer), ids_(ids), clock_(std::move(clock)) {}

void InstrumentService::CreateCard(const Caller& caller, NewCard card, Done done) {
  absl::Time now = clock_();
  std::vector<common::FieldViolation> violations =
      ValidateNewCard(card, now, "payment_instrument");
  if (!violations.empty()) {
    std::move(done)(common::InvalidFields(violations));
    return;
  }

  InstrumentRecord record;
  Instrument& instrument = record.instrument;
  instrument.id = ids_.NewId("PI");
  instrument.application_id = caller.application_id;
  instrument.identity_id = card.identity_id;
  instrument.type = InstrumentType::kPaymentCard;
  instrument.enabled = true;
  instrument.holder_name = card.holder_name;
  instrument.tags = card.tags;
  instrument.address = card.address;
  instrument.card = MaskCard(card);
  instrument.create_time = now;
  instrument.update_time = now;

  absl::StatusOr<std::string> ciphertext = sealer_.Seal(
      card.number.Reveal(), {caller.application_id, instrument.id, "card.number"});
  card.number.Clear();
  card.security_code.Clear();
  if (!ciphertext.ok()) {
    std::move(done)(ciphertext.status());
    return;
  }
  record.number_ciphertext = *std::move(ciphertext);

  Instrument reply = instrument;
  repository_.Insert(std::move(record),
                     [reply = std::move(reply), done = std::move(done)](absl::Status status) mutable {
                       if (!status.ok()) {
                         std::move(done)(std::move(status));
                       } else {
                         std::move(done)(std::move(reply));
                       }
                     });
}

void InstrumentService::Get(const Caller& caller, std::string id, Done done) {
  repository_.Find(caller.application_id, std::move(id), std::move(done));
}

}  // namespace pi::instruments::domain
