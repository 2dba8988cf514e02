#include "gateway/core/json_reader.h"

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace pi::gateway::core {

namespace {

// A key worth repeating back to the caller: a short name starting with a letter, so nothing
// that needs escaping or could be data (a card number sent as a key is not echoed).
bool IsPlainKey(const std::string& key) {
  if (key.empty() || key.size() > 40 || !absl::ascii_isalpha(static_cast<unsigned char>(key[0]))) {
    return false;
  }
  for (char c : key) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<nlohmann::json> ParseJsonObject(absl::string_view body) {
  // The keys seen so far in each object being parsed, innermost last.
  std::vector<std::set<std::string>> keys_by_object;
  std::optional<std::string> repeated;
  nlohmann::json::parser_callback_t track_keys = [&](int, nlohmann::json::parse_event_t event,
                                                     nlohmann::json& parsed) {
    using Event = nlohmann::json::parse_event_t;
    if (event == Event::object_start) {
      keys_by_object.emplace_back();
    } else if (event == Event::object_end) {
      keys_by_object.pop_back();
    } else if (event == Event::key && !repeated && !keys_by_object.empty() &&
               !keys_by_object.back().insert(parsed.get<std::string>()).second) {
      repeated = parsed.get<std::string>();
    }
    return true;
  };
  nlohmann::json parsed = nlohmann::json::parse(body.begin(), body.end(), track_keys,
                                                /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return absl::InvalidArgumentError("the body is not valid JSON");
  if (!parsed.is_object()) return absl::InvalidArgumentError("the body must be a JSON object");
  // RFC 8259 leaves the meaning of a repeated name open; parsers differ on which one wins, so a
  // vault refuses the ambiguity instead of picking (RFC 7493, I-JSON, forbids it).
  if (repeated) {
    return absl::InvalidArgumentError(
        IsPlainKey(*repeated) ? absl::StrCat("the body repeats the key \"", *repeated, "\"")
                              : "the body repeats a key within one object");
  }
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
