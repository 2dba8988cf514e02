#include "services/instruments/domain/authorization.h"

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/error.h"
#include "services/instruments/domain/authenticator.h"

namespace pi::instruments::domain {
namespace {

constexpr Role kRoles[] = {Role::kMerchant, Role::kPublishable, Role::kCustomer, Role::kProcessor,
                           Role::kAdmin};

// The matrix of authorization.h, written out again on purpose rather than derived from the code:
// each cell becomes one test case below, so changing one grant fails exactly one test.
// "own only" cells are `true` here: the ownership check lives in the services.
struct Row {
  Operation operation;
  const char* name;  // names the generated test cases
  bool merchant, publishable, customer, processor, admin;
};

constexpr Row kExpectedMatrix[] = {
    //                                            merchant publishable customer processor admin
    {Operation::kCreateFromData, "CreateFromData", true, false, false, false, true},
    {Operation::kCreateFromToken, "CreateFromToken", true, true, true, false, true},
    {Operation::kGetInstrument, "GetInstrument", true, false, true, true, true},
    {Operation::kListInstruments, "ListInstruments", true, false, true, false, true},
    {Operation::kUpdateInstrument, "UpdateInstrument", true, false, true, false, true},
    {Operation::kCreateToken, "CreateToken", true, true, true, false, true},
    {Operation::kCreateIdentity, "CreateIdentity", true, false, false, false, true},
    {Operation::kGetIdentity, "GetIdentity", true, false, true, false, true},
    {Operation::kReveal, "Reveal", false, false, false, true, false},
    {Operation::kSignUpCustomer, "SignUpCustomer", false, true, false, false, false},
    {Operation::kCheckOrigin, "CheckOrigin", false, true, false, false, false},
};

bool Expected(const Row& row, Role role) {
  switch (role) {
    case Role::kMerchant:
      return row.merchant;
    case Role::kPublishable:
      return row.publishable;
    case Role::kCustomer:
      return row.customer;
    case Role::kProcessor:
      return row.processor;
    case Role::kAdmin:
      return row.admin;
  }
  return false;
}

// One cell of the matrix.
struct Cell {
  Role role;
  Row row;
};

void PrintTo(const Cell& cell, std::ostream* os) {
  *os << RoleName(cell.role) << " x " << cell.row.name;
}

std::vector<Cell> AllCells() {
  std::vector<Cell> cells;
  for (const Row& row : kExpectedMatrix) {
    for (Role role : kRoles) cells.push_back({role, row});
  }
  return cells;
}

// Two callers of `role`: a plain one, and one whose other fields (a customer identity, no
// application) must not change what the role may do.
std::vector<Caller> CallersWithRole(Role role) {
  Caller plain{"APone", "CRone", role, "", "RQ1"};
  Caller odd{"", "", role, "IDowner1", ""};
  return {plain, odd};
}

class AuthorizationMatrixTest : public ::testing::TestWithParam<Cell> {};

// Everything about one cell in one test, so a changed grant fails exactly one test, named after
// its cell. A denial reads e.g. "the publishable role may not instrument.reveal"; the role and
// operation names themselves are pinned by RoleNameTest and OperationNamesAreTheAuditTrailsNames.
TEST_P(AuthorizationMatrixTest, DecidesAsTheTableSays) {
  const Cell& cell = GetParam();
  const bool allowed = Expected(cell.row, cell.role);

  EXPECT_EQ(IsAllowed(cell.role, cell.row.operation), allowed);
  for (const Caller& caller : CallersWithRole(cell.role)) {
    absl::Status status = Authorize(caller, cell.row.operation);
    if (allowed) {
      EXPECT_TRUE(status.ok()) << status;
      continue;
    }
    EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied) << status;
    EXPECT_EQ(common::ErrorReasonOf(status), "PERMISSION_DENIED_FOR_ROLE");
    EXPECT_EQ(status.message(), absl::StrCat("the ", RoleName(cell.role), " role may not ",
                                             OperationName(cell.row.operation)));
  }
}

INSTANTIATE_TEST_SUITE_P(EveryRoleAndOperation, AuthorizationMatrixTest,
                         ::testing::ValuesIn(AllCells()),
                         [](const ::testing::TestParamInfo<Cell>& param_info) {
                           return absl::StrCat(RoleName(param_info.param.role), "_",
                                               param_info.param.row.name);
                         });

TEST(AuthorizationTest, OperationNamesAreTheAuditTrailsNames) {
  // These strings are stored in audit_events.action: renaming one breaks existing queries.
  EXPECT_EQ(OperationName(Operation::kCreateFromData), "instrument.create");
  EXPECT_EQ(OperationName(Operation::kCreateFromToken), "instrument.create_from_token");
  EXPECT_EQ(OperationName(Operation::kGetInstrument), "instrument.get");
  EXPECT_EQ(OperationName(Operation::kListInstruments), "instrument.list");
  EXPECT_EQ(OperationName(Operation::kUpdateInstrument), "instrument.update");
  EXPECT_EQ(OperationName(Operation::kCreateToken), "token.create");
  EXPECT_EQ(OperationName(Operation::kCreateIdentity), "identity.create");
  EXPECT_EQ(OperationName(Operation::kGetIdentity), "identity.get");
  EXPECT_EQ(OperationName(Operation::kReveal), "instrument.reveal");
  EXPECT_EQ(OperationName(Operation::kSignUpCustomer), "customer.signup");
  EXPECT_EQ(OperationName(Operation::kCheckOrigin), "origin.check");
}

TEST(AuthorizationTest, OperationOutsideTheTableIsDeniedToEveryRole) {
  // Fail closed: a value no row names (e.g. from a newer peer) grants nothing.
  const auto unknown = static_cast<Operation>(99);
  for (Role role : kRoles) EXPECT_FALSE(IsAllowed(role, unknown)) << RoleName(role);
  EXPECT_EQ(OperationName(unknown), "unknown");
}

}  // namespace
}  // namespace pi::instruments::domain
