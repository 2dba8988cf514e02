// Web origins (RFC 6454) as hosted fields use them: `scheme://host[:port]`, the form browsers send
// in the Origin header and CSP's frame-ancestors and postMessage's targetOrigin compare against.
// Pure and thread-safe.
#ifndef PI_SERVICES_INSTRUMENTS_DOMAIN_WEB_ORIGIN_H_
#define PI_SERVICES_INSTRUMENTS_DOMAIN_WEB_ORIGIN_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace pi::instruments::domain {

// Longest origin accepted (a DNS name is at most 253 characters).
inline constexpr size_t kMaxOriginLength = 300;

// The canonical form of `origin`: scheme http or https, a host (DNS name, IPv4 address or a
// bracketed IPv6 address), an optional port 1-65535; lower-cased, the scheme's default port
// dropped (so "HTTPS://Shop.Example:443" is "https://shop.example"), exactly what a browser sends.
// INVALID_ARGUMENT naming the problem for anything else: another scheme, "null", a path (even a
// lone "/"), a query or fragment, userinfo, a wildcard, an empty host or a bad port. The result
// never contains ';', ',', whitespace or quotes, so it is safe in a header value.
absl::StatusOr<std::string> CanonicalOrigin(absl::string_view origin);

// Every origin of a comma-separated list canonicalized, duplicates removed, order kept (the
// admin CLI's --allowed_origins). An empty list is valid. INVALID_ARGUMENT listing every bad entry.
absl::StatusOr<std::vector<std::string>> ParseOriginList(absl::string_view list);

}  // namespace pi::instruments::domain

#endif  // PI_SERVICES_INSTRUMENTS_DOMAIN_WEB_ORIGIN_H_
