// Which role may do what: the authorization matrix of the vault, in one table.
//
//   operation              merchant publishable customer processor admin
//   create from raw data      yes       -          -        -       yes
//   create from a token       yes      yes     own only     -       yes
//   get instrument            yes       -      own only    yes      yes
//   list instruments          yes       -      own only     -       yes
//   update instrument         yes       -      own only     -       yes
//   create token              yes      yes        yes       -       yes
//   create identity           yes       -          -        -       yes
//   get identity              yes       -      own only     -       yes
//   reveal                     -        -          -       yes       -
//   sign up a customer         -       yes         -        -        -
//   check an allowed origin    -       yes         -        -        -
//
// "own only" is enforced where the resource is known (InstrumentService, IdentityService): a
// customer sees other identities' resources as NOT_FOUND. Pure and thread-safe.
#ifndef PI_SERVICES_INSTRUMENTS_DOMAIN_AUTHORIZATION_H_
#define PI_SERVICES_INSTRUMENTS_DOMAIN_AUTHORIZATION_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "services/instruments/domain/caller.h"

namespace pi::instruments::domain {

enum class Operation {
  kCreateFromData,
  kCreateFromToken,
  kGetInstrument,
  kListInstruments,
  kUpdateInstrument,
  kCreateToken,
  kCreateIdentity,
  kGetIdentity,
  kReveal,
  kSignUpCustomer,
  kCheckOrigin,
};

bool IsAllowed(Role role, Operation operation);

// OK, or PERMISSION_DENIED with reason PERMISSION_DENIED_FOR_ROLE naming the role.
absl::Status Authorize(const Caller& caller, Operation operation);

// The audit trail's name of an operation, e.g. "instrument.create".
absl::string_view OperationName(Operation operation);

}  // namespace pi::instruments::domain

#endif  // PI_SERVICES_INSTRUMENTS_DOMAIN_AUTHORIZATION_H_
