// Identities: the owners of instruments (Finix/Ahrvo identities, SumUp customers, the subject of
// a Rebilly customer JWT), and the rules their fields follow. Pure and thread-safe.
#ifndef PI_SERVICES_INSTRUMENTS_DOMAIN_IDENTITY_H_
#define PI_SERVICES_INSTRUMENTS_DOMAIN_IDENTITY_H_

#include <map>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "services/instruments/domain/instrument.h"

namespace pi::instruments::domain {

inline constexpr size_t kMaxPersonNameLength = 100;
inline constexpr size_t kMaxEmailLength = 254;
inline constexpr size_t kMaxPhoneLength = 20;

struct Identity {
  std::string id;              // ID...
  std::string application_id;  // AP...
  // The merchant's own customer id (SumUp `customer_id`); empty when none. Unique per
  // application: 1..kMaxIdLength letters, digits, '_', '-', '.', ':' or '@'.
  std::string external_id;
  std::string first_name;
  std::string last_name;
  std::string email;
  std::string phone;
  std::optional<Address> address;
  std::map<std::string, std::string> tags;
  absl::Time create_time;
  absl::Time update_time;
};

// Every violation of a new identity's fields at once (INVALID_ARGUMENT, reason INVALID_FIELDS,
// paths under "identity."), or OK. Only the fields a caller sets are read.
absl::Status ValidateNewIdentity(const Identity& identity);

}  // namespace pi::instruments::domain

#endif  // PI_SERVICES_INSTRUMENTS_DOMAIN_IDENTITY_H_
