// The jsonb columns shared by instruments and identities (address, tags): one text form both
// ways, so every table stores them alike.
#ifndef PI_SERVICES_INSTRUMENTS_STORAGE_PG_JSON_COLUMNS_H_
#define PI_SERVICES_INSTRUMENTS_STORAGE_PG_JSON_COLUMNS_H_

#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "services/instruments/domain/instrument.h"

namespace pi::instruments::storage {

// JSON null (SQL NULL) for no address.
nlohmann::json AddressJson(const std::optional<domain::Address>& address);
// The text of AddressJson(); nullopt (SQL NULL) for no address.
std::optional<std::string> AddressToJson(const std::optional<domain::Address>& address);
domain::Address AddressFromJson(const std::string& text);

nlohmann::json TagsJson(const std::map<std::string, std::string>& tags);
// The text of TagsJson().
std::string TagsToJson(const std::map<std::string, std::string>& tags);
std::map<std::string, std::string> TagsFromJson(const std::string& text);

}  // namespace pi::instruments::storage

#endif  // PI_SERVICES_INSTRUMENTS_STORAGE_PG_JSON_COLUMNS_H_
