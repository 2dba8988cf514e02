#include "gateway/core/query_string.h"

#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"

namespace pi::gateway::core {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = absl::ascii_tolower(static_cast<unsigned char>(c));
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// nullopt for a malformed escape. Forms encode a space as '+'; paths do not.
std::optional<std::string> Decode(absl::string_view part, bool plus_is_space) {
  std::string out;
  out.reserve(part.size());
  for (size_t i = 0; i < part.size(); ++i) {
    if (part[i] == '+' && plus_is_space) {
      out.push_back(' ');
    } else if (part[i] == '%') {
      if (i + 2 >= part.size()) return std::nullopt;
      int high = HexValue(part[i + 1]);
      int low = HexValue(part[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      out.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    } else {
      out.push_back(part[i]);
    }
  }
  return out;
}

}  // namespace

absl::StatusOr<std::map<std::string, std::string>> ParseQueryString(absl::string_view query) {
  std::map<std::string, std::string> params;
  for (absl::string_view pair : absl::StrSplit(query, '&', absl::SkipEmpty())) {
    size_t eq = pair.find('=');
    std::optional<std::string> name = Decode(pair.substr(0, eq), /*plus_is_space=*/true);
    std::optional<std::string> value =
        Decode(eq == absl::string_view::npos ? absl::string_view() : pair.substr(eq + 1), true);
    if (!name || !value) {
      return absl::InvalidArgumentError("the query string has a malformed % escape");
    }
    params.emplace(*std::move(name), *std::move(value));
  }
  return params;
}

absl::StatusOr<std::string> DecodePathSegment(absl::string_view segment) {
  std::optional<std::string> decoded = Decode(segment, /*plus_is_space=*/false);
  if (!decoded) return absl::InvalidArgumentError("the path has a malformed % escape");
  return *std::move(decoded);
}

}  // namespace pi::gateway::core
