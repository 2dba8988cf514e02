// Which keys are in use, for pi-server's metrics: the KEK versions the database names and the
// data keys by state and wrapping KEK. One short read-only transaction on its own connection
// (like the sweeper), run from a background task (as often as the sweeper), never per request
// or per scrape; data_keys has one row per application and DEK version, so the scan stays small.
#ifndef PI_SERVICES_INSTRUMENTS_STORAGE_PG_KEY_INVENTORY_H_
#define PI_SERVICES_INSTRUMENTS_STORAGE_PG_KEY_INVENTORY_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "absl/status/statusor.h"

namespace pi::instruments::storage {

struct KeyInventory {
  uint32_t active_kek_version = 0;  // wraps new and rewrapped DEKs
  uint32_t min_kek_version = 0;     // the oldest KEK still allowed to unwrap
  // DEK counts by (state name as in DataKeyStateName, KEK version wrapping them).
  std::map<std::pair<std::string, uint32_t>, int64_t> data_keys;
};

// UNAVAILABLE when the database cannot be reached.
absl::StatusOr<KeyInventory> ReadKeyInventory(const std::string& conninfo);

}  // namespace pi::instruments::storage

#endif  // PI_SERVICES_INSTRUMENTS_STORAGE_PG_KEY_INVENTORY_H_
