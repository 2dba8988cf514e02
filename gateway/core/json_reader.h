// Reads a dialect's JSON request body into typed values while collecting every shape error
// (missing required field, wrong JSON type) instead of stopping at the first. Shape only: value
// rules (Luhn, ranges, lengths) belong to pi-server. Not thread-safe; one per request.
#ifndef PI_GATEWAY_CORE_JSON_READER_H_
#define PI_GATEWAY_CORE_JSON_READER_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace pi::gateway::core {

struct ShapeError {
  std::string field;  // the dialect's own name, dotted for nesting ("address.city")
  std::string message;
};

// Parses `body` as a JSON object. INVALID_ARGUMENT with a short reason when it is not one, or
// when any object in it repeats a key (which copy would win is parser-dependent).
absl::StatusOr<nlohmann::json> ParseJsonObject(absl::string_view body);

// True when a request's Content-Type value is absent or names JSON (application/json, any
// +json such as application/hal+json, parameters allowed): what a body-reading route accepts
// before answering 415.
bool IsJsonContentType(absl::string_view content_type);

class JsonReader {
 public:
  // `object` must outlive the reader; `prefix` names it in errors ("" at the top level).
  JsonReader(const nlohmann::json& object, std::string prefix, std::vector<ShapeError>& errors)
      : object_(object), prefix_(std::move(prefix)), errors_(errors) {}

  // Each returns nullopt when absent or null (adding an error if `required`) or mistyped
  // (always adding an error).
  std::optional<std::string> String(const char* name, bool required = false);
  std::optional<int64_t> Integer(const char* name, bool required = false);
  std::optional<bool> Boolean(const char* name, bool required = false);
  // A nested object's reader, or nullopt.
  std::optional<JsonReader> Object(const char* name, bool required = false);
  // An object of string values (tags, custom fields).
  std::optional<std::map<std::string, std::string>> StringMap(const char* name);

 private:
  const nlohmann::json* Find(const char* name, bool required);
  void Error(const char* name, std::string message);

  const nlohmann::json& object_;
  std::string prefix_;
  std::vector<ShapeError>& errors_;
};

}  // namespace pi::gateway::core

#endif  // PI_GATEWAY_CORE_JSON_READER_H_
