#include "services/instruments/domain/instrument_update.h"

#include "absl/strings/str_cat.h"
#include "services/instruments/domain/card_validation.h"
#include "services/instruments/domain/field_rules.h"

namespace pi::instruments::domain {

absl::Status ApplyUpdate(const InstrumentUpdate& update, absl::Time now, Instrument& instrument) {
  std::vector<common::FieldViolation> out;
  ViolationCollector v(out, "payment_instrument");
  if (update.empty()) v.Add("update_mask", "names no field to change");
  if (update.holder_name) CheckHolderName(*update.holder_name, "holder_name", v);
  if (update.tags) CheckTags(*update.tags, "tags", v);
  if (update.address && *update.address) {
    ViolationCollector address = v.Nested("address");
    CheckAddress(**update.address, address);
  }
  bool expiry_changes = update.expiration_month || update.expiration_year;
  if (expiry_changes && !instrument.card) {
    v.Add("card", "only cards have an expiration");
  } else if (expiry_changes) {
    // Judge the resulting expiry as a whole, with the same rules as a new card.
    NewCard probe;
    probe.expiration_month = update.expiration_month.value_or(instrument.card->expiration_month);
    probe.expiration_year = update.expiration_year.value_or(instrument.card->expiration_year);
    for (const common::FieldViolation& violation :
         ValidateNewCard(probe, now, "payment_instrument")) {
      if (violation.field.find(".card.expiration_") != std::string::npos) out.push_back(violation);
    }
  }
  if (!out.empty()) return common::InvalidFields(out);

  if (update.enabled) {
    instrument.enabled = *update.enabled;
    instrument.disabled_code = instrument.enabled ? "" : kDisabledByRequestCode;
    instrument.disabled_message = instrument.enabled ? "" : "disabled at the merchant's request";
  }
  if (update.holder_name) instrument.holder_name = *update.holder_name;
  if (update.tags) instrument.tags = *update.tags;
  if (update.address) instrument.address = *update.address;
  if (update.expiration_month) instrument.card->expiration_month = *update.expiration_month;
  if (update.expiration_year) instrument.card->expiration_year = *update.expiration_year;
  instrument.update_time = now;
  return absl::OkStatus();
}

}  // namespace pi::instruments::domain
