#include "services/instruments/domain/web_origin.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace pi::instruments::domain {
namespace {

absl::Status Bad(absl::string_view origin, absl::string_view why) {
  // The input is echoed (bounded): an origin is public, never a secret.
  return absl::InvalidArgumentError(
      absl::StrCat("origin \"", origin.substr(0, 80), "\": ", why));
}

bool IsDnsName(absl::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  for (absl::string_view label : absl::StrSplit(host, '.')) {
    if (label.empty() || label.size() > 63) return false;  // also refuses a trailing dot
    if (label.front() == '-' || label.back() == '-') return false;
    for (char c : label) {
      if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
    }
  }
  return true;
}

bool IsBracketedIpv6(absl::string_view host) {
  if (host.size() < 4 || host.front() != '[' || host.back() != ']') return false;
  absl::string_view inside = host.substr(1, host.size() - 2);
  if (!absl::StrContains(inside, ':')) return false;
  for (char c : inside) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c)) && c != ':' && c != '.') return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<std::string> CanonicalOrigin(absl::string_view origin) {
  if (origin.empty()) return Bad(origin, "is empty");
  if (origin.size() > kMaxOriginLength) return Bad(origin, "is too long");
  std::string lower = absl::AsciiStrToLower(origin);
  absl::string_view rest = lower;
  std::string scheme;
  if (absl::ConsumePrefix(&rest, "https://")) {
    scheme = "https";
  } else if (absl::ConsumePrefix(&rest, "http://")) {
    scheme = "http";
  } else {
    return Bad(origin, "must start with https:// or http://");
  }
  if (rest.find_first_of("/?#") != absl::string_view::npos) {
    return Bad(origin, "must not have a path, query or fragment (scheme://host[:port] only)");
  }
  if (absl::StrContains(rest, '@')) return Bad(origin, "must not carry user information");
  if (absl::StrContains(rest, '*')) return Bad(origin, "must not contain a wildcard");
  absl::string_view host = rest;
  std::string port;
  size_t colon = rest.rfind(':');
  // In "[::1]" the last colon is inside the brackets: that is no port.
  if (colon != absl::string_view::npos && rest.find(']', colon) == absl::string_view::npos) {
    host = rest.substr(0, colon);
    absl::string_view digits = rest.substr(colon + 1);
    int number = 0;
    bool all_digits = !digits.empty() && digits.size() <= 5 &&
                      std::all_of(digits.begin(), digits.end(), [](char c) {
                        return absl::ascii_isdigit(static_cast<unsigned char>(c));
                      });
    if (!all_digits || !absl::SimpleAtoi(digits, &number) || number < 1 || number > 65535) {
      return Bad(origin, "has an invalid port");
    }
    bool default_port = (scheme == "https" && number == 443) || (scheme == "http" && number == 80);
    if (!default_port) port = absl::StrCat(number);
  }
  if (!IsDnsName(host) && !IsBracketedIpv6(host)) {
    return Bad(origin, "has an invalid host");
  }
  return port.empty() ? absl::StrCat(scheme, "://", host)
                      : absl::StrCat(scheme, "://", host, ":", port);
}

absl::StatusOr<std::vector<std::string>> ParseOriginList(absl::string_view list) {
  std::vector<std::string> origins;
  std::vector<std::string> problems;
  for (absl::string_view entry : absl::StrSplit(list, ',', absl::SkipWhitespace())) {
    absl::StatusOr<std::string> origin = CanonicalOrigin(absl::StripAsciiWhitespace(entry));
    if (!origin.ok()) {
      problems.emplace_back(origin.status().message());
    } else if (std::find(origins.begin(), origins.end(), *origin) == origins.end()) {
      origins.push_back(*std::move(origin));
    }
  }
  if (!problems.empty()) return absl::InvalidArgumentError(absl::StrJoin(problems, "; "));
  return origins;
}

}  // namespace pi::instruments::domain
