#include "services/instruments/storage/pg_json_columns.h"

#include <nlohmann/json.hpp>

namespace pi::instruments::storage {

nlohmann::json AddressJson(const std::optional<domain::Address>& a) {
  if (!a) return nullptr;
  return nlohmann::json{{"line1", a->line1},   {"line2", a->line2},
                        {"city", a->city},     {"region", a->region},
                        {"postal_code", a->postal_code}, {"country", a->country}};
}

std::optional<std::string> AddressToJson(const std::optional<domain::Address>& a) {
  if (!a) return std::nullopt;
  return AddressJson(a).dump();
}

domain::Address AddressFromJson(const std::string& text) {
  nlohmann::json j = nlohmann::json::parse(text);
  return {j.value("line1", ""),       j.value("line2", ""),       j.value("city", ""),
          j.value("region", ""),      j.value("postal_code", ""), j.value("country", "")};
}

nlohmann::json TagsJson(const std::map<std::string, std::string>& tags) {
  return nlohmann::json(tags);
}

std::string TagsToJson(const std::map<std::string, std::string>& tags) {
  return TagsJson(tags).dump();
}

std::map<std::string, std::string> TagsFromJson(const std::string& text) {
  return nlohmann::json::parse(text).get<std::map<std::string, std::string>>();
}

}  // namespace pi::instruments::storage
