// Changing an instrument: the fields UpdatePaymentInstrument may touch, each optional (absent
// means unchanged), applied to the current instrument with every violation reported at once.
// Pure; thread-safe.
#ifndef PI_SERVICES_INSTRUMENTS_DOMAIN_INSTRUMENT_UPDATE_H_
#define PI_SERVICES_INSTRUMENTS_DOMAIN_INSTRUMENT_UPDATE_H_

#include <map>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "services/instruments/domain/instrument.h"

namespace pi::instruments::domain {

inline constexpr char kDisabledByRequestCode[] = "DISABLED_BY_REQUEST";

struct InstrumentUpdate {
  std::optional<bool> enabled;
  std::optional<std::string> holder_name;
  std::optional<std::map<std::string, std::string>> tags;
  // Set with nullopt inside: remove the address.
  std::optional<std::optional<Address>> address;
  // Cards only.
  std::optional<int> expiration_month;
  std::optional<int> expiration_year;

  bool empty() const {
    return !enabled && !holder_name && !tags && !address && !expiration_month &&
           !expiration_year;
  }
};

// Applies `update` to `instrument` at `now`: re-validates the changed fields (paths under
// "payment_instrument"), sets or clears disabled_code/disabled_message with `enabled`, and bumps
// update_time. INVALID_ARGUMENT with every violation, leaving `instrument` unchanged.
absl::Status ApplyUpdate(const InstrumentUpdate& update, absl::Time now, Instrument& instrument);

}  // namespace pi::instruments::domain

#endif  // PI_SERVICES_INSTRUMENTS_DOMAIN_INSTRUMENT_UPDATE_H_
