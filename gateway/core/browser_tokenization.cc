#include "gateway/core/browser_tokenization.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace pi::gateway::core {
namespace {

namespace http = server::http;
using server::Exchange;
using server::Header;

constexpr size_t kMaxKeyIdLength = 64;
constexpr char kAllowedHeaders[] =
    "Authorization, Content-Type, Finix-Version, Idempotency-Key, Reb-ApiKey, X-Request-Id";
constexpr char kPreflightMaxAgeSeconds[] = "600";

// The value Rebilly may send its publishable key in when Authorization is absent.
std::string CredentialHeader(const Exchange& exchange) {
  std::string authorization = Header(exchange, "authorization");
  return authorization.empty() ? Header(exchange, "reb-apikey") : authorization;
}

std::string CredentialId(absl::string_view authorization) {
  absl::string_view value = absl::StripAsciiWhitespace(authorization);
  std::string id;
  if (absl::StartsWithIgnoreCase(value, "basic ")) {
    std::string decoded;
    if (absl::Base64Unescape(absl::StripAsciiWhitespace(value.substr(6)), &decoded)) {
      id = decoded.substr(0, decoded.find(':'));
      // The secret after ':' must not outlive this call in readable memory.
      std::fill(decoded.begin(), decoded.end(), '\0');
    }
  } else {
    if (absl::StartsWithIgnoreCase(value, "bearer ")) {
      value = absl::StripAsciiWhitespace(value.substr(7));
    }
    size_t underscore = value.find('_');
    if (underscore != absl::string_view::npos && !absl::StrContains(value, '.')) {
      id = std::string(value.substr(0, underscore));
    }
  }
  if (id.empty() || id.size() > kMaxKeyIdLength) return "-";
  return id;
}

server::Response Preflight(const Exchange& exchange) {
  server::Response response(http::status::no_content, exchange.request.version());
  response.set(http::field::allow, "POST, OPTIONS");
  response.set(http::field::vary, "Origin, Access-Control-Request-Method, "
                                  "Access-Control-Request-Headers");
  response.set(http::field::cache_control, "no-store");
  std::string origin = Header(exchange, "origin");
  if (!origin.empty()) {
    response.set(http::field::access_control_allow_origin, origin);
    response.set(http::field::access_control_allow_methods, "POST");
    response.set(http::field::access_control_allow_headers, kAllowedHeaders);
    response.set(http::field::access_control_max_age, kPreflightMaxAgeSeconds);
  }
  return response;
}

server::Handler Protect(server::Handler inner, const server::Router& router,
                        BrowserTokenizationOptions options) {
  return [inner = std::move(inner), &router, options = std::move(options)](
             const Exchange& exchange, server::Responder respond) {
    std::string origin = Header(exchange, "origin");
    bool cross_origin =
        !origin.empty() && !IsOwnOrigin(origin, Header(exchange, "host"), options.own_origins);
    if (options.limiter) {
      RateLimiter::Decision decision = options.limiter->Take(
          RateLimitKey(CredentialHeader(exchange), exchange.client_address));
      if (!decision.allowed) {
        server::Response refused = router.RendererFor(exchange.path)(
            {http::status::too_many_requests,
             "too many tokenization requests from this key and address; retry later"},
            exchange);
        refused.set(http::field::retry_after,
                    absl::StrCat(std::max<int64_t>(
                        1, static_cast<int64_t>(
                               std::ceil(absl::ToDoubleSeconds(decision.retry_after))))));
        refused.set(http::field::cache_control, "no-store");
        refused.set(http::field::vary, "Origin");
        return respond(std::move(refused));
      }
    }
    // The dialect reads the exchange only until it returns, so a copy on the stack will do.
    Exchange forwarded = exchange;
    forwarded.browser_origin = cross_origin ? origin : "";
    inner(forwarded, [respond = std::move(respond),
                      allow = cross_origin ? origin : ""](server::Response response) {
      response.set(http::field::cache_control, "no-store");
      response.set(http::field::vary, "Origin");
      if (!allow.empty() && response.result_int() / 100 == 2) {
        response.set(http::field::access_control_allow_origin, allow);
      }
      respond(std::move(response));
    });
  };
}

}  // namespace

std::string OriginOfUrl(absl::string_view url) {
  size_t scheme_end = url.find("://");
  if (scheme_end == absl::string_view::npos) return "";
  size_t authority_end = url.find_first_of("/?#", scheme_end + 3);
  return absl::AsciiStrToLower(url.substr(0, authority_end));
}

bool IsOwnOrigin(absl::string_view origin, absl::string_view host,
                 const std::vector<std::string>& own_origins) {
  std::string lower = absl::AsciiStrToLower(origin);
  if (std::find(own_origins.begin(), own_origins.end(), lower) != own_origins.end()) return true;
  absl::string_view authority = lower;
  if (!absl::ConsumePrefix(&authority, "https://") && !absl::ConsumePrefix(&authority, "http://")) {
    return false;
  }
  return !host.empty() && authority == absl::AsciiStrToLower(absl::StripAsciiWhitespace(host));
}

std::string RateLimitKey(absl::string_view authorization, absl::string_view client_address) {
  return absl::StrCat(CredentialId(authorization), "|", client_address);
}

absl::Status ProtectTokenizationRoute(server::Router& router, const std::string& pattern,
                                      const BrowserTokenizationOptions& options) {
  const server::Router& routes = router;
  if (!router.Wrap(http::verb::post, pattern, [&routes, &options](server::Handler inner) {
        return Protect(std::move(inner), routes, options);
      })) {
    return absl::InternalError(absl::StrCat("no POST route ", pattern, " to protect"));
  }
  router.Add(http::verb::options, pattern,
             [](const Exchange& exchange, server::Responder respond) {
               respond(Preflight(exchange));
             });
  return absl::OkStatus();
}

}  // namespace pi::gateway::core
