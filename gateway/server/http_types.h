// The HTTP vocabulary shared by the gateway's server, router and dialects.
#ifndef PI_GATEWAY_SERVER_HTTP_TYPES_H_
#define PI_GATEWAY_SERVER_HTTP_TYPES_H_

#include <functional>
#include <map>
#include <string>
#include <vector>

#include <boost/beast/http.hpp>

#include "absl/strings/string_view.h"

namespace pi::gateway::server {

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

// What metrics and the access log call a request: bounded names, never ids.
struct RouteName {
  std::string dialect;  // "finix", "sumup", "ahrvo", "rebilly", "health", or "" for none
  std::string pattern;  // "/payment_instruments/{id}", or "unmatched" (404, 405, unreadable)
};

// One request in flight: what a handler sees.
struct Exchange {
  Request request;
  std::string request_id;                     // from X-Request-Id, or generated
  std::string path;                           // target without the query string
  std::string query;                          // after '?', undecoded
  std::map<std::string, std::string> params;  // path parameters, e.g. {"id": "PI..."}
  std::string client_address;                 // the TCP peer's IP address
  // Set only by the browser-tokenization layer (core/browser_tokenization.h) on a cross-origin
  // browser request: its Origin, which the dialect forwards to pi-server to be checked. Never
  // read from a header by anything else, so a client cannot place it on other routes.
  std::string browser_origin;
  const RouteName* route = nullptr;           // set by the router; owned by it
};

// The value of request header `name` (case-insensitive), or "" when absent.
inline std::string Header(const Exchange& exchange, absl::string_view name) {
  auto it = exchange.request.find(boost::beast::string_view(name.data(), name.size()));
  if (it == exchange.request.end()) return "";
  return std::string(it->value().data(), it->value().size());
}

// Sends the response of one exchange. Callable once, from any thread.
using Responder = std::function<void(Response)>;

// A transport-level or routing error, before any dialect logic ran.
struct HttpError {
  http::status status = http::status::bad_request;
  std::string message;
};

// Renders an HttpError in a dialect's envelope for `exchange`.
using ErrorRenderer = std::function<Response(const HttpError&, const Exchange&)>;

}  // namespace pi::gateway::server

#endif  // PI_GATEWAY_SERVER_HTTP_TYPES_H_
