#include "gateway/core/json_reader.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace pi::gateway::core {

absl::StatusOr<nlohmann::json> ParseJsonObject(absl::string_view body) {
  nlohmann::json parsed = nlohmann::json::parse(body.begin(), body.end(), nullptr,
                                                /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return absl::InvalidArgumentError("the body is not valid JSON");
  if (!parsed.is_object()) return absl::InvalidArgumentError("the body must be a JSON object");
  return parsed;
}

bool IsJsonContentType(absl::string_view content_type) {
  absl::string_view media_type = content_type.substr(0, content_type.find(';'));
  media_type = absl::StripAsciiWhitespace(media_type);
  if (media_type.empty()) return true;
  std::string lower = absl::AsciiStrToLower(media_type);
  return lower == "application/json" ||
         (absl::StartsWith(lower, "application/") && absl::EndsWith(lower, "+json"));
}

void JsonReader::Error(const char* name, std::string message) {
  errors_.push_back({prefix_.empty() ? name : absl::StrCat(prefix_, ".", name), std::move(message)});
}

const nlohmann::json* JsonReader::Find(const char* name, bool required) {
  auto it = object_.find(name);
  if (it == object_.end() || it->is_null()) {
    if (required) Error(name, "is required");
    return nullptr;
  }
  return &*it;
}

std::optional<std::string> JsonReader::String(const char* name, bool required) {
  const nlohmann::json* v = Find(name, required);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) {
    Error(name, "must be a string");
    return std::nullopt;
  }
  return v->get<std::string>();
}

std::optional<int64_t> JsonReader::Integer(const char* name, bool required) {
  const nlohmann::json* v = Find(name, required);
  if (v == nullptr) return std::nullopt;
  if (!v->is_number_integer()) {
    Error(name, "must be an integer");
    return std::nullopt;
  }
  if (v->is_number_unsigned() && v->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
    Error(name, "is out of range");
    return std::nullopt;
  }
  return v->get<int64_t>();
}

std::optional<bool> JsonReader::Boolean(const char* name, bool required) {
  const nlohmann::json* v = Find(name, required);
  if (v == nullptr) return std::nullopt;
  if (!v->is_boolean()) {
    Error(name, "must be true or false");
    return std::nullopt;
  }
  return v->get<bool>();
}

std::optional<JsonReader> JsonReader::Object(const char* name, bool required) {
  const nlohmann::json* v = Find(name, required);
  if (v == nullptr) return std::nullopt;
  if (!v->is_object()) {
    Error(name, "must be an object");
    return std::nullopt;
  }
  return JsonReader(*v, prefix_.empty() ? name : absl::StrCat(prefix_, ".", name), errors_);
}

std::optional<std::map<std::string, std::string>> JsonReader::StringMap(const char* name) {
  const nlohmann::json* v = Find(name, false);
  if (v == nullptr) return std::nullopt;
  if (!v->is_object()) {
    Error(name, "must be an object of string values");
    return std::nullopt;
  }
  std::map<std::string, std::string> out;
  for (auto it = v->begin(); it != v->end(); ++it) {
    if (!it->is_string()) {
      Error(name, absl::StrCat("value of '", it.key(), "' must be a string"));
      continue;
    }
    out[it.key()] = it->get<std::string>();
  }
  return out;
}

}  // namespace pi::gateway::core
