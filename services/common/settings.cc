#include "services/common/settings.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace pi::common {

absl::StatusOr<Settings> Settings::Parse(const std::vector<std::string>& allowed,
                                         const std::vector<std::string>& args, char** env) {
  Settings settings;
  for (char** e = env; e != nullptr && *e != nullptr; ++e) {
    absl::string_view entry(*e);
    size_t eq = entry.find('=');
    if (!absl::StartsWith(entry, "PI_") || eq == absl::string_view::npos) continue;
    std::string name = absl::AsciiStrToLower(entry.substr(3, eq - 3));
    if (std::find(allowed.begin(), allowed.end(), name) != allowed.end()) {
      settings.values_[name] = std::string(entry.substr(eq + 1));
    }
  }
  std::vector<std::string> problems;
  for (const std::string& arg : args) {
    size_t eq = arg.find('=');
    if (!absl::StartsWith(arg, "--") || eq == std::string::npos) {
      problems.push_back(absl::StrCat(arg, ": expected --name=value"));
      continue;
    }
    std::string name = arg.substr(2, eq - 2);
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      problems.push_back(absl::StrCat("--", name, ": unknown setting (known: ",
                                      absl::StrJoin(allowed, ", "), ")"));
      continue;
    }
    settings.values_[name] = arg.substr(eq + 1);
  }
  if (!problems.empty()) return absl::InvalidArgumentError(absl::StrJoin(problems, "\n"));
  return settings;
}

std::string Settings::Get(const std::string& name, const std::string& fallback) const {
  auto it = values_.find(name);
  return it == values_.end() || it->second.empty() ? fallback : it->second;
}

std::string Settings::GetOrEmpty(const std::string& name, const std::string& fallback) const {
  auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second;
}

void Settings::GetInt(const std::string& name, int low, int high, int& out,
                      std::vector<std::string>& problems) const {
  std::string raw = Get(name);
  if (raw.empty()) return;
  int value = 0;
  if (!absl::SimpleAtoi(raw, &value) || value < low || value > high) {
    problems.push_back(absl::StrCat(name, ": must be an integer from ", low, " to ", high));
    return;
  }
  out = value;
}

void Settings::GetDuration(const std::string& name, absl::Duration& out,
                           std::vector<std::string>& problems) const {
  std::string raw = Get(name);
  if (raw.empty()) return;
  absl::Duration value;
  if (!absl::ParseDuration(raw, &value) || value < absl::ZeroDuration()) {
    problems.push_back(absl::StrCat(name, ": must be a duration such as 500ms, 10s or 1m"));
    return;
  }
  out = value;
}

absl::StatusOr<std::pair<std::string, int>> SplitHostPort(const std::string& address) {
  size_t colon = address.rfind(':');
  int port = -1;
  if (colon == std::string::npos || colon == 0 ||
      !absl::SimpleAtoi(address.substr(colon + 1), &port) || port < 0 || port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", address, "\" is not host:port, e.g. 0.0.0.0:9090"));
  }
  std::string host = address.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return std::make_pair(host, port);
}

}  // namespace pi::common
