// Maps method + path to a handler. Patterns are literal segments and `{name}` parameters
// ("/payment_instruments/{id}"). Each dialect is mounted at a path prefix with its own error
// renderer, so a 404 or 405 under that prefix is answered in that dialect's envelope; the mount
// with the longest matching prefix wins. Built once at start, then read-only: thread-safe.
#ifndef PI_GATEWAY_SERVER_ROUTER_H_
#define PI_GATEWAY_SERVER_ROUTER_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "gateway/server/http_types.h"

namespace pi::gateway::server {

using Handler = std::function<void(const Exchange&, Responder)>;

class Router {
 public:
  // Routes under `prefix` ("/" or e.g. "/payments/na") render errors with `renderer`.
  void Mount(std::string prefix, ErrorRenderer renderer);
  // `pattern` is the full path, prefix included.
  void Add(http::verb method, std::string pattern, Handler handler);

  // Replaces the handler of the route `method` `pattern` (as given to Add) with
  // `decorate(handler)`. Returns false when no such route exists.
  bool Wrap(http::verb method, absl::string_view pattern,
            const std::function<Handler(Handler)>& decorate);

  // Fills exchange.params and calls the handler, or answers 404/405 in the mount's dialect.
  void Dispatch(Exchange& exchange, const Responder& respond) const;

  // The error renderer of the mount that covers `path` (the "/" mount when none matches better).
  const ErrorRenderer& RendererFor(absl::string_view path) const;

 private:
  struct Route {
    http::verb method;
    std::vector<std::string> segments;
    Handler handler;
  };
  struct MountPoint {
    std::string prefix;
    ErrorRenderer renderer;
  };

  std::vector<Route> routes_;
  std::vector<MountPoint> mounts_;
};

// A plain-text renderer used when no mount covers a path.
Response PlainError(const HttpError& error, const Exchange& exchange);

}  // namespace pi::gateway::server

#endif  // PI_GATEWAY_SERVER_ROUTER_H_
