// Maps method + path to a handler. Patterns are literal segments and `{name}` parameters
// ("/payment_instruments/{id}"). Each dialect is mounted at a path prefix with its own error
// renderer, so a 404 or 405 under that prefix is answered in that dialect's envelope; the mount
// with the longest matching prefix wins. Routes and mounts carry a RouteName (dialect and
// pattern) for metrics and logs. Built once at start, then read-only: thread-safe.
#ifndef PI_GATEWAY_SERVER_ROUTER_H_
#define PI_GATEWAY_SERVER_ROUTER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "gateway/server/http_types.h"

namespace pi::gateway::server {

using Handler = std::function<void(const Exchange&, Responder)>;

class Router {
 public:
  // Names the dialect of the mounts and routes added from now on (for metrics and logs).
  void SetDialect(std::string dialect) { dialect_ = std::move(dialect); }
  // Routes under `prefix` ("/" or e.g. "/payments/na") render errors with `renderer`.
  void Mount(std::string prefix, ErrorRenderer renderer);
  // `pattern` is the full path, prefix included.
  void Add(http::verb method, std::string pattern, Handler handler);

  // Replaces the handler of the route `method` `pattern` (as given to Add) with
  // `decorate(handler)`. Returns false when no such route exists.
  bool Wrap(http::verb method, absl::string_view pattern,
            const std::function<Handler(Handler)>& decorate);

  // Fills exchange.params and exchange.route and calls the handler, or answers 404/405 in the
  // mount's dialect (exchange.route is then the mount's "unmatched" name).
  void Dispatch(Exchange& exchange, const Responder& respond) const;

  // The error renderer of the mount that covers `path` (the "/" mount when none matches better).
  const ErrorRenderer& RendererFor(absl::string_view path) const;
  // The "unmatched" name of the mount that covers `path`.
  const RouteName& UnmatchedFor(absl::string_view path) const;

 private:
  struct Route {
    http::verb method;
    std::vector<std::string> segments;
    Handler handler;
    std::unique_ptr<const RouteName> name;  // stable while exchanges point to it
  };
  struct MountPoint {
    std::string prefix;
    ErrorRenderer renderer;
    std::unique_ptr<const RouteName> unmatched;
  };
  const MountPoint* MountFor(absl::string_view path) const;

  std::string dialect_;
  std::vector<Route> routes_;
  std::vector<MountPoint> mounts_;
};

// A plain-text renderer used when no mount covers a path.
Response PlainError(const HttpError& error, const Exchange& exchange);

}  // namespace pi::gateway::server

#endif  // PI_GATEWAY_SERVER_ROUTER_H_
