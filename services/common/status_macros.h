// The two Status macros Abseil 20220623 does not ship.
//
//   PI_RETURN_IF_ERROR(DoThing());
//   PI_ASSIGN_OR_RETURN(Foo foo, MakeFoo());
#ifndef PI_SERVICES_COMMON_STATUS_MACROS_H_
#define PI_SERVICES_COMMON_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define PI_RETURN_IF_ERROR(expr)                    \
  do {                                              \
    if (::absl::Status pi_status_ = (expr); !pi_status_.ok()) { \
      return pi_status_;                            \
    }                                               \
  } while (false)

#define PI_STATUS_CONCAT_INNER_(a, b) a##b
#define PI_STATUS_CONCAT_(a, b) PI_STATUS_CONCAT_INNER_(a, b)

#define PI_ASSIGN_OR_RETURN(lhs, rexpr) \
  PI_ASSIGN_OR_RETURN_IMPL_(PI_STATUS_CONCAT_(pi_statusor_, __LINE__), lhs, rexpr)

#define PI_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                              \
  if (!statusor.ok()) {                                 \
    return std::move(statusor).status();                \
  }                                                     \
  lhs = std::move(statusor).value()

#endif  // PI_SERVICES_COMMON_STATUS_MACROS_H_
