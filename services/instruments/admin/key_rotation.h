// Online key rotation, run by the admin CLI while pi-server keeps serving:
//   RewrapDataKeys        every DEK not wrapped under the active KEK is rewrapped under it;
//   RotateDataKey         a new DEK becomes the application's active key (new writes use it at
//                         once: inserts under the old key are refused, see
//                         PgInstrumentRepository), then ReencryptApplication;
//   ReencryptApplication  moves every row of the application off older DEKs in batches (each
//                         batch one transaction, rows locked with SKIP LOCKED), until none is
//                         left, then retires the DEKs no row uses. Resumable: it only looks
//                         for rows still under an older version.
// Progress is reported through `progress(done, total)` after every step. Not thread-safe.
#ifndef PI_SERVICES_INSTRUMENTS_ADMIN_KEY_ROTATION_H_
#define PI_SERVICES_INSTRUMENTS_ADMIN_KEY_ROTATION_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/instruments/crypto/key_provider.h"
#include "services/instruments/storage/pg_key_admin.h"

namespace pi::instruments::admin {

using Progress = std::function<void(int64_t done, int64_t total)>;

// Returns how many DEKs were rewrapped.
absl::StatusOr<int> RewrapDataKeys(storage::PgKeyAdmin& keys, const crypto::KeyProvider& provider,
                                   const Progress& progress);

struct ReencryptResult {
  int64_t rows = 0;                      // rows moved to the active key
  std::vector<uint32_t> retired_versions;  // DEK versions retired afterwards
};

// Returns the new DEK version.
absl::StatusOr<uint32_t> RotateDataKey(storage::PgKeyAdmin& keys,
                                       const crypto::KeyProvider& provider,
                                       const std::string& application_id);

absl::StatusOr<ReencryptResult> ReencryptApplication(storage::PgKeyAdmin& keys,
                                                     const crypto::KeyProvider& provider,
                                                     const std::string& application_id,
                                                     int batch_size, const Progress& progress);

}  // namespace pi::instruments::admin

#endif  // PI_SERVICES_INSTRUMENTS_ADMIN_KEY_ROTATION_H_
