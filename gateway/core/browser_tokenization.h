// What the tokenization routes (Finix and Ahrvo POST /tokens, Rebilly POST
// /organizations/{org}/tokens) add for browsers, around the dialect's own handler:
//
//  - Rate limit per (credential id, client address), before anything else: 429 in the dialect's
//    error envelope (its mount's renderer) with Retry-After in seconds. The credential id is read
//    from the Authorization (or Rebilly's Reb-ApiKey) value without its secret, which never
//    enters the limiter's memory.
//  - Origin: a request whose Origin is not the gateway's own (the hosted card page posts
//    same-origin) is a cross-origin browser call. Its Origin goes to pi-server with the call
//    (Exchange::browser_origin -> `origin` metadata), which refuses it unless it is one of the
//    application's allowed origins. Only a 2xx answer to a cross-origin call carries
//    `Access-Control-Allow-Origin: <that origin>`; errors carry none, so another site's page cannot
//    read them. Every answer has `Vary: Origin` and `Cache-Control: no-store` (it may carry a
//    token).
//  - OPTIONS (CORS preflight) on the same path: 204 allowing POST and the headers the dialects
//    read, echoing any Origin. A preflight carries no credentials, so it cannot be checked against
//    an application; the real check is on the POST itself, above.
//
// The gateway's own origins are the origin of PI_PUBLIC_BASE_URL and any origin whose host[:port]
// is the request's Host. Thread-safe once registered.
#ifndef PI_GATEWAY_CORE_BROWSER_TOKENIZATION_H_
#define PI_GATEWAY_CORE_BROWSER_TOKENIZATION_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "gateway/core/rate_limiter.h"
#include "gateway/server/router.h"

namespace pi::gateway::core {

struct BrowserTokenizationOptions {
  std::vector<std::string> own_origins;  // lower case, e.g. {"https://vault.example.com"}
  std::shared_ptr<RateLimiter> limiter;  // null: no rate limit
};

// Wraps the POST route `pattern` of `router` (already added by its dialect) and adds its OPTIONS
// route. `router` must outlive its use. INTERNAL when no such POST route exists.
absl::Status ProtectTokenizationRoute(server::Router& router, const std::string& pattern,
                                      const BrowserTokenizationOptions& options);

// "scheme://host[:port]" of an absolute URL, lower-cased; "" when it has no scheme.
std::string OriginOfUrl(absl::string_view url);

// True when `origin` is one of `own_origins` or names the host[:port] in `host` (the request's
// Host header), whatever the scheme: a TLS-terminating proxy may stand in front.
bool IsOwnOrigin(absl::string_view origin, absl::string_view host,
                 const std::vector<std::string>& own_origins);

// The rate-limit key of a request: the credential id of `authorization` (Basic id:secret,
// Bearer/raw id_secret; a JWT or anything unparsed counts as one anonymous id) and the address.
std::string RateLimitKey(absl::string_view authorization, absl::string_view client_address);

}  // namespace pi::gateway::core

#endif  // PI_GATEWAY_CORE_BROWSER_TOKENIZATION_H_
