#include "services/instruments/domain/authorization.h"

#include "absl/strings/str_cat.h"
#include "services/common/error.h"
#include "services/instruments/domain/authenticator.h"

namespace pi::instruments::domain {
namespace {

struct Grant {
  Operation operation;
  bool merchant, publishable, customer, processor, admin;
  absl::string_view name;
};

// The matrix of authorization.h, row for row.
constexpr Grant kGrants[] = {
    {Operation::kCreateFromData, true, false, false, false, true, "instrument.create"},
    {Operation::kCreateFromToken, true, true, true, false, true, "instrument.create_from_token"},
    {Operation::kGetInstrument, true, false, true, true, true, "instrument.get"},
    {Operation::kListInstruments, true, false, true, false, true, "instrument.list"},
    {Operation::kUpdateInstrument, true, false, true, false, true, "instrument.update"},
    {Operation::kCreateToken, true, true, true, false, true, "token.create"},
    {Operation::kCreateIdentity, true, false, false, false, true, "identity.create"},
    {Operation::kGetIdentity, true, false, true, false, true, "identity.get"},
    {Operation::kReveal, false, false, false, true, false, "instrument.reveal"},
    {Operation::kSignUpCustomer, false, true, false, false, false, "customer.signup"},
    {Operation::kCheckOrigin, false, true, false, false, false, "origin.check"},
};

const Grant* GrantFor(Operation operation) {
  for (const Grant& grant : kGrants) {
    if (grant.operation == operation) return &grant;
  }
  return nullptr;
}

}  // namespace

bool IsAllowed(Role role, Operation operation) {
  const Grant* grant = GrantFor(operation);
  if (grant == nullptr) return false;
  switch (role) {
    case Role::kMerchant: return grant->merchant;
    case Role::kPublishable: return grant->publishable;
    case Role::kCustomer: return grant->customer;
    case Role::kProcessor: return grant->processor;
    case Role::kAdmin: return grant->admin;
  }
  return false;
}

absl::Status Authorize(const Caller& caller, Operation operation) {
  if (IsAllowed(caller.role, operation)) return absl::OkStatus();
  return common::MakeError(
      absl::StatusCode::kPermissionDenied, "PERMISSION_DENIED_FOR_ROLE",
      absl::StrCat("the ", RoleName(caller.role), " role may not ", OperationName(operation)));
}

absl::string_view OperationName(Operation operation) {
  const Grant* grant = GrantFor(operation);
  return grant == nullptr ? "unknown" : grant->name;
}

}  // namespace pi::instruments::domain
