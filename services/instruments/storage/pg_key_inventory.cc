#include "services/instruments/storage/pg_key_inventory.h"

#include <pqxx/pqxx>

#include "services/instruments/storage/pg_errors.h"

namespace pi::instruments::storage {

absl::StatusOr<KeyInventory> ReadKeyInventory(const std::string& conninfo) {
  try {
    pqxx::connection c(conninfo);
    pqxx::read_transaction txn(c);
    KeyInventory inventory;
    pqxx::row kek = txn.exec1("SELECT active_kek_version, min_kek_version FROM key_state");
    inventory.active_kek_version = kek[0].as<uint32_t>();
    inventory.min_kek_version = kek[1].as<uint32_t>();
    for (const pqxx::row& row : txn.exec(
             "SELECT state, kek_version, count(*) FROM data_keys GROUP BY state, kek_version")) {
      inventory.data_keys[{row[0].as<std::string>(), row[1].as<uint32_t>()}] = row[2].as<int64_t>();
    }
    txn.commit();
    return inventory;
  } catch (const std::exception& e) {
    return StatusFromException(e);
  }
}

}  // namespace pi::instruments::storage
