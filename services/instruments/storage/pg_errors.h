// Where libpqxx exceptions stop: every storage call runs its libpqxx work through RunPg, which
// turns exceptions into absl::Status. Codes: broken connection or an in-doubt commit -> UNAVAILABLE
// (the latter with a message saying the outcome is unknown), unique violation -> ALREADY_EXISTS,
// other constraint violations -> FAILED_PRECONDITION, anything else -> INTERNAL. Messages never
// include statement parameters.
#ifndef PI_SERVICES_INSTRUMENTS_STORAGE_PG_ERRORS_H_
#define PI_SERVICES_INSTRUMENTS_STORAGE_PG_ERRORS_H_

#include <exception>
#include <utility>

#include "absl/status/status.h"
#include "services/instruments/storage/pg_worker_pool.h"

namespace pi::instruments::storage {

// The Status for an exception thrown by libpqxx (or the standard library under it).
absl::Status StatusFromException(const std::exception& e);

// Runs `fn(pqxx::connection&) -> absl::Status` on `session`, converting exceptions; marks the
// session broken when the connection dropped.
template <typename Fn>
absl::Status RunPg(PgSession& session, Fn&& fn) {
  try {
    return std::forward<Fn>(fn)(session.connection());
  } catch (const pqxx::broken_connection& e) {
    session.MarkBroken();
    return StatusFromException(e);
  } catch (const std::exception& e) {
    return StatusFromException(e);
  }
}

}  // namespace pi::instruments::storage

#endif  // PI_SERVICES_INSTRUMENTS_STORAGE_PG_ERRORS_H_
